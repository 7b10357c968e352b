// openstack.router: a Neutron router with its external gateway and subnet interfaces.
//
/// The SCS management node's tenant subnet reaches the outside through one router, so
/// the router owns both its gateway (external_gateway_info, updated in place) and the
/// set of subnets it is plugged into (add/remove_router_interface). Interfaces are read
/// from the ports the router really has, so an interface removed out of band is drift
/// that the next apply re-attaches; refresh lists those ports once for all routers.
#include <algorithm>
#include <set>

#include "providers/attr_builder.h"
#include "providers/openstack/neutron_mapping.h"
#include "providers/openstack/neutron_type.h"
#include "providers/openstack/types.h"

namespace capstan::openstack {
namespace {

ResourceSchema RouterSchema() {
  ResourceSchema s;
  s.type = "openstack.router";
  s.description = "A Neutron router.";
  s.attributes = {
      Attr("name", "Name of the router.").Optional().Default(""),
      Attr("admin_state_up", "Administrative state.", AttrType::kBool).Optional().Default(true),
      Attr("external_network_id", "The external network of its gateway; none when unset.")
          .Optional(),
      Attr("enable_snat", "SNAT on the gateway (setting it is admin-only by default policy).",
           AttrType::kBool)
          .Optional()
          .Computed(),
      Attr("interfaces", "Ids of the subnets it is plugged into.", AttrType::kList)
          .Optional()
          .Default(Value::array()),
      Attr("external_fixed_ips", "The gateway's addresses {subnet_id, ip_address}.",
           AttrType::kList)
          .Computed(),
  };
  return WithNeutronCommon(std::move(s), /*taggable=*/true);
}

bool IsInterfaceOwner(const std::string& owner) {
  return owner == "network:router_interface" || owner == "network:router_interface_distributed" ||
         owner == "network:ha_router_replicated_interface";
}

std::set<std::string> Strings(const Value& list) {
  std::set<std::string> out;
  if (!list.is_array()) return out;
  for (const Value& v : list) {
    if (v.is_string()) out.insert(v.get<std::string>());
  }
  return out;
}

class RouterType : public NeutronType {
 public:
  explicit RouterType(Session& s)
      : NeutronType(s, {"routers", "router", "routers"}, RouterSchema()) {}

 protected:
  Result<Value> CreateBody(const CallContext&, const Value& props) override {
    Value body = {{"name", props.value("name", "")},
                  {"admin_state_up", props.value("admin_state_up", true)}};
    if (props.value("external_network_id", Value()).is_string()) {
      body["external_gateway_info"] = Gateway(props);
    }
    return body;
  }

  Value UpdateBody(const CallContext&, const Value& prior, const Value& props) override {
    Value body = Value::object();
    for (const char* k : {"name", "admin_state_up"}) {
      if (props.contains(k) && prior.value(k, Value()) != props[k]) body[k] = props[k];
    }
    Value want_net = props.value("external_network_id", Value());
    Value want_snat = props.value("enable_snat", Value());
    bool net_changed = prior.value("external_network_id", Value()) != want_net;
    bool snat_changed = !want_snat.is_null() && prior.value("enable_snat", Value()) != want_snat;
    if (net_changed || (snat_changed && want_net.is_string())) {
      body["external_gateway_info"] = want_net.is_string() ? Gateway(props) : Value::object();
    }
    return body;
  }

  Value ToAttributes(const CallContext& ctx, const Value& object) override {
    Value attrs = NeutronType::ToAttributes(ctx, object);
    Value gw = object.value("external_gateway_info", Value());
    bool has_gw = gw.is_object() && gw.value("network_id", Value()).is_string();
    attrs["external_network_id"] = has_gw ? gw["network_id"] : Value();
    attrs["enable_snat"] = has_gw ? gw.value("enable_snat", Value()) : Value();
    attrs["external_fixed_ips"] =
        PlainFixedIps(has_gw ? gw.value("external_fixed_ips", Value::array()) : Value::array());
    attrs["interfaces"] = Value::array();  // Complete() fills them in.
    return attrs;
  }

  Status Complete(const CallContext& ctx, const std::vector<ObjectState*>& objects,
                  const std::vector<const Value*>& shapes) override {
    std::vector<std::string> ids;
    for (const ObjectState* o : objects) ids.push_back(o->id);
    auto by_router = InterfaceSubnets(ctx, ids);
    if (!by_router.ok()) return by_router.diags();
    for (size_t i = 0; i < objects.size(); ++i) {
      Value list = Value::array();
      for (const std::string& s : (*by_router)[objects[i]->id]) list.push_back(s);
      const Value& shape = *shapes[i];
      objects[i]->attributes["interfaces"] =
          shape.is_object() ? OrderLike(list, shape.value("interfaces", Value())) : list;
    }
    return {};
  }

  Status AfterCreate(const CallContext& ctx, const Value& object, const Value& props) override {
    return Reconcile(ctx, object.value("id", ""), props);
  }

  Status AfterUpdate(const CallContext& ctx, const Value& object, const Value&,
                     const Value& props) override {
    return Reconcile(ctx, object.value("id", ""), props);
  }

  /// A router with interfaces cannot be deleted: unplug them first. (Its gateway goes
  /// with it; Neutron refuses only while floating IPs still use the router, and then
  /// clearing the gateway is refused for the same reason, so that message is shown.)
  Status BeforeDelete(const CallContext& ctx, const ObjectState& prior) override {
    auto current = InterfaceSubnets(ctx, {prior.id});
    if (!current.ok()) return current.diags();
    Status st;
    for (const std::string& subnet : (*current)[prior.id]) {
      st.Append(Plug(ctx, prior.id, subnet, /*add=*/false));
      if (st.HasErrors()) return st;
    }
    return st;
  }

 private:
  static Value Gateway(const Value& props) {
    Value gw = {{"network_id", props["external_network_id"]}};
    if (props.value("enable_snat", Value()).is_boolean()) gw["enable_snat"] = props["enable_snat"];
    return gw;
  }

  /// Subnet ids each router is plugged into, from one port list for all of them.
  Result<std::map<std::string, std::set<std::string>>> InterfaceSubnets(
      const CallContext& ctx, const std::vector<std::string>& router_ids) {
    std::map<std::string, std::set<std::string>> out;
    if (router_ids.empty()) return out;
    std::string query;
    for (const std::string& id : router_ids) {
      query += (query.empty() ? "?" : "&") + std::string("device_id=") + PercentEncode(id);
    }
    auto ports = session_.List(ApiCall::Get("network", "/v2.0/ports" + query), "ports", ctx.cancel);
    if (!ports.ok()) return ports.diags();
    for (const Value& p : *ports) {
      if (!IsInterfaceOwner(p.value("device_owner", ""))) continue;
      for (const Value& ip : p.value("fixed_ips", Value::array())) {
        out[p.value("device_id", "")].insert(ip.value("subnet_id", ""));
      }
    }
    return out;
  }

  /// Makes the router's interfaces exactly props.interfaces.
  Status Reconcile(const CallContext& ctx, const std::string& id, const Value& props) {
    std::set<std::string> want = Strings(props.value("interfaces", Value::array()));
    auto current = InterfaceSubnets(ctx, {id});
    if (!current.ok()) return current.diags();
    std::set<std::string>& have = (*current)[id];
    for (const std::string& s : have) {
      if (want.count(s) == 0) {
        Status st = Plug(ctx, id, s, /*add=*/false);
        if (st.HasErrors()) return st;
      }
    }
    // In the order the user wrote them, so the first failure is the one they expect.
    for (const Value& v : props.value("interfaces", Value::array())) {
      if (!v.is_string() || have.count(v.get<std::string>()) != 0) continue;
      ctx.Progress("plugging into subnet " + v.get<std::string>());
      Status st = Plug(ctx, id, v.get<std::string>(), /*add=*/true);
      if (st.HasErrors()) return st;
    }
    return {};
  }

  Status Plug(const CallContext& ctx, const std::string& router, const std::string& subnet,
              bool add) {
    std::string verb = add ? "add_router_interface" : "remove_router_interface";
    ApiCall call = ApiCall::Put("network", Path(router) + "/" + verb, {{"subnet_id", subnet}});
    call.retry_409 = true;               // Router busy with another update.
    if (!add) call.ok_statuses = {404};  // Already unplugged.
    auto resp = session_.Send(call, ctx.cancel);
    if (resp.ok()) return {};
    if (add) {
      // A repeated add whose first answer was lost is refused ("already has a port on
      // subnet"): the interface is there, which is all that was asked.
      auto now = InterfaceSubnets(ctx, {router});
      if (now.ok() && (*now)[router].count(subnet) != 0) return {};
    }
    return resp.diags();
  }
};

}  // namespace

std::unique_ptr<ResourceType> NewRouterType(Session& s) { return std::make_unique<RouterType>(s); }

}  // namespace capstan::openstack
