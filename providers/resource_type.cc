// Default behaviour of ResourceType: planning, batched reads, listing and import.
//
/// Most resource types need nothing smarter than these, so each verb a type may leave
/// out gets one conservative definition here rather than a copy in every provider.
#include <utility>

#include "providers/provider.h"

namespace capstan {

Value ResourceType::PlanAttributes(const Value& props, const ObjectState* prior) const {
  Value planned = props.is_object() ? props : Value::object();
  for (const AttrSchema& a : schema().attributes) {
    // An optional input left out of the configuration means "unset": an out-of-band
    // value for it is drift that the next apply corrects (Terraform's semantics).
    if (!a.computed && a.optional && !planned.contains(a.name)) planned[a.name] = nullptr;
    if (!a.computed) continue;
    if (planned.contains(a.name) && !planned[a.name].is_null()) continue;
    if (prior && prior->attributes.is_object() && prior->attributes.contains(a.name)) {
      planned[a.name] = prior->attributes[a.name];
    } else {
      planned[a.name] = Unknown();
    }
  }
  return planned;
}

std::vector<Result<std::optional<ObjectState>>> ResourceType::ReadMany(
    const CallContext& ctx, const std::vector<ObjectState>& priors) {
  std::vector<Result<std::optional<ObjectState>>> out;
  out.reserve(priors.size());
  for (const ObjectState& prior : priors) out.push_back(Read(ctx, prior));
  return out;
}

Result<std::vector<ObjectState>> ResourceType::List(const CallContext& /*ctx*/) {
  return Result<std::vector<ObjectState>>::Fail(schema().type + " does not support listing");
}

Result<ObjectState> ResourceType::Import(const CallContext& ctx, const std::string& id) {
  ObjectState probe;
  probe.id = id;
  auto read = Read(ctx, probe);
  if (!read) return read.diags();
  if (!read->has_value()) {
    return Result<ObjectState>::Fail("no object with id \"" + id + "\" of type " + schema().type,
                                     "Import needs the id of an existing object.");
  }
  return std::move(**read);
}

}  // namespace capstan
