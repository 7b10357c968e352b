// openstack.floating_ip: a public address from an external network, optionally pointing
// at a port (the management node's way in).
//
/// Association is an in-place update (PUT port_id; null disassociates), the network is
/// not. Floating IPs have no name, so adoption after a crash looks at the floating IPs of
/// the same external network and takes the one whose description carries this address's
/// marks (set in the POST itself).
#include "providers/attr_builder.h"
#include "providers/openstack/neutron_type.h"
#include "providers/openstack/types.h"

namespace capstan::openstack {
namespace {

ResourceSchema FloatingIpSchema() {
  ResourceSchema s;
  s.type = "openstack.floating_ip";
  s.description = "A Neutron floating IP.";
  s.attributes = {
      Attr("floating_network_id", "The external network to take the address from.")
          .Required()
          .ForceNew(),
      Attr("port_id", "The port it points at; unset = not associated.").Optional(),
      Attr("fixed_ip_address", "Which of the port's addresses; the first when unset.")
          .Optional()
          .Computed(),
      Attr("floating_ip_address", "The public address.").Computed(),
      Attr("status", "ACTIVE, DOWN or ERROR.").Computed(),
  };
  s.controller_owned = {"status"};
  return WithNeutronCommon(std::move(s), /*taggable=*/true);
}

class FloatingIpType : public NeutronType {
 public:
  explicit FloatingIpType(Session& s)
      : NeutronType(s, {"floatingips", "floatingip", "floatingips"}, FloatingIpSchema()) {}

  /// A new port means a new fixed address unless the user names one.
  Value PlanAttributes(const Value& props, const ObjectState* prior) const override {
    Value planned = NeutronType::PlanAttributes(props, prior);
    bool fixed_set = props.contains("fixed_ip_address") && !props["fixed_ip_address"].is_null();
    if (prior != nullptr && !fixed_set &&
        prior->attributes.value("port_id", Value()) != planned.value("port_id", Value())) {
      planned["fixed_ip_address"] = planned["port_id"].is_null() ? Value() : Unknown();
    }
    return planned;
  }

 protected:
  Value UpdateBody(const CallContext&, const Value& prior, const Value& props) override {
    Value body = Value::object();
    Value port = props.value("port_id", Value());
    Value fixed = props.value("fixed_ip_address", Value());
    bool fixed_changed = !fixed.is_null() && prior.value("fixed_ip_address", Value()) != fixed;
    if (prior.value("port_id", Value()) != port || fixed_changed) {
      body["port_id"] = port;  // Neutron wants the port with any fixed address.
      if (!fixed.is_null() && !port.is_null()) body["fixed_ip_address"] = fixed;
    }
    return body;
  }

  std::string AdoptQuery(const CallContext&, const Value& props) override {
    return "floating_network_id=" + PercentEncode(props.value("floating_network_id", ""));
  }
};

}  // namespace

std::unique_ptr<ResourceType> NewFloatingIpType(Session& s) {
  return std::make_unique<FloatingIpType>(s);
}

}  // namespace capstan::openstack
