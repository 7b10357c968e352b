// yamlencode and yamldecode through yaml-cpp.
//
/// Kubernetes manifests and Helm values are YAML; stack files build them from maps and
/// read them back. yamlencode must be deterministic (plans diff its output), so keys
/// come out sorted (nlohmann objects are) and every string that some YAML reader could
/// take for a number, bool or null is double-quoted. "Some reader" includes YAML 1.1
/// ones such as Go's yaml.v2 inside kubectl, where `on`, `no` and `0777` are not
/// strings; over-quoting is harmless, under-quoting changes the meaning.
///
/// yamldecode resolves plain scalars by the YAML 1.2 core schema (true/false, null/~,
/// ints, floats); quoted scalars always stay strings.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <regex>

#include "engine/config/functions.h"

namespace capstan::functions_detail {
namespace {

constexpr int kMaxDepth = 256;
constexpr size_t kMaxValues = 1'000'000;

/// True when a YAML 1.1 or 1.2 reader might resolve the plain scalar `s` to a non-string.
bool NeedsQuotes(const std::string& s) {
  static const std::regex kSpecial(
      "~|null|Null|NULL|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|"
      "on|On|ON|off|Off|OFF|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)|[-+]?\\.?[0-9].*|<<|=");
  return s.empty() || std::regex_match(s, kSpecial);
}

void Emit(YAML::Emitter& out, const Value& v) {
  switch (v.type()) {
    case Value::value_t::object:
      if (v.empty()) out << YAML::Flow;  // "{}" on the key's line
      out << YAML::BeginMap;
      for (auto it = v.begin(); it != v.end(); ++it) {
        out << YAML::Key;
        if (NeedsQuotes(it.key())) out << YAML::DoubleQuoted;
        out << it.key() << YAML::Value;
        Emit(out, it.value());
      }
      out << YAML::EndMap;
      break;
    case Value::value_t::array:
      if (v.empty()) out << YAML::Flow;
      out << YAML::BeginSeq;
      for (const auto& item : v) Emit(out, item);
      out << YAML::EndSeq;
      break;
    case Value::value_t::string: {
      const auto& s = v.get_ref<const std::string&>();
      if (NeedsQuotes(s)) out << YAML::DoubleQuoted;
      out << s;
      break;
    }
    case Value::value_t::boolean:
      out << (v.get<bool>() ? "true" : "false");
      break;
    case Value::value_t::null:
      out << YAML::Null;
      break;
    default:
      out << NumberToString(v);
      break;
  }
}

Result<Value> YamlEncode(const Call& call) {
  YAML::Emitter out;
  out.SetIndent(2);
  out.SetNullFormat(YAML::LowerNull);
  Emit(out, call.args[0]);
  if (!out.good()) return Fail(call, "cannot encode the value: " + out.GetLastError());
  return Value(std::string(out.c_str()) + "\n");
}

/// Resolves a plain scalar by the YAML 1.2 core schema; false for non-finite floats.
bool ResolvePlain(const std::string& s, Value* out) {
  static const std::regex kNull("~|null|Null|NULL|");
  static const std::regex kTrue("true|True|TRUE");
  static const std::regex kFalse("false|False|FALSE");
  static const std::regex kInt("[-+]?[0-9]+");
  static const std::regex kOct("0o[0-7]+");
  static const std::regex kHex("0x[0-9a-fA-F]+");
  static const std::regex kFloat("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  static const std::regex kNonFinite("[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)");
  if (std::regex_match(s, kNull)) {
    *out = nullptr;
  } else if (std::regex_match(s, kTrue)) {
    *out = true;
  } else if (std::regex_match(s, kFalse)) {
    *out = false;
  } else if (std::regex_match(s, kInt) || std::regex_match(s, kOct) || std::regex_match(s, kHex)) {
    int base = s.starts_with("0o") ? 8 : s.starts_with("0x") ? 16 : 10;
    try {
      *out = static_cast<int64_t>(std::stoll(base == 10 ? s : s.substr(2), nullptr, base));
    } catch (const std::out_of_range&) {
      *out = std::stod(s);  // huge decimal integers degrade to floats
    }
  } else if (std::regex_match(s, kFloat)) {
    *out = NumberValue(std::stod(s));
  } else if (std::regex_match(s, kNonFinite)) {
    return false;
  } else {
    *out = s;
  }
  return true;
}

/// yaml-cpp shares an aliased node; converting copies it, so a "billion laughs"
/// document would expand exponentially. `*budget` counts the values made.
Result<Value> Convert(const Call& call, const YAML::Node& node, int depth, size_t* budget) {
  if (depth > kMaxDepth) return Fail(call, "the document is nested too deeply");
  if (*budget == 0) {
    return Fail(call, "the document expands to more than " + std::to_string(kMaxValues) +
                          " values (an alias bomb?)");
  }
  --*budget;
  auto where = [&] {
    return fmt::format("line {}, column {}", node.Mark().line + 1, node.Mark().column + 1);
  };
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return Value(nullptr);
    case YAML::NodeType::Scalar: {
      const std::string& tag = node.Tag();
      if (tag == "!" || tag == "tag:yaml.org,2002:str") return Value(node.Scalar());
      Value v;
      if (!ResolvePlain(node.Scalar(), &v)) {
        return Fail(call, fmt::format("{} at {} cannot be represented (no infinity or NaN)",
                                      node.Scalar(), where()));
      }
      return v;
    }
    case YAML::NodeType::Sequence: {
      Value out = Value::array();
      for (const auto& item : node) {
        auto v = Convert(call, item, depth + 1, budget);
        if (!v) return v;
        out.push_back(std::move(*v));
      }
      return out;
    }
    case YAML::NodeType::Map: {
      Value out = Value::object();
      for (const auto& kv : node) {
        if (!kv.first.IsScalar()) {
          return Fail(call, fmt::format("map key at {} is not a scalar", where()));
        }
        auto v = Convert(call, kv.second, depth + 1, budget);
        if (!v) return v;
        out[kv.first.Scalar()] = std::move(*v);
      }
      return out;
    }
  }
  return Value(nullptr);
}

Result<Value> YamlDecode(const Call& call) {
  auto s = StringArg(call, 0);
  if (!s) return s.diags();
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(*s);
  } catch (const YAML::Exception& e) {
    return Fail(call, fmt::format("argument 1 is not valid YAML: {} at line {}, column {}", e.msg,
                                  e.mark.line + 1, e.mark.column + 1));
  }
  if (docs.size() > 1) {
    return Fail(
        call, fmt::format("argument 1 holds {} YAML documents; only one is allowed", docs.size()));
  }
  if (docs.empty()) return Value(nullptr);
  size_t budget = kMaxValues;
  return Convert(call, docs[0], 0, &budget);
}

constexpr Spec kYaml[] = {{"yamldecode", 1, 1, YamlDecode}, {"yamlencode", 1, 1, YamlEncode}};

}  // namespace

std::span<const Spec> YamlFunctions() { return kYaml; }

}  // namespace capstan::functions_detail
