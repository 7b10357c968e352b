// openstack.subnet against the test bed: computed defaults without perpetual diffs,
// "none" gateway, in-place updates, adoption, Validate.
#include <catch2/catch.hpp>

#include "tests/integration/openstack/neutron_fixture.h"

namespace capstan {
namespace {

TEST_CASE("openstack.subnet plans no change after create and updates in place",
          "[openstack][subnet]") {
  testbed::NeutronFixture f;
  std::string stack = testbed::UniqueStack("subnet");
  ObjectState net = f.Make(stack, "openstack.network.net", {{"name", stack}});
  Value props = {{"network_id", net.id}, {"cidr", "10.61.0.0/24"}, {"name", stack + "-sub"}};
  ObjectState sub = f.Make(stack, "openstack.subnet.sub", props);
  CHECK(sub.attributes["gateway_ip"] == "10.61.0.1");
  CHECK(sub.attributes["allocation_pools"].size() == 1);
  CHECK(sub.attributes["enable_dhcp"] == true);
  CHECK(sub.attributes["owned"] == true);

  auto read = f.Refresh(stack, "openstack.subnet.sub", sub);
  REQUIRE(read.has_value());
  CHECK(f.Diffs("openstack.subnet", props, *read).empty());

  // A second create for the same address adopts (subnets are found by network).
  CallContext ctx = testbed::Ctx(stack, "openstack.subnet.sub");
  auto again = f.Type("openstack.subnet")
                   ->Create(ctx, ApplyDefaults(f.Type("openstack.subnet")->schema(), props));
  REQUIRE(again.ok());
  CHECK(again->id == sub.id);

  // No gateway, DNS servers and host routes, all in place.
  Value changed = props;
  changed["gateway_ip"] = "none";
  changed["dns_nameservers"] = {"9.9.9.9", "1.1.1.1"};
  changed["host_routes"] = {{{"destination", "192.168.9.0/24"}, {"nexthop", "10.61.0.9"}}};
  auto updated =
      f.Type("openstack.subnet")
          ->Update(ctx, *read, ApplyDefaults(f.Type("openstack.subnet")->schema(), changed));
  REQUIRE(updated.ok());
  CHECK(updated->id == sub.id);
  CHECK(updated->attributes["gateway_ip"] == "none");
  CHECK(f.Diffs("openstack.subnet", changed, *updated).empty());

  Value cli = testbed::OpenStackJson("subnet show " + sub.id);
  REQUIRE(cli.is_object());
  CHECK(cli["gateway_ip"].is_null());
  CHECK(cli["dns_nameservers"] == Value({"9.9.9.9", "1.1.1.1"}));
  CHECK(cli["tags"].dump().find("capstan-addr=openstack.subnet.sub") != std::string::npos);

  REQUIRE_FALSE(f.Type("openstack.subnet")->Delete(ctx, sub).HasErrors());
  auto gone = f.Refresh(stack, "openstack.subnet.sub", sub);
  CHECK_FALSE(gone.has_value());
}

TEST_CASE("openstack.subnet validates CIDR, gateway and ip_version, skipping unknowns",
          "[openstack][subnet]") {
  testbed::NeutronFixture f;
  ResourceType* t = f.Type("openstack.subnet");
  CHECK_FALSE(t->Validate({{"network_id", "x"}, {"cidr", "10.0.0.0/24"}}).HasErrors());
  CHECK_FALSE(
      t->Validate({{"network_id", "x"}, {"cidr", Unknown()}, {"ip_version", 6}}).HasErrors());
  CHECK_FALSE(t->Validate({{"cidr", "fd00::/64"}, {"ip_version", 6}}).HasErrors());
  Diagnostics bad = t->Validate({{"cidr", "10.0.0.0/33"}});
  REQUIRE(bad.HasErrors());
  CHECK(bad.items()[0].key == "properties.cidr");
  CHECK(t->Validate({{"cidr", "10.0.0.0"}}).HasErrors());
  CHECK(t->Validate({{"cidr", "10.0.0.0/24"}, {"ip_version", 6}}).HasErrors());
  CHECK(t->Validate({{"cidr", "10.0.0.0/24"}, {"gateway_ip", "10.0.0"}}).HasErrors());
  CHECK_FALSE(t->Validate({{"cidr", "10.0.0.0/24"}, {"gateway_ip", "none"}}).HasErrors());
  for (const char* attr : {"network_id", "cidr", "ip_version"}) {
    CHECK(t->schema().Find(attr)->force_new);
  }
}

}  // namespace
}  // namespace capstan
