// openstack.server against the test bed (Nova with the fake virt driver): boot by flavor
// and image name with marks, adopt, refresh by tag with an out-of-band rename, update in
// place (name, metadata, tags, security groups, resize), delete and wait.
#include <vector>

#include "tests/integration/openstack/compute_fixture.h"

namespace capstan {
namespace {

TEST_CASE("openstack.server boots with marks, is adopted, refreshed, updated and deleted",
          "[openstack][server]") {
  testbed::ComputeFixture f;
  ResourceType* type = f.Type("openstack.server");
  std::string stack = testbed::UniqueStack("srv");
  std::string image = testbed::ComputeFixture::MakeImage(stack);
  std::string net = testbed::ComputeFixture::MakeNetwork(stack);
  REQUIRE(testbed::OpenStackCli("security group create " + stack + "-web").status == 0);

  CallContext ctx = testbed::Ctx(stack, "openstack.server.mgmt");
  std::vector<std::string> progress;
  ctx.progress = [&](const std::string& s) { progress.push_back(s); };
  Value props = ApplyDefaults(type->schema(), Value{{"name", stack + "-mgmt"},
                                                    {"flavor", "m1.tiny"},
                                                    {"image", stack},
                                                    {"networks", {{{"uuid", net}}}},
                                                    {"metadata", {{"role", "mgmt"}}},
                                                    {"tags", {"kaas"}},
                                                    {"user_data", "#cloud-config\n{}\n"},
                                                    {"allow_resize", true}});
  Value planned = type->PlanAttributes(props, nullptr);
  CHECK(planned["user_data"].get<std::string>().rfind("sha256:", 0) == 0);

  auto created = type->Create(ctx, props);
  INFO(created.diags().ToString());
  REQUIRE(created.ok());
  const Value& a = created->attributes;
  CHECK(a["status"] == "ACTIVE");
  CHECK(a["owned"] == true);
  CHECK(a["flavor"] == "m1.tiny");
  CHECK(a["image"] == stack);
  CHECK(a["image_id"] == image);
  CHECK(a["metadata"] == Value{{"role", "mgmt"}});
  CHECK(a["tags"] == Value{"kaas"});
  CHECK(a["user_data"] == planned["user_data"]);
  CHECK(a["ip_address"].get<std::string>().rfind("10.77.0.", 0) == 0);
  CHECK(a["security_groups"] == Value{"default"});
  bool saw_wait = false;
  for (const std::string& p : progress) saw_wait |= p.find("server ACTIVE: BUILD") == 0;
  CHECK(saw_wait);

  // Every input reads back as planned: the next plan is empty.
  Value replanned = type->PlanAttributes(props, &*created);
  for (const auto& [k, v] : replanned.items()) {
    if (type->schema().IsInput(k)) CHECK(a.value(k, Value()) == v);
  }

  Value cli = testbed::OpenStackJson("--os-compute-api-version 2.79 server show " + created->id);
  REQUIRE(cli.is_object());
  std::string shown = cli.dump();
  CHECK(shown.find("capstan-stack=" + stack) != std::string::npos);
  CHECK(shown.find("capstan-addr") != std::string::npos);

  // A rerun after a crash adopts instead of booting a second server.
  auto again = type->Create(ctx, props);
  INFO(again.diags().ToString());
  REQUIRE(again.ok());
  CHECK(again->id == created->id);

  // Out-of-band rename: a refresh (one list by tag) shows it.
  REQUIRE(testbed::OpenStackCli("server set --name " + stack + "-renamed " + created->id).status ==
          0);
  CallContext many = ctx;
  many.address = Address{};
  many.addresses = {ctx.address};
  auto read = type->ReadMany(many, {*created});
  REQUIRE(read.size() == 1);
  REQUIRE(read[0].ok());
  REQUIRE(read[0]->has_value());
  CHECK((*read[0])->attributes["name"] == stack + "-renamed");
  CHECK((*read[0])->attributes["owned"] == true);

  // Update in place: name back, metadata, tags, security groups, and a resize.
  Value changed = props;
  changed["metadata"] = {{"role", "mgmt"}, {"tier", "1"}};
  changed["tags"] = {"kaas", "v2"};
  changed["security_groups"] = {"default", stack + "-web"};
  changed["flavor"] = "m1.small";
  auto updated = type->Update(ctx, **read[0], changed);
  INFO(updated.diags().ToString());
  REQUIRE(updated.ok());
  const Value& u = updated->attributes;
  CHECK(u["name"] == stack + "-mgmt");
  CHECK(u["metadata"] == changed["metadata"]);
  CHECK(u["tags"] == Value{"kaas", "v2"});
  CHECK(u["security_groups"] == changed["security_groups"]);
  CHECK(u["flavor"] == "m1.small");
  CHECK(u["flavor_name"] == "m1.small");
  CHECK(u["boot_flavor"] == "m1.tiny");  // Resized, not replaced.
  CHECK(u["owned"] == true);

  // Without allow_resize, a flavor change plans a replacement through boot_flavor.
  Value fixed = changed;
  fixed["allow_resize"] = false;
  fixed["flavor"] = "m1.medium";
  CHECK(type->PlanAttributes(fixed, &*updated)["boot_flavor"] == "m1.medium");

  progress.clear();
  REQUIRE_FALSE(type->Delete(ctx, *updated).HasErrors());
  CHECK_FALSE(type->Delete(ctx, *updated).HasErrors());
  auto gone = type->Read(ctx, *updated);
  INFO(gone.diags().ToString());
  REQUIRE(gone.ok());
  CHECK_FALSE(gone->has_value());

  testbed::OpenStackCli("security group delete " + stack + "-web");
  testbed::OpenStackCli("network delete " + stack);
  testbed::OpenStackCli("image delete " + image, "ostb-admin");
}

TEST_CASE("openstack.server reports a missing flavor or image by what exists",
          "[openstack][server]") {
  testbed::ComputeFixture f;
  ResourceType* type = f.Type("openstack.server");
  std::string stack = testbed::UniqueStack("srv");
  CallContext ctx = testbed::Ctx(stack, "openstack.server.bad");
  Value props =
      ApplyDefaults(type->schema(), Value{{"name", stack}, {"flavor", "m1.nope"}, {"image", "x"}});
  auto r = type->Create(ctx, props);
  REQUIRE_FALSE(r.ok());
  CHECK(r.diags().ToString().find("no flavor with name or id \"m1.nope\"") != std::string::npos);
  props["flavor"] = "m1.tiny";
  props["image"] = stack + "-no-such-image";
  r = type->Create(ctx, props);
  REQUIRE_FALSE(r.ok());
  CHECK(r.diags().ToString().find("no active image with name or id") != std::string::npos);
  CHECK(type->Validate(Value{{"networks", {{{"name", "x"}}}}}).HasErrors());
  CHECK(type->Validate(Value{{"metadata", {{"capstan-stack", "x"}}}}).HasErrors());
}

}  // namespace
}  // namespace capstan
