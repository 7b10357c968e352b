// openstack.subnet: an IP range on a Neutron network (the management node's tenant subnet).
//
/// Only the Neutron-specific mapping lives here; the life cycle is NeutronType's. No
/// gateway is written `gateway_ip: none` and reads back as "none" (Neutron says null),
/// so the written and the read form stay equal.
#include "providers/attr_builder.h"
#include "providers/openstack/neutron_mapping.h"
#include "providers/openstack/neutron_type.h"
#include "providers/openstack/types.h"

namespace capstan::openstack {
namespace {

constexpr const char* kNoGateway = "none";

ResourceSchema SubnetSchema() {
  ResourceSchema s;
  s.type = "openstack.subnet";
  s.description = "A Neutron subnet.";
  s.attributes = {
      Attr("network_id", "The network it belongs to.").Required().ForceNew(),
      Attr("cidr", "The address range, e.g. 10.0.0.0/24.").Required().ForceNew(),
      Attr("ip_version", "4 or 6.", AttrType::kNumber).Optional().Default(4).ForceNew(),
      Attr("name", "Name of the subnet.").Optional().Default(""),
      Attr("gateway_ip",
           "Gateway address; the cloud picks the first address when unset; "
           "\"none\" for no gateway.")
          .Optional()
          .Computed(),
      Attr("enable_dhcp", "Serve DHCP on the subnet.", AttrType::kBool).Optional().Default(true),
      Attr("dns_nameservers", "DNS servers handed out by DHCP, in order.", AttrType::kList)
          .Optional()
          .Default(Value::array()),
      Attr("allocation_pools",
           "Ranges {start, end} to allocate from; the cloud uses the whole "
           "range minus the gateway when unset.",
           AttrType::kList)
          .Optional()
          .Computed(),
      Attr("host_routes", "Extra routes {destination, nexthop} handed out by DHCP.",
           AttrType::kList)
          .Optional()
          .Default(Value::array()),
  };
  return WithNeutronCommon(std::move(s), /*taggable=*/true);
}

bool Known(const Value& props, const char* key) {
  return props.is_object() && props.contains(key) && !props[key].is_null() &&
         !ContainsUnknown(props[key]);
}

class SubnetType : public NeutronType {
 public:
  explicit SubnetType(Session& s)
      : NeutronType(s, {"subnets", "subnet", "subnets"}, SubnetSchema()) {}

  Diagnostics Validate(const Value& props) const override {
    Diagnostics d;
    int version = 0;
    if (Known(props, "cidr") && props["cidr"].is_string()) {
      version = CidrVersion(props["cidr"].get<std::string>());
      if (version == 0) {
        d.Error("cidr \"" + props["cidr"].get<std::string>() + "\" is not a valid CIDR",
                "Write an address and a prefix length, e.g. 10.0.0.0/24 or fd00::/64.")
            .key = "properties.cidr";
      }
    }
    if (Known(props, "ip_version")) {
      const Value& v = props["ip_version"];
      if (v != 4 && v != 6) {
        d.Error("ip_version must be 4 or 6").key = "properties.ip_version";
      } else if (version != 0 && v != version) {
        d.Error("cidr is an IPv" + std::to_string(version) + " range but ip_version is " + v.dump())
            .key = "properties.ip_version";
      }
    }
    if (Known(props, "gateway_ip") && props["gateway_ip"].is_string()) {
      std::string gw = props["gateway_ip"].get<std::string>();
      if (gw != kNoGateway && IpVersion(gw) == 0) {
        d.Error("gateway_ip \"" + gw + "\" is not an IP address",
                "Write an address inside the cidr, or \"none\" for no gateway.")
            .key = "properties.gateway_ip";
      }
    }
    return d;
  }

 protected:
  Result<Value> CreateBody(const CallContext& ctx, const Value& props) override {
    auto body = NeutronType::CreateBody(ctx, props);
    if (body.ok()) MapGateway(*body);
    return body;
  }

  Value UpdateBody(const CallContext& ctx, const Value& prior, const Value& props) override {
    Value body = NeutronType::UpdateBody(ctx, prior, props);
    MapGateway(body);
    return body;
  }

  Value ToAttributes(const CallContext& ctx, const Value& object) override {
    Value attrs = NeutronType::ToAttributes(ctx, object);
    if (attrs["gateway_ip"].is_null()) attrs["gateway_ip"] = kNoGateway;
    return attrs;
  }

  std::string AdoptQuery(const CallContext&, const Value& props) override {
    return "network_id=" + PercentEncode(props.value("network_id", ""));
  }

  Status Complete(const CallContext&, const std::vector<ObjectState*>& objects,
                  const std::vector<const Value*>& shapes) override {
    for (size_t i = 0; i < objects.size(); ++i) {
      Value& attrs = objects[i]->attributes;
      const Value& shape = *shapes[i];
      if (!shape.is_object()) continue;
      for (const char* k : {"host_routes", "allocation_pools"}) {
        if (shape.contains(k)) attrs[k] = OrderLike(attrs[k], shape[k]);
      }
    }
    return {};
  }

 private:
  /// "none" is null on the wire.
  static void MapGateway(Value& body) {
    if (body.contains("gateway_ip") && body["gateway_ip"] == kNoGateway) {
      body["gateway_ip"] = nullptr;
    }
  }
};

}  // namespace

std::unique_ptr<ResourceType> NewSubnetType(Session& s) { return std::make_unique<SubnetType>(s); }

}  // namespace capstan::openstack
