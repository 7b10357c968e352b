// openstack.server_group: a Nova server group (the scheduler's affinity policy).
//
/// Server groups have no tags, metadata or description, and no update API: every input
/// forces a new group. Adoption before a create therefore goes by content — a group of
/// this project with the same name and policy — which is the limitation documented in
/// docs/providers/openstack-compute.md (a same-named group made by hand is adopted too).
#include "providers/attr_builder.h"
#include "providers/openstack/compute_util.h"
#include "providers/openstack/fields.h"
#include "providers/openstack/types.h"

namespace capstan::openstack {
namespace {

const char* const kPolicies[] = {"anti-affinity", "affinity", "soft-anti-affinity",
                                 "soft-affinity"};

ResourceSchema ServerGroupSchema() {
  ResourceSchema s;
  s.type = "openstack.server_group";
  s.description = "A Nova server group.";
  s.attributes = {
      Attr("name", "Group name.").Required().ForceNew(),
      Attr("policy", "anti-affinity, affinity, soft-anti-affinity or soft-affinity.")
          .Required()
          .ForceNew(),
      Attr("id", "The group's UUID.").Computed(),
      Attr("members", "Ids of the servers in the group.", AttrType::kList).Computed(),
  };
  s.controller_owned = {"members"};  // Servers join and leave; that is not drift.
  return s;
}

class ServerGroupType : public ResourceType {
 public:
  explicit ServerGroupType(Session& s) : session_(s), schema_(ServerGroupSchema()) {}

  const ResourceSchema& schema() const override { return schema_; }

  Diagnostics Validate(const Value& props) const override {
    Diagnostics d;
    if (!props.contains("policy") || !props["policy"].is_string()) return d;
    std::string p = props["policy"].get<std::string>();
    for (const char* ok : kPolicies) {
      if (p == ok) return d;
    }
    d.Error("unknown server group policy \"" + p + "\"",
            "Use anti-affinity, affinity, soft-anti-affinity or soft-affinity.")
        .key = "properties.policy";
    return d;
  }

  Value PlanAttributes(const Value& props, const ObjectState* prior) const override {
    Value planned = ResourceType::PlanAttributes(props, prior);
    if (!prior) planned["members"] = Value::array();  // A new group is empty.
    return planned;
  }

  Result<std::optional<ObjectState>> Read(const CallContext& ctx,
                                          const ObjectState& prior) override {
    ApiCall call = ApiCall::Get("compute", "/os-server-groups/" + prior.id);
    call.microversion = kNovaMicroversion;
    call.ok_statuses = {404};
    auto resp = session_.Json(call, ctx.cancel);
    if (!resp.ok()) return resp.diags();
    if (!resp->is_object() || !resp->contains("server_group")) return std::optional<ObjectState>();
    return std::optional<ObjectState>(ToState((*resp)["server_group"]));
  }

  Result<ObjectState> Create(const CallContext& ctx, const Value& props) override {
    const std::string name = Str(props, "name"), policy = Str(props, "policy");
    ApiCall call = ApiCall::Post("compute", "/os-server-groups",
                                 {{"server_group", {{"name", name}, {"policy", policy}}}});
    call.microversion = kNovaMicroversion;
    // One POST; a group made by one whose answer was lost is adopted by content on one
    // more look (never a second POST).
    Diagnostics lost;
    for (int attempt = 0;; ++attempt) {
      ApiCall list = ApiCall::Get("compute", "/os-server-groups");
      list.microversion = kNovaMicroversion;
      auto groups = session_.List(list, "server_groups", ctx.cancel);
      if (!groups.ok()) return groups.diags();
      for (const Value& g : *groups) {
        if (Str(g, "name") != name || Str(g, "policy") != policy) continue;
        if (Str(g, "id") == ctx.replacing_id) continue;
        ctx.Progress("adopting server group " + Str(g, "id") + " (same name and policy)");
        return ToState(g);
      }
      if (attempt > 0) return lost;
      auto created = session_.Json(call, ctx.cancel);
      if (created.ok()) return ToState(created->value("server_group", Value::object()));
      if (!OutcomeUnknown(created.diags())) return created.diags();
      lost = created.diags();
      ctx.Progress("the answer to POST /os-server-groups was lost; looking for the group");
    }
  }

  Result<ObjectState> Update(const CallContext& ctx, const ObjectState& prior,
                             const Value& /*props*/) override {
    auto read = Read(ctx, prior);
    if (!read.ok()) return read.diags();
    if (!read->has_value()) {
      return Result<ObjectState>::Fail("server group " + prior.id + " no longer exists",
                                       "Run `capstan plan` again: it will be re-created.");
    }
    return std::move(**read);
  }

  Status Delete(const CallContext& ctx, const ObjectState& prior) override {
    ApiCall call = ApiCall::Delete("compute", "/os-server-groups/" + prior.id);
    call.microversion = kNovaMicroversion;
    call.delete_404_ok = true;
    auto resp = session_.Send(call, ctx.cancel);
    return resp.ok() ? Status() : resp.diags();
  }

 private:
  static ObjectState ToState(const Value& g) {
    Value a = {{"name", Str(g, "name")},
               {"policy", Str(g, "policy")},
               {"id", Str(g, "id")},
               {"members", g.value("members", Value::array())}};
    return ObjectState{Str(g, "id"), a};
  }

  Session& session_;
  ResourceSchema schema_;
};

}  // namespace

std::unique_ptr<ResourceType> NewServerGroupType(Session& s) {
  return std::make_unique<ServerGroupType>(s);
}

}  // namespace capstan::openstack
