// openstack.network: a Neutron network (the SCS management node's tenant network).
#include "providers/attr_builder.h"
#include "providers/openstack/neutron_type.h"
#include "providers/openstack/types.h"

namespace capstan::openstack {
namespace {

ResourceSchema NetworkSchema() {
  ResourceSchema s;
  s.type = "openstack.network";
  s.description = "A Neutron network.";
  s.attributes = {
      Attr("name", "Name of the network.").Required(),
      Attr("admin_state_up", "Administrative state.", AttrType::kBool).Optional().Default(true),
      Attr("mtu", "MTU; the cloud picks one when unset.", AttrType::kNumber).Optional().Computed(),
      Attr("port_security_enabled", "Port security default for its ports.", AttrType::kBool)
          .Optional()
          .Computed(),
      Attr("shared", "Shared with all projects (admin only).", AttrType::kBool)
          .Optional()
          .Default(false),
      Attr("external", "An external network (router:external; admin only).", AttrType::kBool)
          .Optional()
          .Default(false)
          .ForceNew(),
      Attr("status", "ACTIVE, DOWN, BUILD or ERROR.").Computed(),
      Attr("subnets", "Ids of its subnets.", AttrType::kList).Computed(),
  };
  // Subnets of this stack join the network after it was created: not drift.
  s.controller_owned = {"subnets", "status"};
  return WithNeutronCommon(std::move(s), /*taggable=*/true);
}

class NetworkType : public NeutronType {
 public:
  explicit NetworkType(Session& s)
      : NeutronType(s, {"networks", "network", "networks"}, NetworkSchema()) {}

 protected:
  Result<Value> CreateBody(const CallContext& ctx, const Value& props) override {
    auto body = NeutronType::CreateBody(ctx, props);
    if (!body.ok()) return body;
    MapExternal(*body);
    return body;
  }

  Value UpdateBody(const CallContext& ctx, const Value& prior, const Value& props) override {
    Value body = NeutronType::UpdateBody(ctx, prior, props);
    MapExternal(body);
    return body;
  }

  Value ToAttributes(const CallContext& ctx, const Value& object) override {
    Value attrs = NeutronType::ToAttributes(ctx, object);
    attrs["external"] = object.value("router:external", false);
    return attrs;
  }

 private:
  /// `external` is "router:external" on the wire.
  static void MapExternal(Value& body) {
    if (!body.contains("external")) return;
    body["router:external"] = body["external"];
    body.erase("external");
  }
};

}  // namespace

std::unique_ptr<ResourceType> NewNetworkType(Session& s) {
  return std::make_unique<NetworkType>(s);
}

}  // namespace capstan::openstack
