// Controller-owned attributes and lifecycle.ignore_changes in drift and plans.
//
/// CAPI and OCCM controllers change some attributes after capstan has set them (the
/// schema lists them as controller_owned); users opt other attributes out with
/// lifecycle.ignore_changes. Neither may show as drift or make a plan "repair" the
/// object, and both must be reported with their reason for `--verbose`.
#include <algorithm>
#include <catch2/catch.hpp>

#include "tests/engine/ops/ops_fixture.h"

using namespace capstan;
using namespace capstan::testing;

namespace {

const char* kStack = R"(
stack: owned
resources:
  md:
    type: mem.thing
    properties: {name: md, status: provisioning, value: "1"}
  sg:
    type: mem.thing
    properties: {name: sg, tags: {team: a}}
    lifecycle: {ignore_changes: [tags]}
)";

/// Changes one attribute of the object at `addr` behind capstan's back.
void EditInCloud(OpsFixture& f, const std::string& addr, const std::string& attr, Value v) {
  StackState st = f.State();
  const std::string id = st.Find(Address::Parse(addr).value())->id;
  MemoryObject obj = f.cloud().Get(id).value();
  obj.attributes[attr] = std::move(v);
  f.cloud().Put(id, obj);
}

bool Has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST_CASE("drift skips controller-owned and ignore_changes attributes and says why",
          "[ops][drift]") {
  OpsFixture f;
  f.WriteStack(kStack);
  f.PlanAndApply();
  EditInCloud(f, "mem.thing.md", "status", "running");           // the controller's doing
  EditInCloud(f, "mem.thing.sg", "tags", Value{{"team", "b"}});  // ignored by lifecycle

  auto ws = f.Open();
  PlanOptions o;
  o.mode = PlanMode::kRefreshOnly;
  Plan p = f.MustPlan(*ws, o);
  CHECK(p.drift.empty());
  REQUIRE(p.changes.size() == 2);  // every object checked is listed, as a no-op
  const ResourceChange* md = FindChange(p, "mem.thing.md");
  const ResourceChange* sg = FindChange(p, "mem.thing.sg");
  REQUIRE(md);
  REQUIRE(sg);
  CHECK(md->action == Action::kNoOp);
  CHECK(md->ignored == std::vector<std::string>{"status (controller-owned)"});
  CHECK(sg->ignored == std::vector<std::string>{"tags (lifecycle.ignore_changes)"});

  // A real change next to a controller-owned one is drift, and keeps the note.
  EditInCloud(f, "mem.thing.md", "value", "2");
  Plan again = f.MustPlan(*ws, o);
  REQUIRE(again.drift.size() == 1);
  CHECK(again.drift[0].attributes.size() == 1);
  CHECK(again.drift[0].attributes[0].path == "value");
  CHECK(again.drift[0].ignored == std::vector<std::string>{"status (controller-owned)"});
}

TEST_CASE("a plan leaves a controller-owned input alone and notes it", "[ops][drift]") {
  OpsFixture f;
  f.WriteStack(kStack);
  f.PlanAndApply();
  EditInCloud(f, "mem.thing.md", "status", "running");
  EditInCloud(f, "mem.thing.sg", "tags", Value{{"team", "b"}});

  auto ws = f.Open();
  Plan p = f.MustPlan(*ws);
  CHECK_FALSE(p.HasChanges());  // neither "status: provisioning" nor the tags come back
  const ResourceChange* md = FindChange(p, "mem.thing.md");
  REQUIRE(md);
  CHECK(md->action == Action::kNoOp);
  CHECK(Has(md->ignored, "status (controller-owned)"));
  const ResourceChange* sg = FindChange(p, "mem.thing.sg");
  REQUIRE(sg);
  CHECK(Has(sg->ignored, "tags (lifecycle.ignore_changes)"));

  // An input that is not controller-owned still gets repaired.
  EditInCloud(f, "mem.thing.md", "value", "changed");
  Plan fix = f.MustPlan(*ws);
  CHECK(FindChange(fix, "mem.thing.md")->action == Action::kUpdate);
}
