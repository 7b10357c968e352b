// Encoding and conversion functions: base64encode, base64decode, sha256, jsonencode,
// jsondecode, tostring, tonumber, tobool.
//
/// Cloud-init user data, kubeconfigs and Helm values cross these functions on their
/// way into provider properties. Base64 comes from libsodium (constant-time, strict
/// decoding), sha256 from engine/hash.h, JSON from nlohmann::json, whose exceptions are
/// caught right here and become diagnostics.
#include <fmt/format.h>
#include <sodium.h>

#include "engine/config/functions.h"
#include "engine/hash.h"

namespace capstan::functions_detail {
namespace {

Result<Value> Base64Encode(const Call& call) {
  auto s = StringArg(call, 0);
  if (!s) return s.diags();
  constexpr int kVariant = sodium_base64_VARIANT_ORIGINAL;
  std::string out(sodium_base64_ENCODED_LEN(s->size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(s->data()),
                    s->size(), kVariant);
  out.resize(out.size() - 1);  // the terminating NUL
  return Value(out);
}

Result<Value> Base64Decode(const Call& call) {
  auto s = StringArg(call, 0);
  if (!s) return s.diags();
  std::string out(s->size() / 4 * 3 + 3, '\0');
  size_t len = 0;
  const char* end = nullptr;
  int rc = sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), s->data(),
                             s->size(), "\r\n", &len, &end, sodium_base64_VARIANT_ORIGINAL);
  if (rc != 0 || end != s->data() + s->size()) {
    size_t at = end ? static_cast<size_t>(end - s->data()) : 0;
    return Fail(call, fmt::format("argument 1 is not valid base64 (problem at offset {})", at));
  }
  out.resize(len);
  if (!IsValidUtf8(out)) {
    return Fail(call, "the decoded bytes are not valid UTF-8 text");
  }
  return Value(out);
}

Result<Value> Sha256(const Call& call) {
  auto s = StringArg(call, 0);
  if (!s) return s.diags();
  return Value(Sha256Hex(*s));
}

Result<Value> JsonEncode(const Call& call) { return Value(call.args[0].dump()); }

/// nlohmann's messages start with "[json.exception.parse_error.101] "; drop that.
std::string CleanJsonError(const std::string& what) {
  size_t close = what.find("] ");
  return close == std::string::npos ? what : what.substr(close + 2);
}

/// Deeper documents are refused: rendering, diffing and sealing values recurse over them.
constexpr int kMaxJsonDepth = 256;
struct TooDeep {};

Result<Value> JsonDecode(const Call& call) {
  auto s = StringArg(call, 0);
  if (!s) return s.diags();
  auto guard = [](int depth, Value::parse_event_t, Value&) {
    if (depth > kMaxJsonDepth) throw TooDeep{};
    return true;
  };
  try {
    return Value::parse(*s, guard);
  } catch (const Value::exception& e) {
    return Fail(call, "argument 1 is not valid JSON: " + CleanJsonError(e.what()));
  } catch (const TooDeep&) {
    return Fail(call, "argument 1 nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
}

Result<Value> ToString(const Call& call) {
  const Value& v = call.args[0];
  if (v.is_null()) return v;
  std::string s;
  if (!ToStringLenient(v, &s)) return ArgError(call, 0, "a string, number or bool");
  return Value(s);
}

Result<Value> ToNumber(const Call& call) {
  const Value& v = call.args[0];
  if (v.is_null() || v.is_number()) return v;
  double d = 0;
  if (!v.is_string() || !ToNumberLenient(v, &d)) {
    if (v.is_string()) {
      return Fail(call, fmt::format("argument 1 must be a number, got the string {}", v.dump()));
    }
    return ArgError(call, 0, "a number or a numeric string");
  }
  return NumberValue(d);
}

Result<Value> ToBool(const Call& call) {
  const Value& v = call.args[0];
  if (v.is_null() || v.is_boolean()) return v;
  if (v == "true") return Value(true);
  if (v == "false") return Value(false);
  if (v.is_string()) {
    return Fail(call, fmt::format("argument 1 must be \"true\" or \"false\", got {}", v.dump()));
  }
  return ArgError(call, 0, "a bool");
}

constexpr Spec kEncoding[] = {
    {"base64decode", 1, 1, Base64Decode},
    {"base64encode", 1, 1, Base64Encode},
    {"jsondecode", 1, 1, JsonDecode},
    {"jsonencode", 1, 1, JsonEncode},
    {"sha256", 1, 1, Sha256},
    {"tobool", 1, 1, ToBool},
    {"tonumber", 1, 1, ToNumber},
    {"tostring", 1, 1, ToString},
};

}  // namespace

std::span<const Spec> EncodingFunctions() { return kEncoding; }

}  // namespace capstan::functions_detail
