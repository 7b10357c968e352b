// Converters between schema/diagnostic/object structs and their JSON forms.
#include "providers/schema_json.h"

namespace capstan {
namespace {

bool Flag(const Value& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

std::string Str(const Value& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::optional<AttrType> AttrTypeFromName(const std::string& name) {
  for (AttrType t : {AttrType::kString, AttrType::kNumber, AttrType::kBool, AttrType::kList,
                     AttrType::kMap, AttrType::kAny}) {
    if (name == AttrTypeName(t)) return t;
  }
  return std::nullopt;
}

Value AttrSchemaToJson(const AttrSchema& a) {
  Value j = {{"name", a.name}, {"type", AttrTypeName(a.type)}};
  if (!a.description.empty()) j["description"] = a.description;
  if (a.required) j["required"] = true;
  if (a.computed) j["computed"] = true;
  if (a.optional) j["optional"] = true;
  if (a.force_new) j["force_new"] = true;
  if (a.sensitive) j["sensitive"] = true;
  if (!a.default_value.is_null()) j["default"] = a.default_value;
  return j;
}

Result<AttrSchema> AttrSchemaFromJson(const Value& j) {
  if (!j.is_object()) return Result<AttrSchema>::Fail("attribute schema must be an object");
  AttrSchema a;
  a.name = Str(j, "name");
  if (a.name.empty()) return Result<AttrSchema>::Fail("attribute schema without a \"name\"");
  std::string type = j.contains("type") ? Str(j, "type") : "string";
  auto t = AttrTypeFromName(type);
  if (!t) {
    return Result<AttrSchema>::Fail(
        "attribute \"" + a.name + "\" has unknown type \"" + type + "\"",
        "Types: string, number, bool, list, map, any.");
  }
  a.type = *t;
  a.description = Str(j, "description");
  a.required = Flag(j, "required");
  a.computed = Flag(j, "computed");
  a.optional = Flag(j, "optional");
  a.force_new = Flag(j, "force_new");
  a.sensitive = Flag(j, "sensitive");
  if (j.contains("default")) a.default_value = j["default"];
  return a;
}

Value ResourceSchemaToJson(const ResourceSchema& s) {
  Value attrs = Value::array();
  for (const auto& a : s.attributes) attrs.push_back(AttrSchemaToJson(a));
  Value j = {{"type", s.type}, {"attributes", attrs}};
  if (!s.description.empty()) j["description"] = s.description;
  if (!s.controller_owned.empty()) j["controller_owned"] = s.controller_owned;
  return j;
}

Result<ResourceSchema> ResourceSchemaFromJson(const Value& j) {
  if (!j.is_object()) return Result<ResourceSchema>::Fail("resource schema must be an object");
  ResourceSchema s;
  s.type = Str(j, "type");
  if (s.type.find('.') == std::string::npos) {
    return Result<ResourceSchema>::Fail("resource schema type \"" + s.type +
                                        "\" is not of the form provider.kind");
  }
  s.description = Str(j, "description");
  if (auto it = j.find("attributes"); it != j.end()) {
    if (!it->is_array()) {
      return Result<ResourceSchema>::Fail("\"attributes\" of " + s.type + " must be a list");
    }
    for (const auto& aj : *it) {
      auto a = AttrSchemaFromJson(aj);
      if (!a) {
        Diagnostics d = a.diags();
        Diagnostics out;
        for (auto item : d.items()) {
          item.summary = s.type + ": " + item.summary;
          out.Add(std::move(item));
        }
        return out;
      }
      s.attributes.push_back(std::move(*a));
    }
  }
  if (auto it = j.find("controller_owned"); it != j.end() && it->is_array()) {
    for (const auto& c : *it) {
      if (c.is_string()) s.controller_owned.push_back(c.get<std::string>());
    }
  }
  return s;
}

Value DiagnosticToJson(const Diagnostic& d) {
  Value j = {{"severity", d.severity == Severity::kError ? "error" : "warning"},
             {"summary", d.summary}};
  if (!d.detail.empty()) j["detail"] = d.detail;
  if (!d.key.empty()) j["key"] = d.key;
  if (!d.address.empty()) j["address"] = d.address;
  return j;
}

Diagnostic DiagnosticFromJson(const Value& j) {
  Diagnostic d;
  if (!j.is_object()) {
    d.summary = j.is_string() ? j.get<std::string>() : "(no summary)";
    return d;
  }
  d.severity = Str(j, "severity") == "warning" ? Severity::kWarning : Severity::kError;
  d.summary = Str(j, "summary");
  if (d.summary.empty()) d.summary = "(no summary)";
  d.detail = Str(j, "detail");
  d.key = Str(j, "key");
  d.address = Str(j, "address");
  return d;
}

Value DiagnosticsToJson(const Diagnostics& d) {
  Value arr = Value::array();
  for (const auto& item : d.items()) arr.push_back(DiagnosticToJson(item));
  return arr;
}

Diagnostics DiagnosticsFromJson(const Value& j) {
  Diagnostics out;
  if (!j.is_array()) return out;
  for (const auto& item : j) out.Add(DiagnosticFromJson(item));
  return out;
}

Value ObjectStateToJson(const ObjectState& o) {
  return {{"id", o.id}, {"attributes", o.attributes.is_object() ? o.attributes : Value::object()}};
}

Result<ObjectState> ObjectStateFromJson(const Value& j) {
  if (!j.is_object()) return Result<ObjectState>::Fail("object must be a JSON object");
  ObjectState o;
  o.id = Str(j, "id");
  if (o.id.empty()) return Result<ObjectState>::Fail("object without an \"id\"");
  if (auto it = j.find("attributes"); it != j.end() && it->is_object()) o.attributes = *it;
  return o;
}

}  // namespace capstan
