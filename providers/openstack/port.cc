// openstack.port: a Neutron port (the management node's fixed address, made before the
// server so a floating IP can point at it).
//
/// Neutron fills in what the user leaves out: an IP for a fixed_ips entry that names only
/// a subnet, the default security group, the port's own MAC in every address pair. The
/// read form is reshaped like the written form (neutron_mapping.h) so those read back as
/// written; the real addresses are in `ip_address` and a full `fixed_ips` when unset.
/// device_id/device_owner/status change when Nova plugs the port into a server: they are
/// controller-owned, not drift.
#include "providers/attr_builder.h"
#include "providers/openstack/neutron_mapping.h"
#include "providers/openstack/neutron_type.h"
#include "providers/openstack/types.h"

namespace capstan::openstack {
namespace {

ResourceSchema PortSchema() {
  ResourceSchema s;
  s.type = "openstack.port";
  s.description = "A Neutron port.";
  s.attributes = {
      Attr("network_id", "The network of the port.").Required().ForceNew(),
      Attr("name", "Name of the port.").Optional().Default(""),
      Attr("fixed_ips",
           "Addresses {subnet_id, ip_address}; either key may be left out; the cloud picks "
           "one address when unset.",
           AttrType::kList)
          .Optional()
          .Computed(),
      Attr("security_group_ids", "Security groups; the project's default group when unset.",
           AttrType::kList)
          .Optional()
          .Computed(),
      Attr("admin_state_up", "Administrative state.", AttrType::kBool).Optional().Default(true),
      Attr("port_security_enabled",
           "Anti-spoofing and security groups; the network's "
           "setting when unset.",
           AttrType::kBool)
          .Optional()
          .Computed(),
      Attr("allowed_address_pairs",
           "Extra addresses {ip_address, mac_address} the port may use (a VIP); mac_address "
           "defaults to the port's own.",
           AttrType::kList)
          .Optional()
          .Default(Value::array()),
      Attr("mac_address", "The port's MAC address.").Computed(),
      Attr("ip_address", "The first fixed IP address.").Computed(),
      Attr("device_id", "The server (or router) using the port.").Computed(),
      Attr("device_owner", "compute:<zone>, network:router_interface, ...").Computed(),
      Attr("status", "ACTIVE, DOWN, BUILD or ERROR.").Computed(),
  };
  s.controller_owned = {"device_id", "device_owner", "status"};
  return WithNeutronCommon(std::move(s), /*taggable=*/true);
}

class PortType : public NeutronType {
 public:
  explicit PortType(Session& s) : NeutronType(s, {"ports", "port", "ports"}, PortSchema()) {}

 protected:
  Result<Value> CreateBody(const CallContext& ctx, const Value& props) override {
    auto body = NeutronType::CreateBody(ctx, props);
    if (body.ok()) RenameGroups(*body);
    return body;
  }

  Value UpdateBody(const CallContext& ctx, const Value& prior, const Value& props) override {
    Value body = NeutronType::UpdateBody(ctx, prior, props);
    Value have_ips = prior.value("fixed_ips", Value::array());
    if (body.contains("fixed_ips")) {
      if (ShapeFixedIps(have_ips, body["fixed_ips"]) == body["fixed_ips"]) {
        body.erase("fixed_ips");  // Already holds exactly these addresses.
      } else {
        body["fixed_ips"] = FillFixedIps(body["fixed_ips"], have_ips);  // Keep the IPs it has.
      }
    }
    if (body.contains("security_group_ids") &&
        OrderLike(prior.value("security_group_ids", Value()), body["security_group_ids"]) ==
            body["security_group_ids"]) {
      body.erase("security_group_ids");  // Same set, other order.
    }
    RenameGroups(body);
    return body;
  }

  Value ToAttributes(const CallContext& ctx, const Value& object) override {
    Value attrs = NeutronType::ToAttributes(ctx, object);
    attrs["security_group_ids"] = object.value("security_groups", Value::array());
    attrs["fixed_ips"] = PlainFixedIps(object.value("fixed_ips", Value::array()));
    attrs["ip_address"] =
        attrs["fixed_ips"].empty() ? Value() : attrs["fixed_ips"][0]["ip_address"];
    attrs["allowed_address_pairs"] = UserAddressPairs(
        object.value("allowed_address_pairs", Value::array()), object.value("mac_address", ""));
    return attrs;
  }

  std::string AdoptQuery(const CallContext&, const Value& props) override {
    return "network_id=" + PercentEncode(props.value("network_id", ""));
  }

  Status Complete(const CallContext&, const std::vector<ObjectState*>& objects,
                  const std::vector<const Value*>& shapes) override {
    for (size_t i = 0; i < objects.size(); ++i) {
      const Value& shape = *shapes[i];
      if (!shape.is_object()) continue;
      Value& attrs = objects[i]->attributes;
      attrs["fixed_ips"] = ShapeFixedIps(attrs["fixed_ips"], shape.value("fixed_ips", Value()));
      attrs["security_group_ids"] =
          OrderLike(attrs["security_group_ids"], shape.value("security_group_ids", Value()));
    }
    return {};
  }

 private:
  /// security_group_ids is "security_groups" on the wire.
  static void RenameGroups(Value& body) {
    if (!body.contains("security_group_ids")) return;
    body["security_groups"] = body["security_group_ids"];
    body.erase("security_group_ids");
  }
};

}  // namespace

std::unique_ptr<ResourceType> NewPortType(Session& s) { return std::make_unique<PortType>(s); }

}  // namespace capstan::openstack
