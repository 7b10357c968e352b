// Argument checking and conversion shared by every function family.
//
/// Terraform converts between primitive types at call boundaries ("5" is fine where a
/// number is expected, 5 where a string is); users porting SCS Terraform code rely on
/// that, so these helpers do the same conversions and, when they fail, build the one
/// error shape all functions share: "fn: argument N must be X, got Y".
#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <limits>

#include "engine/config/functions.h"

namespace capstan::functions_detail {

std::string TypeName(const Value& v) {
  switch (v.type()) {
    case Value::value_t::null:
      return "null";
    case Value::value_t::boolean:
      return "bool";
    case Value::value_t::string:
      return "string";
    case Value::value_t::array:
      return "list";
    case Value::value_t::object:
      return "map";
    case Value::value_t::number_integer:
    case Value::value_t::number_unsigned:
    case Value::value_t::number_float:
      return "number";
    default:
      return "binary";
  }
}

Diagnostics Fail(const Call& call, std::string message) {
  Diagnostics d;
  d.Error(fmt::format("{}: {}", call.name, message));
  return d;
}

Diagnostics ArgError(const Call& call, size_t index, std::string_view expected) {
  return Fail(call, fmt::format("argument {} must be {}, got {}", index + 1, expected,
                                TypeName(call.args[index])));
}

std::string NumberToString(const Value& v) {
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
  double d = v.get<double>();
  if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e15) {
    return fmt::format("{}", static_cast<int64_t>(d));
  }
  return v.dump();
}

bool ToStringLenient(const Value& v, std::string* out) {
  if (v.is_string()) {
    *out = v.get<std::string>();
  } else if (v.is_number()) {
    *out = NumberToString(v);
  } else if (v.is_boolean()) {
    *out = v.get<bool>() ? "true" : "false";
  } else {
    return false;
  }
  return true;
}

bool ToNumberLenient(const Value& v, double* out) {
  if (v.is_number()) {
    *out = v.get<double>();
    return true;
  }
  if (!v.is_string()) return false;
  const std::string& s = v.get_ref<const std::string&>();
  if (s.empty() || std::isspace(static_cast<unsigned char>(s.front()))) return false;
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(d)) return false;
  *out = d;
  return true;
}

bool ToIntegerLenient(const Value& v, int64_t* out) {
  if (v.is_number_integer()) {
    *out = v.get<int64_t>();
    return true;
  }
  if (v.is_number_unsigned()) {
    uint64_t u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
    *out = static_cast<int64_t>(u);
    return true;
  }
  double d = 0;
  if (!ToNumberLenient(v, &d) || d != std::floor(d) || std::fabs(d) > 9.0e18) return false;
  *out = static_cast<int64_t>(d);
  return true;
}

Value NumberValue(double d) {
  if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e15) {
    return Value(static_cast<int64_t>(d));
  }
  return Value(d);
}

Result<std::string> StringArg(const Call& call, size_t index) {
  std::string s;
  if (!ToStringLenient(call.args[index], &s)) return ArgError(call, index, "a string");
  return s;
}

Result<int64_t> IntegerArg(const Call& call, size_t index) {
  int64_t n = 0;
  if (!ToIntegerLenient(call.args[index], &n)) return ArgError(call, index, "a whole number");
  return n;
}

Result<const Value*> ListArg(const Call& call, size_t index, std::string_view what) {
  const Value& v = call.args[index];
  if (!v.is_array()) return ArgError(call, index, what);
  return &v;
}

Result<const Value*> MapArg(const Call& call, size_t index) {
  const Value& v = call.args[index];
  if (!v.is_object()) return ArgError(call, index, "a map");
  return &v;
}

Result<std::vector<std::string>> StringListArg(const Call& call, size_t index) {
  const Value& v = call.args[index];
  if (!v.is_array()) return ArgError(call, index, "a list of strings");
  std::vector<std::string> out;
  out.reserve(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    std::string s;
    if (!ToStringLenient(v[i], &s)) {
      return Fail(call, fmt::format("argument {} must be a list of strings, element {} is {}",
                                    index + 1, i, TypeName(v[i])));
    }
    out.push_back(std::move(s));
  }
  return out;
}

size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80           ? 1
                 : (c >> 5) == 0x6  ? 2
                 : (c >> 4) == 0xE  ? 3
                 : (c >> 3) == 0x1E ? 4
                                    : 0;
    if (len == 0 || i + len > s.size()) return false;
    uint32_t cp = len == 1 ? c : c & (0x7F >> len);
    for (size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

}  // namespace capstan::functions_detail
