// openstack.network against the test bed: create, adopt, refresh, drift, delete.
#include <catch2/catch.hpp>

#include "providers/openstack/os_provider.h"
#include "tests/integration/openstack/provider_fixture.h"

namespace capstan {
namespace {

struct Fixture : testbed::TypeFixture {
  Fixture() : TypeFixture("openstack.network") {}
};

TEST_CASE("openstack.network is created with marks, read back and deleted",
          "[openstack][network]") {
  Fixture f;
  std::string stack = testbed::UniqueStack("net");
  CallContext ctx = testbed::Ctx(stack, "openstack.network.main");
  Value props = ApplyDefaults(f.type->schema(), Value{{"name", stack + "-net"}});
  auto created = f.type->Create(ctx, props);
  REQUIRE(created.ok());
  CHECK(created->attributes["owned"] == true);
  CHECK(created->attributes["name"] == stack + "-net");

  Value cli = testbed::OpenStackJson("network show " + created->id);
  REQUIRE(cli.is_object());
  std::string tags = cli["tags"].dump();
  CHECK(tags.find("capstan-stack=" + stack) != std::string::npos);
  CHECK(tags.find("capstan-addr=openstack.network.main") != std::string::npos);

  // A second create for the same address adopts instead of duplicating.
  auto again = f.type->Create(ctx, props);
  REQUIRE(again.ok());
  CHECK(again->id == created->id);

  // Out-of-band rename shows in a refresh.
  REQUIRE(testbed::OpenStackCli("network set --name renamed-" + stack + " " + created->id).status ==
          0);
  CallContext many = ctx;
  many.address = Address{};
  many.addresses = {ctx.address};
  auto read = f.type->ReadMany(many, {*created});
  REQUIRE(read.size() == 1);
  REQUIRE(read[0].ok());
  REQUIRE(read[0]->has_value());
  CHECK((*read[0])->attributes["name"] == "renamed-" + stack);
  CHECK((*read[0])->attributes["owned"] == true);

  REQUIRE_FALSE(f.type->Delete(ctx, *created).HasErrors());
  CHECK_FALSE(f.type->Delete(ctx, *created).HasErrors());  // Already gone is fine.
  auto gone = f.type->Read(ctx, *created);
  REQUIRE(gone.ok());
  CHECK_FALSE(gone->has_value());
}

}  // namespace
}  // namespace capstan
