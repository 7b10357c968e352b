// openstack.floating_ip against the test bed: allocated from `public`, associated with a
// port behind a router, adopted by its description marks, disassociated in place.
#include <catch2/catch.hpp>

#include "tests/integration/openstack/neutron_fixture.h"

namespace capstan {
namespace {

TEST_CASE("openstack.floating_ip is associated, adopted and disassociated",
          "[openstack][floating_ip]") {
  testbed::NeutronFixture f;
  std::string stack = testbed::UniqueStack("fip");
  std::string public_id = f.PublicNetworkId();
  ObjectState net = f.Make(stack, "openstack.network.net", {{"name", stack}});
  ObjectState sub =
      f.Make(stack, "openstack.subnet.sub", {{"network_id", net.id}, {"cidr", "10.64.0.0/24"}});
  f.Make(stack, "openstack.router.r",
         {{"external_network_id", public_id}, {"interfaces", {sub.id}}});
  ObjectState port = f.Make(stack, "openstack.port.mgmt", {{"network_id", net.id}});
  ResourceType* t = f.Type("openstack.floating_ip");

  Value props = {{"floating_network_id", public_id}, {"port_id", port.id}};
  ObjectState fip = f.Make(stack, "openstack.floating_ip.mgmt", props);
  std::string address = fip.attributes["floating_ip_address"].get<std::string>();
  CHECK(address.rfind("203.0.113.", 0) == 0);
  CHECK(fip.attributes["fixed_ip_address"] == port.attributes["ip_address"]);
  CHECK(fip.attributes["port_id"] == port.id);

  auto read = f.Refresh(stack, "openstack.floating_ip.mgmt", fip);
  REQUIRE(read.has_value());
  CHECK(f.Diffs("openstack.floating_ip", props, *read).empty());

  // Adoption after a "crash": the same address finds it by network + description marks.
  CallContext ctx = testbed::Ctx(stack, "openstack.floating_ip.mgmt");
  auto again = t->Create(ctx, ApplyDefaults(t->schema(), props));
  REQUIRE(again.ok());
  CHECK(again->id == fip.id);

  // Disassociated in place: port_id left out.
  Value loose = {{"floating_network_id", public_id}};
  Value planned = t->PlanAttributes(ApplyDefaults(t->schema(), loose), &*read);
  CHECK(planned["fixed_ip_address"].is_null());
  auto freed = t->Update(ctx, *read, ApplyDefaults(t->schema(), loose));
  REQUIRE(freed.ok());
  CHECK(freed->id == fip.id);
  CHECK(freed->attributes["port_id"].is_null());
  CHECK(freed->attributes["floating_ip_address"] == address);
  CHECK(f.Diffs("openstack.floating_ip", loose, *freed).empty());
  Value cli = testbed::OpenStackJson("floating ip show " + fip.id);
  REQUIRE(cli.is_object());
  CHECK(cli["port_id"].is_null());
  CHECK(cli["tags"].dump().find("capstan-stack=" + stack) != std::string::npos);
}

}  // namespace
}  // namespace capstan
