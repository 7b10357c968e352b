// The read-only lookups against the test bed: external network, flavor, image, project,
// and the errors for zero and several matches.
#include "tests/integration/openstack/compute_fixture.h"

namespace capstan {
namespace {

TEST_CASE("openstack lookups resolve the external network, a flavor and the project",
          "[openstack][lookup]") {
  testbed::ComputeFixture f;
  CallContext ctx = testbed::Ctx(testbed::UniqueStack("lk"), "openstack.flavor.small");

  ResourceType* ext = f.Type("openstack.external_network");
  auto net = ext->Create(ctx, ApplyDefaults(ext->schema(), Value::object()));
  INFO(net.diags().ToString());
  REQUIRE(net.ok());
  CHECK(net->attributes["name"] == "public");
  auto named = ext->Create(ctx, Value{{"name", "public"}});
  INFO(named.diags().ToString());
  REQUIRE(named.ok());
  CHECK(named->id == net->id);

  ResourceType* flavor = f.Type("openstack.flavor");
  auto small = flavor->Create(ctx, Value{{"name", "m1.small"}});
  INFO(small.diags().ToString());
  REQUIRE(small.ok());
  CHECK(small->attributes["ram"] == 2048);
  CHECK(small->attributes["vcpus"] == 1);
  CHECK(small->attributes["disk"] == 20);
  auto reread = flavor->Read(ctx, *small);
  INFO(reread.diags().ToString());
  REQUIRE(reread.ok());
  CHECK((*reread)->attributes == small->attributes);
  auto missing = flavor->Create(ctx, Value{{"name", "m1.huge"}});
  REQUIRE_FALSE(missing.ok());
  std::string msg = missing.diags().ToString();
  CHECK(msg.find("no flavor with name or id \"m1.huge\"") != std::string::npos);
  CHECK(msg.find("m1.tiny") != std::string::npos);

  ResourceType* project = f.Type("openstack.project");
  auto mine = project->Create(ctx, ApplyDefaults(project->schema(), Value::object()));
  INFO(mine.diags().ToString());
  REQUIRE(mine.ok());
  CHECK(mine->attributes["name"] == "demo");
  auto byname = project->Create(ctx, Value{{"name", "demo"}});
  INFO(byname.diags().ToString());
  REQUIRE(byname.ok());
  CHECK(byname->id == mine->id);
  CHECK_FALSE(project->Create(ctx, Value{{"name", "no-such-project"}}).ok());
  CHECK_FALSE(project->Delete(ctx, *mine).HasErrors());  // A no-op.
}

TEST_CASE("openstack.image_lookup refuses two images of one name unless most_recent",
          "[openstack][lookup]") {
  testbed::ComputeFixture f;
  std::string name = testbed::UniqueStack("img");
  std::string first = testbed::ComputeFixture::MakeImage(name);
  std::string second = testbed::ComputeFixture::MakeImage(name);
  ResourceType* type = f.Type("openstack.image_lookup");
  CallContext ctx = testbed::Ctx(name, "openstack.image_lookup.os");

  auto ambiguous = type->Create(ctx, ApplyDefaults(type->schema(), Value{{"name", name}}));
  REQUIRE_FALSE(ambiguous.ok());
  std::string msg = ambiguous.diags().ToString();
  CHECK(msg.find("2 active images named \"" + name + "\"") != std::string::npos);
  CHECK(msg.find(first) != std::string::npos);

  auto newest = type->Create(ctx, Value{{"name", name}, {"most_recent", true}});
  INFO(newest.diags().ToString());
  REQUIRE(newest.ok());
  CHECK(newest->id == second);
  auto byid = type->Create(ctx, ApplyDefaults(type->schema(), Value{{"name", first}}));
  INFO(byid.diags().ToString());
  REQUIRE(byid.ok());
  CHECK(byid->attributes["image_name"] == name);

  testbed::OpenStackCli("image delete " + first + " " + second, "ostb-admin");
  auto none = type->Create(ctx, ApplyDefaults(type->schema(), Value{{"name", name}}));
  REQUIRE_FALSE(none.ok());
  CHECK(none.diags().ToString().find("no active image with name or id") != std::string::npos);
}

}  // namespace
}  // namespace capstan
