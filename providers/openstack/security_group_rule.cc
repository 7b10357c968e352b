// openstack.security_group_rule: one rule of a Neutron security group.
//
/// Rules cannot be changed (no PUT) and carry no tags, so every attribute forces a new
/// rule and the ownership marks live in the description only. Adoption after a crash
/// takes a marked rule only when its content is the one configured: a marked rule with
/// other content is an older version of this address, not the object to keep. Refresh
/// lists the project's rules once; a rule deleted out of band reads as gone, so the next
/// plan creates it again.
#include "providers/attr_builder.h"
#include "providers/openstack/marks.h"
#include "providers/openstack/neutron_mapping.h"
#include "providers/openstack/neutron_type.h"
#include "providers/openstack/types.h"

namespace capstan::openstack {
namespace {

ResourceSchema RuleSchema() {
  ResourceSchema s;
  s.type = "openstack.security_group_rule";
  s.description = "A rule of a Neutron security group (rules are replaced, never updated).";
  s.attributes = {
      Attr("security_group_id", "The group the rule belongs to.").Required().ForceNew(),
      Attr("direction", "ingress or egress.").Required().ForceNew(),
      Attr("ethertype", "IPv4 or IPv6.").Optional().Default("IPv4").ForceNew(),
      Attr("protocol", "tcp, udp, icmp, a number, ...; unset = any.").Optional().ForceNew(),
      Attr("port_range_min", "First port (ICMP: type).", AttrType::kNumber).Optional().ForceNew(),
      Attr("port_range_max", "Last port (ICMP: code).", AttrType::kNumber).Optional().ForceNew(),
      Attr("remote_ip_prefix", "Allowed peer range (CIDR).").Optional().ForceNew(),
      Attr("remote_group_id", "Allowed peer group.").Optional().ForceNew(),
  };
  ResourceSchema full = WithNeutronCommon(std::move(s), /*taggable=*/false);
  for (AttrSchema& a : full.attributes) {
    if (a.name == "description") a.force_new = true;  // No PUT: a new text is a new rule.
  }
  return full;
}

bool KnownString(const Value& props, const char* key) {
  return props.is_object() && props.contains(key) && props[key].is_string();
}

class RuleType : public NeutronType {
 public:
  explicit RuleType(Session& s)
      : NeutronType(s,
                    {"security-group-rules", "security_group_rule", "security_group_rules",
                     /*taggable=*/false, /*updatable=*/false},
                    RuleSchema()) {}

  Diagnostics Validate(const Value& props) const override {
    Diagnostics d;
    if (KnownString(props, "direction")) {
      std::string dir = props["direction"].get<std::string>();
      if (dir != "ingress" && dir != "egress") {
        d.Error("direction must be ingress or egress, not \"" + dir + "\"").key =
            "properties.direction";
      }
    }
    if (KnownString(props, "ethertype")) {
      std::string et = props["ethertype"].get<std::string>();
      if (et != "IPv4" && et != "IPv6") {
        d.Error("ethertype must be IPv4 or IPv6, not \"" + et + "\"").key = "properties.ethertype";
      }
    }
    if (KnownString(props, "remote_ip_prefix")) {
      std::string p = props["remote_ip_prefix"].get<std::string>();
      if (CidrVersion(p) == 0 && IpVersion(p) == 0) {
        d.Error("remote_ip_prefix \"" + p + "\" is not a CIDR").key = "properties.remote_ip_prefix";
      }
    }
    bool prefix = props.is_object() && props.contains("remote_ip_prefix") &&
                  !props["remote_ip_prefix"].is_null();
    bool group = props.is_object() && props.contains("remote_group_id") &&
                 !props["remote_group_id"].is_null();
    if (prefix && group) {
      d.Error("set remote_ip_prefix or remote_group_id, not both").key =
          "properties.remote_group_id";
    }
    return d;
  }

 protected:
  std::string AdoptQuery(const CallContext&, const Value& props) override {
    return "security_group_id=" + PercentEncode(props.value("security_group_id", ""));
  }

  bool Adoptable(const CallContext&, const Value& candidate, const Value& props) override {
    return RuleMatches(candidate, props) &&
           UserDescription(candidate.value("description", "")) == props.value("description", "");
  }
};

}  // namespace

std::unique_ptr<ResourceType> NewSecurityGroupRuleType(Session& s) {
  return std::make_unique<RuleType>(s);
}

}  // namespace capstan::openstack
