// The per-object view of a drift check (see plans/drift_report.h).
#include "plans/drift_report.h"

#include <map>

namespace capstan::render {

std::vector<CheckedObject> CheckedObjects(const Plan& plan) {
  std::map<std::string, CheckedObject> by_address;
  for (const ResourceChange& c : plan.changes) {
    if (!c.deposed_key.empty()) continue;
    CheckedObject& o = by_address[c.address.ToString()];
    o.address = c.address.ToString();
    o.type = c.type;
    o.ignored = c.ignored;
  }
  for (const DriftEntry& d : plan.drift) {
    CheckedObject& o = by_address[d.address.ToString()];
    o.address = d.address.ToString();
    o.type = d.type;
    o.drift = &d;
    if (!d.ignored.empty()) o.ignored = d.ignored;
  }
  std::vector<CheckedObject> out;
  out.reserve(by_address.size());
  for (auto& [address, o] : by_address) out.push_back(std::move(o));
  return out;
}

DriftCounts CountDrift(const Plan& plan) {
  DriftCounts n;
  n.checked = static_cast<int>(CheckedObjects(plan).size());
  for (const DriftEntry& d : plan.drift) ++(d.deleted ? n.deleted : n.changed);
  return n;
}

std::string DriftSummaryLine(const Plan& plan) {
  const DriftCounts n = CountDrift(plan);
  if (plan.drift.empty()) {
    return "No drift: " + std::to_string(n.checked) +
           (n.checked == 1 ? " object matches its" : " objects match their") + " state.";
  }
  return "Drift: " + std::to_string(n.changed) + (n.changed == 1 ? " object" : " objects") +
         " changed, " + std::to_string(n.deleted) + " deleted outside capstan.";
}

std::string ChangedAttributeList(const DriftEntry& d) {
  std::string out;
  for (const AttributeChange& a : d.attributes) {
    if (!out.empty()) out += ", ";
    out += a.path;
  }
  return out;
}

}  // namespace capstan::render
