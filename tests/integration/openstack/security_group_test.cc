// openstack.security_group and openstack.security_group_rule against the test bed:
// default egress rules kept or removed (and restored after out-of-band deletion), rules
// created, adopted only when their content matches, and seen as gone when deleted out of
// band.
#include <catch2/catch.hpp>

#include "tests/integration/openstack/neutron_fixture.h"

namespace capstan {
namespace {

TEST_CASE("openstack.security_group keeps or removes the default egress rules",
          "[openstack][security_group]") {
  testbed::NeutronFixture f;
  std::string stack = testbed::UniqueStack("sg");
  ResourceType* t = f.Type("openstack.security_group");
  Value keep = {{"name", stack + "-keep"}, {"description", "management node"}};
  ObjectState kept = f.Make(stack, "openstack.security_group.keep", keep);
  CHECK(kept.attributes["delete_default_rules"] == false);
  CHECK(kept.attributes["description"] == "management node");
  Value strict = {{"name", stack + "-strict"}, {"delete_default_rules", true}};
  ObjectState stripped = f.Make(stack, "openstack.security_group.strict", strict);
  CHECK(stripped.attributes["delete_default_rules"] == true);
  CHECK(testbed::OpenStackJson("security group rule list " + stripped.id) == Value::array());

  auto read = f.Refresh(stack, "openstack.security_group.keep", kept);
  REQUIRE(read.has_value());
  CHECK(f.Diffs("openstack.security_group", keep, *read).empty());

  // Default rules deleted out of band: drift, and the next apply puts them back.
  auto session = testbed::NewSession();
  auto rules = session->List(
      openstack::ApiCall::Get("network", "/v2.0/security-group-rules?security_group_id=" + kept.id),
      "security_group_rules");
  REQUIRE(rules.ok());
  CHECK(rules->size() == 2);
  for (const Value& r : *rules) {
    REQUIRE(session
                ->Send(openstack::ApiCall::Delete(
                    "network", "/v2.0/security-group-rules/" + r["id"].get<std::string>()))
                .ok());
  }
  read = f.Refresh(stack, "openstack.security_group.keep", kept);
  REQUIRE(read.has_value());
  CHECK(read->attributes["delete_default_rules"] == true);
  CHECK_FALSE(f.Diffs("openstack.security_group", keep, *read).empty());
  CallContext ctx = testbed::Ctx(stack, "openstack.security_group.keep");
  auto restored = t->Update(ctx, *read, ApplyDefaults(t->schema(), keep));
  REQUIRE(restored.ok());
  CHECK(restored->attributes["delete_default_rules"] == false);
}

TEST_CASE("openstack.security_group_rule is created, adopted by content and refreshed",
          "[openstack][security_group_rule]") {
  testbed::NeutronFixture f;
  std::string stack = testbed::UniqueStack("sgr");
  ObjectState sg = f.Make(stack, "openstack.security_group.mgmt", {{"name", stack}});
  ObjectState peer = f.Make(stack, "openstack.security_group.peer", {{"name", stack + "-p"}});
  ResourceType* t = f.Type("openstack.security_group_rule");

  Value ssh = {{"security_group_id", sg.id}, {"direction", "ingress"},
               {"protocol", "tcp"},          {"port_range_min", 22},
               {"port_range_max", 22},       {"remote_ip_prefix", "0.0.0.0/0"}};
  ObjectState rule = f.Make(stack, "openstack.security_group_rule.ssh", ssh);
  CHECK(rule.attributes["ethertype"] == "IPv4");
  CHECK(rule.attributes["port_range_min"] == 22);
  CHECK(rule.attributes["owned"] == true);
  Value icmp = {{"security_group_id", sg.id}, {"direction", "ingress"}, {"protocol", "icmp"}};
  ObjectState ping = f.Make(stack, "openstack.security_group_rule.icmp", icmp);
  Value from_peer = {{"security_group_id", sg.id},
                     {"direction", "ingress"},
                     {"remote_group_id", peer.id},
                     {"description", "from the peers"}};
  ObjectState grp = f.Make(stack, "openstack.security_group_rule.peer", from_peer);
  CHECK(grp.attributes["description"] == "from the peers");
  CHECK(grp.attributes["protocol"].is_null());

  for (auto [addr, obj, props] : {std::tuple{"ssh", rule, ssh}, std::tuple{"icmp", ping, icmp},
                                  std::tuple{"peer", grp, from_peer}}) {
    auto read = f.Refresh(stack, std::string("openstack.security_group_rule.") + addr, obj);
    REQUIRE(read.has_value());
    CHECK(f.Diffs("openstack.security_group_rule", props, *read).empty());
  }

  // Same address and content: adopted. Other content: a new rule, never the old one.
  CallContext ctx = testbed::Ctx(stack, "openstack.security_group_rule.ssh");
  auto again = t->Create(ctx, ApplyDefaults(t->schema(), ssh));
  REQUIRE(again.ok());
  CHECK(again->id == rule.id);
  Value telnet = ssh;
  telnet["port_range_min"] = 23;
  telnet["port_range_max"] = 23;
  auto other = t->Create(ctx, ApplyDefaults(t->schema(), telnet));
  REQUIRE(other.ok());
  f.made.push_back({"openstack.security_group_rule", ctx, *other});
  CHECK(other->id != rule.id);
  CHECK(f.Diffs("openstack.security_group_rule", ssh, *other).size() == 2);

  // Deleted out of band: gone on refresh, so the next plan creates it again.
  REQUIRE(testbed::OpenStackCli("security group rule delete " + rule.id).status == 0);
  CHECK_FALSE(f.Refresh(stack, "openstack.security_group_rule.ssh", rule).has_value());
  CHECK_FALSE(t->Delete(ctx, rule).HasErrors());

  for (const AttrSchema& a : t->schema().attributes) {
    if (t->schema().IsInput(a.name)) CHECK(a.force_new);
  }
  CHECK(t->Validate({{"direction", "in"}}).HasErrors());
  CHECK(t->Validate({{"remote_ip_prefix", "0.0.0.0/0"}, {"remote_group_id", "x"}}).HasErrors());
  CHECK_FALSE(t->Validate(ssh).HasErrors());
}

}  // namespace
}  // namespace capstan
