// openstack.router against the test bed: gateway and interfaces on create, an interface
// removed out of band shows as drift and is re-attached, gateway cleared in place, and
// delete unplugs the interfaces first.
#include <catch2/catch.hpp>

#include "tests/integration/openstack/neutron_fixture.h"

namespace capstan {
namespace {

TEST_CASE("openstack.router attaches its gateway and interfaces and reconciles them",
          "[openstack][router]") {
  testbed::NeutronFixture f;
  std::string stack = testbed::UniqueStack("router");
  std::string public_id = f.PublicNetworkId();
  ObjectState net = f.Make(stack, "openstack.network.net", {{"name", stack}});
  ObjectState sub =
      f.Make(stack, "openstack.subnet.sub", {{"network_id", net.id}, {"cidr", "10.62.0.0/24"}});
  Value props = {
      {"name", stack + "-r"}, {"external_network_id", public_id}, {"interfaces", {sub.id}}};
  ObjectState router = f.Make(stack, "openstack.router.r", props);
  CHECK(router.attributes["external_network_id"] == public_id);
  REQUIRE(router.attributes["external_fixed_ips"].size() == 1);
  CHECK(router.attributes["external_fixed_ips"][0]["ip_address"].get<std::string>().rfind(
            "203.0.113.", 0) == 0);
  CHECK(router.attributes["interfaces"] == Value({sub.id}));
  CHECK(router.attributes["enable_snat"].is_boolean());

  auto read = f.Refresh(stack, "openstack.router.r", router);
  REQUIRE(read.has_value());
  CHECK(read->attributes["interfaces"] == Value({sub.id}));
  CHECK(f.Diffs("openstack.router", props, *read).empty());

  // Unplugged out of band: drift, and the next apply plugs it in again.
  REQUIRE(testbed::OpenStackCli("router remove subnet " + router.id + " " + sub.id).status == 0);
  read = f.Refresh(stack, "openstack.router.r", router);
  REQUIRE(read.has_value());
  CHECK(read->attributes["interfaces"] == Value::array());
  CHECK_FALSE(f.Diffs("openstack.router", props, *read).empty());
  CallContext ctx = testbed::Ctx(stack, "openstack.router.r");
  ResourceType* t = f.Type("openstack.router");
  auto fixed = t->Update(ctx, *read, ApplyDefaults(t->schema(), props));
  REQUIRE(fixed.ok());
  CHECK(fixed->attributes["interfaces"] == Value({sub.id}));

  // Gateway cleared in place.
  Value no_gw = props;
  no_gw.erase("external_network_id");
  auto cleared = t->Update(ctx, *fixed, ApplyDefaults(t->schema(), no_gw));
  REQUIRE(cleared.ok());
  CHECK(cleared->id == router.id);
  CHECK(cleared->attributes["external_network_id"].is_null());
  CHECK(cleared->attributes["external_fixed_ips"] == Value::array());
  CHECK(f.Diffs("openstack.router", no_gw, *cleared).empty());

  // Delete with an interface still plugged in: unplugged first, then gone.
  REQUIRE_FALSE(t->Delete(ctx, *cleared).HasErrors());
  CHECK_FALSE(f.Refresh(stack, "openstack.router.r", router).has_value());
  Value ports = testbed::OpenStackJson("port list --device-id " + router.id);
  CHECK(ports == Value::array());
}

}  // namespace
}  // namespace capstan
