// State entries whose objects are gone: the planner forgets them, apply drops them.
//
/// The case that found it: a destroy killed after its DELETE went through and before
/// the state row was removed (CAPSTAN_CRASH_AT=...:after-call). Refresh then sees no
/// object, so the next destroy planned nothing for it and the row stayed for ever.
/// Here the object is erased from the memory cloud behind capstan's back, which leaves
/// the state exactly as that crash does (the open journal row aside, which only adds a
/// warning: tests/cli/crash_test.cc covers the real kill).
#include <catch2/catch.hpp>

#include "tests/engine/ops/ops_fixture.h"

using namespace capstan;
using namespace capstan::testing;

namespace {

const char* kPair = R"(
stack: forget
resources:
  net:
    type: mem.thing
    properties: {name: net}
  port:
    type: mem.thing
    properties: {name: port, value: "${net.id}"}
)";

const char* kNetOnly = R"(
stack: forget
resources:
  net:
    type: mem.thing
    properties: {name: net}
)";

std::string IdOf(OpsFixture& f, const std::string& addr) {
  StackState st = f.State();
  const InstanceState* inst = st.Find(Address::Parse(addr).value());
  REQUIRE(inst);
  return inst->id;
}

}  // namespace

TEST_CASE("destroy forgets the state entry of an object deleted before its row was removed",
          "[ops][forget]") {
  OpsFixture f;
  f.WriteStack(kPair);
  f.PlanAndApply();
  REQUIRE(f.cloud().Erase(IdOf(f, "mem.thing.port")));
  f.cloud().ResetCounters();

  auto ws = f.Open();
  PlanOptions po;
  po.mode = PlanMode::kDestroy;
  Plan plan = f.MustPlan(*ws, po);
  const ResourceChange* port = FindChange(plan, "mem.thing.port");
  REQUIRE(port);
  CHECK(port->action == Action::kForget);
  CHECK(plan.HasChanges());
  CHECK(plan.Summary().forget == 1);
  CHECK(plan.Summary().destroy == 1);  // net

  ApplyReport r = f.MustApply(*ws, plan);
  CHECK(r.ok());
  CHECK(r.forgotten == 1);
  CHECK(r.deleted == 1);
  CHECK(f.cloud().Calls("delete") == 1);  // no DELETE for what is gone already
  CHECK(f.State().instances.empty());
  CHECK(f.cloud().Size() == 0);
}

TEST_CASE("a targeted destroy of a vanished object removes its entry and keeps the rest",
          "[ops][forget]") {
  OpsFixture f;
  f.WriteStack(kPair);
  f.PlanAndApply();
  REQUIRE(f.cloud().Erase(IdOf(f, "mem.thing.port")));

  auto ws = f.Open();
  PlanOptions po;
  po.mode = PlanMode::kDestroy;
  po.targets = {Target::Parse("mem.thing.port").value()};
  Plan plan = f.MustPlan(*ws, po);
  REQUIRE(FindChange(plan, "mem.thing.port"));
  CHECK(FindChange(plan, "mem.thing.port")->action == Action::kForget);
  CHECK(FindChange(plan, "mem.thing.net")->action == Action::kNoOp);
  f.MustApply(*ws, plan);

  StackState st = f.State();
  REQUIRE(st.instances.size() == 1);
  CHECK(st.instances[0].address.ToString() == "mem.thing.net");
  CHECK(f.cloud().Size() == 1);
  // And the destroy after that finds nothing left to forget.
  auto again = f.Open();
  CHECK_FALSE(f.MustPlan(*again, po).HasChanges());
}

TEST_CASE("apply recreates a configured object that vanished instead of forgetting it",
          "[ops][forget]") {
  OpsFixture f;
  f.WriteStack(kPair);
  f.PlanAndApply();
  const std::string old_id = IdOf(f, "mem.thing.port");
  REQUIRE(f.cloud().Erase(old_id));

  auto ws = f.Open();
  Plan plan = f.MustPlan(*ws);
  REQUIRE(FindChange(plan, "mem.thing.port"));
  CHECK(FindChange(plan, "mem.thing.port")->action == Action::kCreate);
  CHECK(plan.Summary().forget == 0);
  bool reported = false;
  for (const DriftEntry& d : plan.drift) {
    if (d.address.ToString() == "mem.thing.port" && d.deleted) reported = true;
  }
  CHECK(reported);
  f.MustApply(*ws, plan);

  CHECK(f.State().instances.size() == 2);
  CHECK(IdOf(f, "mem.thing.port") != old_id);
  CHECK(f.cloud().Size() == 2);
  auto again = f.Open();
  CHECK_FALSE(f.MustPlan(*again).HasChanges());
}

TEST_CASE("apply forgets a vanished object that left the configuration", "[ops][forget]") {
  OpsFixture f;
  f.WriteStack(kPair);
  f.PlanAndApply();
  REQUIRE(f.cloud().Erase(IdOf(f, "mem.thing.port")));
  f.WriteStack(kNetOnly);
  f.cloud().ResetCounters();

  auto ws = f.Open();
  Plan plan = f.MustPlan(*ws);
  REQUIRE(FindChange(plan, "mem.thing.port"));
  CHECK(FindChange(plan, "mem.thing.port")->action == Action::kForget);
  ApplyReport r = f.MustApply(*ws, plan);
  CHECK(r.forgotten == 1);
  CHECK(f.cloud().Calls("delete") == 0);
  CHECK(f.State().instances.size() == 1);
  auto again = f.Open();
  CHECK_FALSE(f.MustPlan(*again).HasChanges());
}

TEST_CASE("a deposed object that vanished is forgotten by its deposed key", "[ops][forget]") {
  OpsFixture f;
  f.WriteStack(kNetOnly);
  f.PlanAndApply();
  {
    auto ws = f.Open();
    InstanceState gone;
    gone.address = Address::Parse("mem.thing.net").value();
    gone.type = "mem.thing";
    gone.provider = "mem";
    gone.id = "thing-gone";
    gone.attributes = Value::object({{"name", "net"}});
    gone.status = InstanceStatus::kDeposed;
    gone.deposed_key = "d0d0d0d0";
    REQUIRE_FALSE(ws->state().PutInstance(ws->stack(), gone).HasErrors());
  }
  REQUIRE(f.State().instances.size() == 2);

  auto ws = f.Open();
  Plan plan = f.MustPlan(*ws);
  int forgets = 0;
  for (const ResourceChange& c : plan.changes) {
    if (c.action != Action::kForget) continue;
    ++forgets;
    CHECK(c.deposed_key == "d0d0d0d0");
  }
  CHECK(forgets == 1);
  f.MustApply(*ws, plan);
  StackState st = f.State();
  REQUIRE(st.instances.size() == 1);
  CHECK(st.instances[0].deposed_key.empty());
  CHECK(f.cloud().Size() == 1);
}
