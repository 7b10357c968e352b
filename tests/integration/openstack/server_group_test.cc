// openstack.server_group against the test bed: create with a policy, adopt by name and
// policy, delete.
#include "tests/integration/openstack/compute_fixture.h"

namespace capstan {
namespace {

TEST_CASE("openstack.server_group is created with its policy, adopted and deleted",
          "[openstack][server_group]") {
  testbed::ComputeFixture f;
  ResourceType* type = f.Type("openstack.server_group");
  std::string stack = testbed::UniqueStack("sg");
  CallContext ctx = testbed::Ctx(stack, "openstack.server_group.workers");
  Value props =
      ApplyDefaults(type->schema(), Value{{"name", stack}, {"policy", "soft-anti-affinity"}});
  CHECK(type->Validate(Value{{"name", "x"}, {"policy", "anti"}}).HasErrors());
  auto created = type->Create(ctx, props);
  INFO(created.diags().ToString());
  REQUIRE(created.ok());
  CHECK(created->attributes["members"] == Value::array());

  Value cli =
      testbed::OpenStackJson("--os-compute-api-version 2.64 server group show " + created->id);
  REQUIRE(cli.is_object());
  CHECK(cli["policy"] == "soft-anti-affinity");
  CHECK(cli["name"] == stack);

  auto again = type->Create(ctx, props);
  INFO(again.diags().ToString());
  REQUIRE(again.ok());
  CHECK(again->id == created->id);

  REQUIRE_FALSE(type->Delete(ctx, *created).HasErrors());
  CHECK_FALSE(type->Delete(ctx, *created).HasErrors());
  auto gone = type->Read(ctx, *created);
  INFO(gone.diags().ToString());
  REQUIRE(gone.ok());
  CHECK_FALSE(gone->has_value());
}

}  // namespace
}  // namespace capstan
