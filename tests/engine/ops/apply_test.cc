// Plan + apply through the real planner, scheduler and state against the memory cloud.
#include <catch2/catch.hpp>
#include <thread>

#include "tests/engine/ops/ops_fixture.h"

using namespace capstan;
using namespace capstan::testing;

namespace {
/// Runs the test twice: provider calls that block their thread, and calls that complete
/// later on the memory cloud's timer (the engine's non-blocking path).
void WithEitherCallMode(OpsFixture& f) { f.cloud().SetAsyncCalls(GENERATE(false, true)); }

const char* kChain = R"(
stack: chain
resources:
  net:
    type: mem.thing
    properties: {name: net}
  subnet:
    type: mem.thing
    properties: {name: subnet, value: "${net.id}"}
  port:
    type: mem.thing
    properties: {name: port, value: "${subnet.id}", size: 1}
  lonely:
    type: mem.group
    properties: {name: lonely}
outputs:
  port_id: {value: "${port.id}"}
)";
}  // namespace

TEST_CASE("apply creates a chain in dependency order and resolves known-after-apply values",
          "[ops][apply]") {
  OpsFixture f;
  WithEitherCallMode(f);
  f.WriteStack(kChain);
  auto ws = f.Open();
  Plan plan = f.MustPlan(*ws);
  const ResourceChange* subnet = FindChange(plan, "mem.thing.subnet");
  REQUIRE(subnet);
  CHECK(subnet->action == Action::kCreate);
  CHECK(IsUnknown(subnet->after["value"]));
  CHECK(plan.Summary().add == 4);

  ApplyReport r = f.MustApply(*ws, plan);
  CHECK(r.ok());
  CHECK(r.created == 4);
  StackState st = f.State();
  REQUIRE(st.instances.size() == 4);
  const InstanceState* net = st.Find(Address::Parse("mem.thing.net").value());
  const InstanceState* sub = st.Find(Address::Parse("mem.thing.subnet").value());
  REQUIRE(net);
  REQUIRE(sub);
  CHECK(sub->attributes["value"] == net->id);
  CHECK(st.outputs.size() == 1);
  CHECK(f.cloud().Size() == 4);
}

TEST_CASE("a second plan after apply has no changes", "[ops][apply]") {
  OpsFixture f;
  f.WriteStack(kChain);
  f.PlanAndApply();
  auto ws = f.Open();
  Plan again = f.MustPlan(*ws);
  CHECK_FALSE(again.HasChanges());
  CHECK(again.exec.empty());
}

TEST_CASE("a failed create skips its dependents and lets independent branches finish",
          "[ops][apply]") {
  OpsFixture f;
  WithEitherCallMode(f);
  f.WriteStack(kChain);
  f.cloud().FailOn("subnet");
  auto ws = f.Open();
  Plan plan = f.MustPlan(*ws);
  auto r = ApplyPlan(*ws, plan, ApplyOptions{});
  REQUIRE(r.ok());
  CHECK(r->failed == 1);
  CHECK(r->skipped == 1);  // port
  CHECK(r->created == 2);  // net, lonely
  CHECK(r->diags.ToString().find("mem.thing.subnet") != std::string::npos);
  StackState st = f.State();
  CHECK(st.instances.size() == 2);
  // The next run finishes the job once the failure is gone.
  f.cloud().ClearFailures();
  ApplyReport again = f.PlanAndApply();
  CHECK(again.created == 2);
  CHECK(f.State().instances.size() == 4);
}

TEST_CASE("apply never runs more provider calls at once than the parallelism", "[ops][apply]") {
  OpsFixture f;
  WithEitherCallMode(f);
  f.WriteStack(R"(
stack: wide
variables:
  keys: {type: list, default: [a, b, c, d, e, f, g, h, i, j, k, l]}
resources:
  t:
    type: mem.thing
    for_each: "${var.keys}"
    properties: {name: "t-${each.key}"}
)");
  f.cloud().SetLatencyMs(30);
  auto ws = f.Open();
  Plan plan = f.MustPlan(*ws);
  ApplyReport r = f.MustApply(*ws, plan, 3);
  CHECK(r.created == 12);
  CHECK(f.cloud().MaxConcurrent() <= 3);
  CHECK(f.cloud().MaxConcurrent() >= 2);
}

TEST_CASE("a force-new change replaces delete-then-create, and create-then-delete with cbd",
          "[ops][apply]") {
  OpsFixture f;
  WithEitherCallMode(f);
  const std::string stack = R"(
stack: repl
variables:
  size: {type: number, default: 1}
  cbd: {type: bool, default: false}
resources:
  a:
    type: mem.thing
    properties: {name: a, size: "${var.size}"}
    lifecycle: {create_before_destroy: "${var.cbd}"}
  b:
    type: mem.thing
    properties: {name: b, value: "${a.id}"}
)";
  f.WriteStack(stack);
  f.PlanAndApply();
  std::string old_id = f.State().Find(Address::Parse("mem.thing.a").value())->id;

  auto ws = f.Open({{"size", "2"}});
  Plan p = f.MustPlan(*ws);
  const ResourceChange* a = FindChange(p, "mem.thing.a");
  REQUIRE(a);
  CHECK(a->action == Action::kDeleteThenCreate);
  REQUIRE(a->replace_because.size() == 1);
  CHECK(a->replace_because[0] == "size");
  CHECK(FindChange(p, "mem.thing.b")->action == Action::kUpdate);
  f.MustApply(*ws, p);
  StackState st = f.State();
  std::string new_id = st.Find(Address::Parse("mem.thing.a").value())->id;
  CHECK(new_id != old_id);
  CHECK(st.Find(Address::Parse("mem.thing.b").value())->attributes["value"] == new_id);
  CHECK_FALSE(f.cloud().Get(old_id).has_value());

  // Now with create_before_destroy: the old object is deposed, then deleted.
  auto ws2 = f.Open({{"size", "3"}, {"cbd", "true"}});
  Plan p2 = f.MustPlan(*ws2);
  CHECK(FindChange(p2, "mem.thing.a")->action == Action::kCreateThenDelete);
  f.MustApply(*ws2, p2);
  StackState st2 = f.State();
  CHECK(st2.instances.size() == 2);  // no deposed row left
  CHECK_FALSE(f.cloud().Get(new_id).has_value());
  CHECK(f.cloud().Size() == 2);
}

TEST_CASE("destroy deletes dependents before their dependencies", "[ops][destroy]") {
  OpsFixture f;
  WithEitherCallMode(f);
  f.WriteStack(kChain);
  f.PlanAndApply();
  std::vector<std::string> order;
  std::mutex mu;
  f.cloud().SetHook([&](const std::string& verb, const CallContext& ctx, const std::string&) {
    if (verb == "delete") {
      std::lock_guard<std::mutex> l(mu);
      order.push_back(ctx.address.name);
    }
    return Status{};
  });
  auto ws = f.Open();
  PlanOptions o;
  o.mode = PlanMode::kDestroy;
  Plan p = f.MustPlan(*ws, o);
  CHECK(p.Summary().destroy == 4);
  f.MustApply(*ws, p);
  auto pos = [&](const std::string& n) {
    return std::find(order.begin(), order.end(), n) - order.begin();
  };
  REQUIRE(order.size() == 4);
  CHECK(pos("port") < pos("subnet"));
  CHECK(pos("subnet") < pos("net"));
  CHECK(f.cloud().Size() == 0);
  CHECK(f.State().instances.empty());
  CHECK(f.State().outputs.empty());
}

TEST_CASE("prevent_destroy from a variable refuses a destroy plan", "[ops][destroy]") {
  OpsFixture f;
  f.WriteStack(R"(
stack: keep
variables:
  protect: {type: bool, default: true}
resources:
  db:
    type: mem.thing
    properties: {name: db}
    lifecycle: {prevent_destroy: "${var.protect}"}
)");
  f.PlanAndApply();
  auto ws = f.Open();
  PlanOptions o;
  o.mode = PlanMode::kDestroy;
  auto p = MakePlan(*ws, o);
  REQUIRE_FALSE(p.ok());
  CHECK(p.diags().ToString().find("prevent_destroy") != std::string::npos);
  CHECK(p.diags().ToString().find("mem.thing.db") != std::string::npos);
  auto ws2 = f.Open({{"protect", "false"}});
  CHECK(MakePlan(*ws2, o).ok());
}

TEST_CASE("targeting keeps the target and its dependencies only", "[ops][target]") {
  OpsFixture f;
  f.WriteStack(kChain);
  auto ws = f.Open();
  PlanOptions o;
  o.targets.push_back(Target::Parse("mem.thing.subnet").value());
  Plan p = f.MustPlan(*ws, o);
  CHECK(FindChange(p, "mem.thing.subnet")->action == Action::kCreate);
  CHECK(FindChange(p, "mem.thing.net")->action == Action::kCreate);
  CHECK(FindChange(p, "mem.thing.port")->action == Action::kNoOp);
  CHECK(FindChange(p, "mem.group.lonely")->action == Action::kNoOp);
  PlanOptions ex;
  ex.excludes.push_back(Target::Parse("mem.thing.net").value());
  Plan q = f.MustPlan(*ws, ex);
  CHECK(FindChange(q, "mem.thing.port")->action == Action::kNoOp);  // depends on net
  CHECK(FindChange(q, "mem.group.lonely")->action == Action::kCreate);
}

TEST_CASE("a plan made before another apply is refused as stale", "[ops][stale]") {
  OpsFixture f;
  f.WriteStack(kChain);
  auto ws = f.Open();
  Plan old = f.MustPlan(*ws);
  f.PlanAndApply();
  auto ws2 = f.Open();
  auto r = ApplyPlan(*ws2, old, ApplyOptions{});
  REQUIRE_FALSE(r.ok());
  CHECK(r.diags().ToString().find("stale") != std::string::npos);
}

TEST_CASE("refresh reports out-of-band changes and deletions as drift", "[ops][drift]") {
  OpsFixture f;
  f.WriteStack(kChain);
  f.PlanAndApply();
  StackState st = f.State();
  std::string net_id = st.Find(Address::Parse("mem.thing.net").value())->id;
  std::string lonely_id = st.Find(Address::Parse("mem.group.lonely").value())->id;
  auto obj = f.cloud().Get(net_id).value();
  obj.attributes["value"] = "changed-by-hand";
  f.cloud().Put(net_id, obj);
  f.cloud().Erase(lonely_id);

  auto ws = f.Open();
  PlanOptions o;
  o.mode = PlanMode::kRefreshOnly;
  Plan p = f.MustPlan(*ws, o);
  REQUIRE(p.drift.size() == 2);
  bool saw_deleted = false, saw_value = false;
  for (const auto& d : p.drift) {
    if (d.deleted) saw_deleted = d.address.name == "lonely";
    for (const auto& a : d.attributes) saw_value |= a.path == "value";
  }
  CHECK(saw_deleted);
  CHECK(saw_value);
  // A normal plan repairs both: recreate lonely, update net back.
  Plan fix = f.MustPlan(*ws);
  CHECK(FindChange(fix, "mem.group.lonely")->action == Action::kCreate);
  CHECK(FindChange(fix, "mem.thing.net")->action == Action::kUpdate);
}

TEST_CASE("sensitive attributes are marked in the plan and kept encrypted in state",
          "[ops][secrets]") {
  OpsFixture f;
  f.WriteStack(R"(
stack: sec
variables:
  pw: {type: string, sensitive: true, default: "pw-marker-123"}
resources:
  s:
    type: mem.thing
    properties: {name: s, secret: "${var.pw}", value: "${var.pw}"}
)");
  auto ws = f.Open();
  Plan p = f.MustPlan(*ws);
  const ResourceChange* c = FindChange(p, "mem.thing.s");
  REQUIRE(c);
  CHECK(c->sensitive.count("secret") == 1);
  CHECK(c->sensitive.count("value") == 1);  // came from a sensitive variable
  f.MustApply(*ws, p);
  ws.reset();
  std::ifstream in(f.dir() + "/state.db", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::ifstream wal(f.dir() + "/state.db-wal", std::ios::binary);
  bytes.append((std::istreambuf_iterator<char>(wal)), std::istreambuf_iterator<char>());
  CHECK(bytes.find("pw-marker-123") == std::string::npos);
  CHECK(f.State().instances.at(0).attributes["secret"] == "pw-marker-123");
}

TEST_CASE("a create whose answer was lost is adopted, not duplicated, on the next run",
          "[ops][crash]") {
  OpsFixture f;
  WithEitherCallMode(f);
  f.WriteStack(kChain);
  // The create of subnet happens in the cloud, but the call reports failure (the answer
  // was lost). State does not know the object; the journal row stays with an error.
  f.cloud().SetHook([](const std::string& verb, const CallContext& ctx, const std::string&) {
    Status st;
    if (verb == "create" && ctx.address.name == "subnet") st.Error("connection reset");
    return st;
  });
  auto ws = f.Open();
  auto r = ApplyPlan(*ws, f.MustPlan(*ws), ApplyOptions{});
  REQUIRE(r.ok());
  CHECK(r->failed == 1);
  CHECK(f.cloud().Size() == 3);  // net, lonely and the orphaned subnet
  f.cloud().SetHook(nullptr);
  f.PlanAndApply();
  CHECK(f.cloud().Size() == 4);  // subnet adopted, port created: nothing duplicated
  CHECK(f.State().instances.size() == 4);
}

TEST_CASE("every node's journal row is closed after a wide apply with failures",
          "[ops][apply][journal]") {
  // A fan: the middles start as one wave and their rows are opened in one write; a failed
  // call and a value that cannot be evaluated at apply time must both close their rows.
  std::string yaml =
      "stack: fan\nresources:\n  root:\n    type: mem.thing\n"
      "    properties: {name: root}\n";
  for (int i = 0; i < 30; ++i) {
    yaml += "  m" + std::to_string(i) + ":\n    type: mem.thing\n    properties: {name: m" +
            std::to_string(i) + ", value: \"${root.id}\"}\n";
  }
  // Known after apply at plan time; at apply time there is no file named after root's id.
  yaml +=
      "  broken:\n    type: mem.thing\n    properties: {name: broken, value: "
      "\"${file(root.id)}\"}\n";
  OpsFixture f;
  WithEitherCallMode(f);
  f.WriteStack(yaml);
  f.cloud().FailOn("m7");
  auto ws = f.Open();
  Plan plan = f.MustPlan(*ws);
  auto r = ApplyPlan(*ws, plan, ApplyOptions{.parallelism = 40});
  REQUIRE(r.ok());
  CHECK(r->created == 30);  // root and 29 middles
  CHECK(r->failed == 2);    // m7 (the call) and broken (the evaluation)
  CHECK(r->diags.ToString().find("mem.thing.broken") != std::string::npos);
  auto open = ws->state().OpenJournal(ws->stack());
  REQUIRE(open.ok());
  CHECK(open->empty());
  CHECK(f.State().instances.size() == 30);
}

TEST_CASE("calls that complete later keep a whole wide level in flight on a few threads",
          "[ops][apply]") {
  std::string yaml =
      "stack: fan\nresources:\n  root:\n    type: mem.thing\n"
      "    properties: {name: root}\n";
  const int width = 80;
  for (int i = 0; i < width; ++i) {
    yaml += "  m" + std::to_string(i) + ":\n    type: mem.thing\n    properties: {name: m" +
            std::to_string(i) + ", value: \"${root.id}\"}\n";
  }
  OpsFixture f;
  f.WriteStack(yaml);
  f.cloud().SetAsyncCalls(true);
  f.cloud().SetLatencyMs(300);  // long enough for every middle to start before one ends
  auto ws = f.Open();
  Plan plan = f.MustPlan(*ws);
  ApplyReport r = f.MustApply(*ws, plan, 200);
  CHECK(r.created == width + 1);
  CHECK(f.cloud().MaxConcurrent() == width);
  // The scheduler's threads started the calls: as many as the machine has cores (at
  // least 2), where blocking calls would have taken one thread each.
  size_t cores = std::max(2u, std::thread::hardware_concurrency());
  CHECK(f.cloud().StartThreads() <= cores);
  auto open = ws->state().OpenJournal(ws->stack());
  REQUIRE(open.ok());
  CHECK(open->empty());
  CHECK(f.State().instances.size() == static_cast<size_t>(width + 1));
}
