// openstack.security_group: a Neutron security group (the rules are their own type).
//
/// Neutron gives every new group two "allow all egress" rules (IPv4, IPv6). SCS keeps
/// them, so by default capstan leaves them alone; `delete_default_rules: true` removes
/// them for groups that must not talk out. The attribute reads back from the rules the
/// group really has (true = no unmarked allow-all egress rule left), so a default rule
/// deleted or re-added out of band is drift that the next apply puts right.
#include "providers/attr_builder.h"
#include "providers/openstack/neutron_mapping.h"
#include "providers/openstack/neutron_type.h"
#include "providers/openstack/types.h"

namespace capstan::openstack {
namespace {

ResourceSchema SecurityGroupSchema() {
  ResourceSchema s;
  s.type = "openstack.security_group";
  s.description = "A Neutron security group.";
  s.attributes = {
      Attr("name", "Name of the group.").Required(),
      Attr("delete_default_rules",
           "Remove the allow-all egress rules Neutron adds to a new group (false keeps them).",
           AttrType::kBool)
          .Optional()
          .Default(false),
  };
  return WithNeutronCommon(std::move(s), /*taggable=*/true);
}

class SecurityGroupType : public NeutronType {
 public:
  explicit SecurityGroupType(Session& s)
      : NeutronType(s, {"security-groups", "security_group", "security_groups"},
                    SecurityGroupSchema()) {}

 protected:
  Result<Value> CreateBody(const CallContext&, const Value& props) override {
    return Value{{"name", props.value("name", "")}};
  }

  Value UpdateBody(const CallContext&, const Value& prior, const Value& props) override {
    Value body = Value::object();
    if (props.contains("name") && prior.value("name", Value()) != props["name"]) {
      body["name"] = props["name"];
    }
    return body;
  }

  Value ToAttributes(const CallContext& ctx, const Value& object) override {
    Value attrs = NeutronType::ToAttributes(ctx, object);
    bool has_default = false;
    for (const Value& r : object.value("security_group_rules", Value::array())) {
      has_default = has_default || IsDefaultEgressRule(r);
    }
    attrs["delete_default_rules"] = !has_default;
    return attrs;
  }

  Status AfterCreate(const CallContext& ctx, const Value& object, const Value& props) override {
    return EnsureDefaults(ctx, object, props);
  }

  Status AfterUpdate(const CallContext& ctx, const Value& object, const Value&,
                     const Value& props) override {
    return EnsureDefaults(ctx, object, props);
  }

 private:
  /// Deletes the default egress rules, or re-creates them, as `delete_default_rules` asks.
  Status EnsureDefaults(const CallContext& ctx, const Value& object, const Value& props) {
    bool remove = props.value("delete_default_rules", false);
    std::string id = object.value("id", "");
    Value rules = object.value("security_group_rules", Value::array());
    bool has_default = false;
    for (const Value& r : rules) {
      if (!IsDefaultEgressRule(r)) continue;
      has_default = true;
      if (!remove) continue;
      ApiCall del = ApiCall::Delete("network", "/v2.0/security-group-rules/" + r.value("id", ""));
      del.delete_404_ok = true;
      auto resp = session_.Send(del, ctx.cancel);
      if (!resp.ok()) return resp.diags();
    }
    if (remove || has_default) return {};
    for (const char* ethertype : {"IPv4", "IPv6"}) {
      Value rule = {{"security_group_id", id}, {"direction", "egress"}, {"ethertype", ethertype}};
      ApiCall post =
          ApiCall::Post("network", "/v2.0/security-group-rules", {{"security_group_rule", rule}});
      auto resp = session_.Send(post, ctx.cancel);
      if (!resp.ok()) return resp.diags();
    }
    return {};
  }
};

}  // namespace

std::unique_ptr<ResourceType> NewSecurityGroupType(Session& s) {
  return std::make_unique<SecurityGroupType>(s);
}

}  // namespace capstan::openstack
