// openstack.volume against the test bed (Cinder with a fake driver): create and wait,
// marks in metadata, extend and rename in place, refresh, adopt, shrink plans a
// replacement, delete waits until gone.
#include <catch2/catch.hpp>

#include "providers/openstack/os_provider.h"
#include "tests/integration/openstack/provider_fixture.h"

namespace capstan {
namespace {

struct VolumeFixture : testbed::TypeFixture {
  VolumeFixture() : TypeFixture("openstack.volume") {}
};

TEST_CASE("openstack.volume is created, extended, refreshed, adopted and deleted",
          "[openstack][volume]") {
  VolumeFixture f;
  std::string stack = testbed::UniqueStack("vol");
  CallContext ctx = testbed::Ctx(stack, "openstack.volume.etcd");
  std::vector<std::string> steps;
  ctx.progress = [&](const std::string& s) { steps.push_back(s); };
  Value props = ApplyDefaults(
      f.type->schema(),
      Value{{"name", stack + "-etcd"}, {"size", 1}, {"metadata", {{"role", "etcd"}}}});
  REQUIRE_FALSE(f.type->Validate(props).HasErrors());
  auto created = f.type->Create(ctx, props);
  INFO(created.diags().ToString());
  REQUIRE(created.ok());
  Value a = created->attributes;
  CHECK(a["status"] == "available");
  CHECK(a["size"] == 1);
  CHECK(a["metadata"] == Value{{"role", "etcd"}});
  CHECK(a["owned"] == true);
  CHECK(a["bootable"] == false);
  CHECK(a["description"] == "");
  CHECK(a["volume_type"].is_string());
  CHECK(a["availability_zone"].is_string());
  CHECK(a["shrink_count"] == 0);
  CHECK_FALSE(steps.empty());  // Waited for "available" with progress.

  Value cli = testbed::OpenStackJson("volume show " + created->id);
  REQUIRE(cli.is_object());
  std::string props_text = cli["properties"].dump();
  CHECK(props_text.find("capstan-stack") != std::string::npos);
  CHECK(props_text.find(stack) != std::string::npos);

  // Refresh: one filtered list, the same attributes (no perpetual diff).
  CallContext many = ctx;
  many.address = Address{};
  many.addresses = {ctx.address};
  auto read = f.type->ReadMany(many, {*created});
  REQUIRE(read.size() == 1);
  REQUIRE(read[0].ok());
  REQUIRE(read[0]->has_value());
  CHECK((*read[0])->attributes == a);
  ObjectState prior = **read[0];
  CHECK(f.type->PlanAttributes(props, &prior)["shrink_count"] == 0);

  // Rename and change metadata in place.
  Value renamed = props;
  renamed["name"] = stack + "-etcd2";
  renamed["description"] = "etcd data";
  renamed["metadata"] = {{"role", "etcd"}, {"tier", "fast"}};
  auto updated = f.type->Update(ctx, prior, renamed);
  INFO(updated.diags().ToString());
  REQUIRE(updated.ok());
  CHECK(updated->id == created->id);
  CHECK(updated->attributes["name"] == stack + "-etcd2");
  CHECK(updated->attributes["description"] == "etcd data");
  CHECK(updated->attributes["metadata"] == Value{{"role", "etcd"}, {"tier", "fast"}});
  CHECK(updated->attributes["owned"] == true);

  // Shrinking plans a replacement: shrink_count (force_new) goes up.
  ObjectState larger = *updated;
  larger.attributes["size"] = 5;
  CHECK(f.type->PlanAttributes(renamed, &larger)["shrink_count"] == 1);
  CHECK(f.type->PlanAttributes(renamed, &*updated)["shrink_count"] == 0);

  // A second create for the same address adopts instead of duplicating.
  auto again = f.type->Create(ctx, renamed);
  INFO(again.diags().ToString());
  REQUIRE(again.ok());
  CHECK(again->id == created->id);

  // Growing is an os-extend. The test bed's fake Cinder driver (FakeLoggingVolumeDriver)
  // cannot extend and puts the volume into error_extending: then the error must name
  // the status and carry Cinder's own message.
  Value bigger = renamed;
  bigger["size"] = 2;
  auto grown = f.type->Update(ctx, *again, bigger);
  if (grown.ok()) {
    CHECK(grown->attributes["size"] == 2);
  } else {
    std::string msg = grown.diags().ToString();
    INFO(msg);
    CHECK(msg.find("went error_extending instead of available") != std::string::npos);
    CHECK(msg.find("extend") != std::string::npos);
  }

  REQUIRE_FALSE(f.type->Delete(ctx, *created).HasErrors());
  auto gone = f.type->Read(ctx, *created);  // Delete waited until it was gone.
  INFO(gone.diags().ToString());
  REQUIRE(gone.ok());
  CHECK_FALSE(gone->has_value());
  CHECK_FALSE(f.type->Delete(ctx, *created).HasErrors());  // Already gone is fine.
}

}  // namespace
}  // namespace capstan
