// Golden tests for the human plan and drift renderings (plans/render_human.h).
//
/// The goldens in tests/plans/golden/ are what users read (see golden.h).
#include "plans/render_human.h"

#include <catch2/catch.hpp>
#include <string>

#include "golden.h"
#include "sample_plans.h"

namespace capstan {
namespace {

using testing::CheckGolden;
using testing::FullPlan;
using testing::kSecret;
using testing::MakeChange;
using testing::QuietPlan;

TEST_CASE("render: full plan matches its golden file and never shows a secret") {
  const std::string out = RenderPlan(FullPlan(), RenderOptions{});
  CheckGolden("full_plan.txt", out);
  CHECK(out.find(kSecret) == std::string::npos);
  CHECK(out.find("\x1b[") == std::string::npos);
  CHECK_THAT(out, Catch::Contains("Plan: 3 to add, 1 to change, 3 to destroy."));
}

TEST_CASE("render: show_unchanged lists unchanged attributes instead of counting them") {
  const std::string out = RenderPlan(FullPlan(), RenderOptions{.show_unchanged = true});
  CheckGolden("full_plan_unchanged.txt", out);
  CHECK(out.find("unchanged attribute") == std::string::npos);
  CHECK(out.find(kSecret) == std::string::npos);
}

TEST_CASE("render: colour codes appear only when asked for") {
  const std::string out = RenderPlan(FullPlan(), RenderOptions{.color = true});
  CHECK(out.find("\x1b[32m+\x1b[0m") != std::string::npos);
  CHECK(out.find(kSecret) == std::string::npos);
}

TEST_CASE("render: a plan without changes says the infrastructure matches") {
  const std::string out = RenderPlan(QuietPlan(), RenderOptions{});
  CheckGolden("no_changes.txt", out);
  CHECK(out == "No changes. Your infrastructure matches the configuration.\n");
}

TEST_CASE("render: a destroy-only plan lists deletions with their reasons") {
  Plan p;
  p.mode = PlanMode::kDestroy;
  ResourceChange net = MakeChange("openstack.network.main", Action::kDelete,
                                  {{"id", "net-1"}, {"name", "main"}}, Value());
  ResourceChange dep = MakeChange("openstack.port.p", Action::kDelete, {{"id", "port-1"}}, Value());
  dep.deposed_key = "00ab";
  dep.reason = "deposed object";
  p.changes = {net, dep};
  const std::string out = RenderPlan(p, RenderOptions{});
  CheckGolden("destroy.txt", out);
  CHECK_THAT(out, Catch::Contains("Plan: 0 to add, 0 to change, 2 to destroy."));
}

TEST_CASE("render: drift report lists changed and deleted objects with a summary") {
  const std::string out = RenderDrift(FullPlan(), RenderOptions{});
  CheckGolden("drift.txt", out);
  CHECK_THAT(out, Catch::EndsWith("Drift: 1 object changed, 1 deleted outside capstan.\n"));
  CHECK(out.find(kSecret) == std::string::npos);
}

TEST_CASE("render: no drift counts the objects that match their state") {
  CHECK(RenderDrift(QuietPlan(), RenderOptions{}) == "No drift: 3 objects match their state.\n");
}

TEST_CASE("render: verbose lists ignored differences with their reasons, quiet does not") {
  Plan p = QuietPlan();
  p.changes[0].ignored = {"status (controller-owned)"};
  p.changes[2].ignored = {"tags (lifecycle.ignore_changes)"};
  const std::string quiet = RenderDrift(p, RenderOptions{});
  CHECK(quiet.find("ignored") == std::string::npos);
  const std::string loud = RenderDrift(p, RenderOptions{.verbose = true});
  CHECK_THAT(loud, Catch::Contains("local.file.f: ignored: tags (lifecycle.ignore_changes)"));
  CHECK_THAT(loud, Catch::Contains("openstack.network.main: ignored: status (controller-owned)"));
  CHECK_THAT(loud, Catch::EndsWith("No drift: 3 objects match their state.\n"));
  const std::string plan = RenderPlan(p, RenderOptions{.verbose = true});
  CHECK_THAT(plan, Catch::Contains("openstack.network.main: ignored: status (controller-owned)"));
  CHECK(RenderPlan(p, RenderOptions{}).find("ignored") == std::string::npos);
}

}  // namespace
}  // namespace capstan
