// The machine-readable plan (see plans/render_json.h and docs/plan-format.md).
//
/// Every field written here is documented in docs/plan-format.md; adding one is a minor
/// format change, renaming or removing one a major change.
#include "plans/render_json.h"

#include <string>
#include <vector>

#include "plans/diff.h"

namespace capstan {
namespace {

using nlohmann::json;

/// Replaces unknown markers in `v` by null and records where they were.
void StripUnknown(Value& v, const std::string& path, std::vector<std::string>& paths) {
  if (IsUnknown(v)) {
    paths.push_back(path);
    v = nullptr;
    return;
  }
  if (v.is_object()) {
    for (auto& [key, child] : v.items()) {
      StripUnknown(child, path.empty() ? key : path + "." + key, paths);
    }
  } else if (v.is_array()) {
    for (size_t i = 0; i < v.size(); ++i) {
      std::string p = std::to_string(i);
      StripUnknown(v[i], path.empty() ? p : path + "." + p, paths);
    }
  }
}

/// An attribute object with sensitive members nulled and unknowns stripped.
json MaskObject(const Value& v, const std::set<std::string>& sensitive,
                std::vector<std::string>* unknown) {
  if (!v.is_object()) return v.is_null() ? json() : json(v);
  json out = v;
  for (const std::string& name : sensitive) {
    if (out.contains(name)) out[name] = nullptr;
  }
  std::vector<std::string> ignored;
  StripUnknown(out, "", unknown != nullptr ? *unknown : ignored);
  return out;
}

/// A single value: null when secret or unknown; `unknown` says which.
json MaskValue(const Value& v, bool sensitive, bool* unknown) {
  *unknown = ContainsUnknown(v);
  if (sensitive) return nullptr;
  json out = v;
  std::vector<std::string> paths;
  StripUnknown(out, "", paths);
  return out;
}

json AttributesJson(const std::vector<AttributeChange>& attrs) {
  json out = json::array();
  for (const AttributeChange& a : attrs) {
    bool before_unknown = false, after_unknown = false;
    json before = MaskValue(a.before, a.sensitive, &before_unknown);
    json after = MaskValue(a.after, a.sensitive, &after_unknown);
    out.push_back({{"path", a.path},
                   {"before", before},
                   {"after", after},
                   {"after_unknown", after_unknown},
                   {"sensitive", a.sensitive},
                   {"forces_replacement", a.forces_replacement}});
  }
  return out;
}

json ChangeJson(const ResourceChange& c) {
  std::vector<std::string> unknown;
  json before = MaskObject(c.before, c.sensitive, nullptr);
  json after = MaskObject(c.after, c.sensitive, &unknown);
  return {{"address", c.address.ToString()},
          {"type", c.type},
          {"provider", c.provider},
          {"action", ActionName(c.action)},
          {"id", c.id},
          {"deposed_key", c.deposed_key},
          {"reason", c.reason},
          {"replace_because", c.replace_because},
          {"ignored", c.ignored},
          {"before", before},
          {"after", after},
          {"sensitive", c.sensitive},
          {"unknown", unknown},
          {"attributes", AttributesJson(c.attributes)},
          {"dependencies", c.dependencies},
          {"prior_dependencies", c.prior_dependencies},
          {"create_before_destroy", c.create_before_destroy},
          {"prevent_destroy", c.prevent_destroy}};
}

json ExecutionJson(const Plan& plan) {
  json nodes = json::array();
  for (const ExecNode& n : plan.exec) {
    json node = {{"id", n.id}, {"op", OpKindName(n.op)}, {"change", n.change}, {"after", n.after}};
    if (n.change >= 0 && static_cast<size_t>(n.change) < plan.changes.size()) {
      const ResourceChange& c = plan.changes[n.change];
      node["address"] = c.address.ToString();
      node["deposed_key"] = c.deposed_key;
    }
    nodes.push_back(std::move(node));
  }
  return {{"nodes", nodes}};
}

const char* OutputAction(const OutputChange& o) {
  if (o.removed) return "delete";
  if (!IsOutputChanged(o)) return "no-op";
  return o.before.is_null() ? "create" : "update";
}

json OutputsJson(const Plan& plan) {
  json out = json::array();
  for (const OutputChange& o : plan.outputs) {
    bool before_unknown = false, after_unknown = false;
    json before = MaskValue(o.before, o.sensitive, &before_unknown);
    json after = MaskValue(o.after, o.sensitive, &after_unknown);
    out.push_back({{"name", o.name},
                   {"action", OutputAction(o)},
                   {"before", before},
                   {"after", after},
                   {"after_unknown", after_unknown},
                   {"sensitive", o.sensitive},
                   {"removed", o.removed}});
  }
  return out;
}

json DriftJson(const Plan& plan) {
  json out = json::array();
  for (const DriftEntry& d : plan.drift) {
    out.push_back({{"address", d.address.ToString()},
                   {"type", d.type},
                   {"deleted", d.deleted},
                   {"attributes", AttributesJson(d.attributes)},
                   {"ignored", d.ignored}});
  }
  return out;
}

}  // namespace

nlohmann::json PlanToJson(const Plan& plan) {
  json vars = json::object();
  for (const auto& [name, value] : plan.variables) {
    bool unknown = false;
    vars[name] = MaskValue(value, plan.sensitive_variables.count(name) > 0, &unknown);
  }
  json changes = json::array();
  for (const ResourceChange& c : plan.changes) changes.push_back(ChangeJson(c));
  const PlanSummary s = plan.Summary();
  return {{"format_version", plan.format_version},
          {"capstan_version", plan.capstan_version},
          {"stack", plan.stack},
          {"mode", PlanModeName(plan.mode)},
          {"lineage", plan.lineage},
          {"serial", plan.serial},
          {"config_hash", plan.config_hash},
          {"refreshed", plan.refreshed},
          {"targets", plan.targets},
          {"excludes", plan.excludes},
          {"variables", vars},
          {"sensitive_variables", plan.sensitive_variables},
          {"resource_changes", changes},
          {"execution", ExecutionJson(plan)},
          {"output_changes", OutputsJson(plan)},
          {"drift", DriftJson(plan)},
          {"summary",
           {{"add", s.add},
            {"change", s.change},
            {"destroy", s.destroy},
            {"replace", s.replace},
            {"forget", s.forget},
            {"has_changes", plan.HasChanges()}}}};
}

}  // namespace capstan
