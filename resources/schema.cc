// Schema lookups, property validation and defaults.
#include "resources/schema.h"

#include <algorithm>

namespace capstan {
namespace {

/// Levenshtein distance, for "did you mean" hints on misspelt keys.
size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

bool TypeMatches(AttrType t, const Value& v) {
  if (IsUnknown(v) || v.is_null()) return true;
  switch (t) {
    case AttrType::kString:
      return v.is_string();
    case AttrType::kNumber:
      return v.is_number();
    case AttrType::kBool:
      return v.is_boolean();
    case AttrType::kList:
      return v.is_array();
    case AttrType::kMap:
      return v.is_object();
    case AttrType::kAny:
      return true;
  }
  return true;
}

}  // namespace

const char* AttrTypeName(AttrType t) {
  switch (t) {
    case AttrType::kString:
      return "string";
    case AttrType::kNumber:
      return "number";
    case AttrType::kBool:
      return "bool";
    case AttrType::kList:
      return "list";
    case AttrType::kMap:
      return "map";
    case AttrType::kAny:
      return "any";
  }
  return "any";
}

const AttrSchema* ResourceSchema::Find(const std::string& name) const {
  for (const auto& a : attributes) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

bool ResourceSchema::IsInput(const std::string& name) const {
  const AttrSchema* a = Find(name);
  return a && (a->required || a->optional);
}

Diagnostics ValidateProperties(const ResourceSchema& schema, const Value& props) {
  Diagnostics d;
  if (!props.is_object()) {
    d.Error("properties of " + schema.type + " must be a map");
    return d;
  }
  for (auto it = props.begin(); it != props.end(); ++it) {
    const AttrSchema* a = schema.Find(it.key());
    if (!a || !(a->required || a->optional)) {
      std::string hint;
      size_t best = 3;
      for (const auto& cand : schema.attributes) {
        if (!(cand.required || cand.optional)) continue;
        size_t dist = EditDistance(it.key(), cand.name);
        if (dist < best) {
          best = dist;
          hint = "Did you mean \"" + cand.name + "\"?";
        }
      }
      std::string summary =
          a ? "\"" + it.key() + "\" is computed by " + schema.type + " and cannot be set"
            : "Unsupported property \"" + it.key() + "\" for " + schema.type;
      d.Error(summary, hint).key = "properties." + it.key();
      continue;
    }
    if (!TypeMatches(a->type, it.value())) {
      d.Error("Property \"" + it.key() + "\" of " + schema.type + " must be a " +
              AttrTypeName(a->type) + ", got " + it.value().type_name())
          .key = "properties." + it.key();
    }
  }
  for (const auto& a : schema.attributes) {
    if (a.required && (!props.contains(a.name) || props[a.name].is_null())) {
      d.Error("Missing required property \"" + a.name + "\" for " + schema.type, a.description)
          .key = "properties." + a.name;
    }
  }
  return d;
}

Value ApplyDefaults(const ResourceSchema& schema, const Value& props) {
  Value out = props.is_object() ? props : Value::object();
  for (const auto& a : schema.attributes) {
    if (!a.default_value.is_null() && (!out.contains(a.name) || out[a.name].is_null())) {
      out[a.name] = a.default_value;
    }
  }
  return out;
}

}  // namespace capstan
