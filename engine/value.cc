// Unknown-value marker and deterministic rendering of values.
#include "engine/value.h"

namespace capstan {
namespace {
constexpr const char* kUnknownKey = "__capstan_unknown__";
}

Value Unknown() { return Value{{kUnknownKey, true}}; }

bool IsUnknown(const Value& v) { return v.is_object() && v.size() == 1 && v.contains(kUnknownKey); }

bool ContainsUnknown(const Value& v) {
  if (IsUnknown(v)) return true;
  if (v.is_structured()) {
    for (const auto& item : v) {
      if (ContainsUnknown(item)) return true;
    }
  }
  return false;
}

std::string RenderValue(const Value& v) {
  if (IsUnknown(v)) return "(known after apply)";
  if (v.is_array()) {
    std::string out = "[";
    for (size_t i = 0; i < v.size(); ++i) {
      if (i) out += ", ";
      out += RenderValue(v[i]);
    }
    return out + "]";
  }
  if (v.is_object()) {
    std::string out = "{";
    bool first = true;
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (!first) out += ", ";
      first = false;
      out += Value(it.key()).dump() + " = " + RenderValue(it.value());
    }
    return out + "}";
  }
  return v.dump();
}

}  // namespace capstan
