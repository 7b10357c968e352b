// openstack.port against the test bed: what Neutron fills in (an IP for a subnet-only
// entry, the default group, the MAC in address pairs) reads back as written, updates keep
// the address unless asked, and an explicit address moves it.
#include <catch2/catch.hpp>

#include "tests/integration/openstack/neutron_fixture.h"

namespace capstan {
namespace {

TEST_CASE("openstack.port reads back as written and updates in place", "[openstack][port]") {
  testbed::NeutronFixture f;
  std::string stack = testbed::UniqueStack("port");
  ObjectState net = f.Make(stack, "openstack.network.net", {{"name", stack}});
  ObjectState sub =
      f.Make(stack, "openstack.subnet.sub", {{"network_id", net.id}, {"cidr", "10.63.0.0/24"}});
  ObjectState sg1 = f.Make(stack, "openstack.security_group.a", {{"name", stack + "-a"}});
  ObjectState sg2 = f.Make(stack, "openstack.security_group.b", {{"name", stack + "-b"}});
  ResourceType* t = f.Type("openstack.port");

  Value props = {{"network_id", net.id},
                 {"name", stack + "-mgmt"},
                 {"fixed_ips", {{{"subnet_id", sub.id}}}},
                 {"security_group_ids", {sg2.id, sg1.id}},
                 {"allowed_address_pairs", {{{"ip_address", "10.63.0.200"}}}}};
  ObjectState port = f.Make(stack, "openstack.port.mgmt", props);
  CHECK(port.attributes["fixed_ips"] == props["fixed_ips"]);
  std::string ip = port.attributes["ip_address"].get<std::string>();
  CHECK(ip.rfind("10.63.0.", 0) == 0);
  CHECK(port.attributes["security_group_ids"] == props["security_group_ids"]);
  CHECK(port.attributes["allowed_address_pairs"] == props["allowed_address_pairs"]);
  CHECK(port.attributes["mac_address"].is_string());
  CHECK(port.attributes["port_security_enabled"] == true);

  auto read = f.Refresh(stack, "openstack.port.mgmt", port);
  REQUIRE(read.has_value());
  CHECK(f.Diffs("openstack.port", props, *read).empty());

  // A rename keeps the address the port has.
  CallContext ctx = testbed::Ctx(stack, "openstack.port.mgmt");
  Value renamed = props;
  renamed["name"] = stack + "-mgmt2";
  auto updated = t->Update(ctx, *read, ApplyDefaults(t->schema(), renamed));
  REQUIRE(updated.ok());
  CHECK(updated->attributes["ip_address"] == ip);
  CHECK(f.Diffs("openstack.port", renamed, *updated).empty());

  // An explicit address moves it.
  Value moved = renamed;
  moved["fixed_ips"] = {{{"subnet_id", sub.id}, {"ip_address", "10.63.0.77"}}};
  auto moved_port = t->Update(ctx, *updated, ApplyDefaults(t->schema(), moved));
  REQUIRE(moved_port.ok());
  CHECK(moved_port->attributes["ip_address"] == "10.63.0.77");
  CHECK(f.Diffs("openstack.port", moved, *moved_port).empty());

  Value cli = testbed::OpenStackJson("port show " + port.id);
  REQUIRE(cli.is_object());
  CHECK(cli.dump().find("10.63.0.200") != std::string::npos);
  CHECK(cli["tags"].dump().find("capstan-addr=openstack.port.mgmt") != std::string::npos);

  // Left to the cloud: the default group and a full fixed_ips, still no diff.
  Value bare = {{"network_id", net.id}};
  ObjectState plain = f.Make(stack, "openstack.port.bare", bare);
  CHECK(plain.attributes["security_group_ids"].size() == 1);
  REQUIRE(plain.attributes["fixed_ips"].size() == 1);
  CHECK(plain.attributes["fixed_ips"][0]["subnet_id"] == sub.id);
  auto plain_read = f.Refresh(stack, "openstack.port.bare", plain);
  REQUIRE(plain_read.has_value());
  CHECK(f.Diffs("openstack.port", bare, *plain_read).empty());
}

}  // namespace
}  // namespace capstan
