// examples/openstack-mgmt through the fault-injecting proxy: apply and destroy converge.
//
/// Every call capstan makes goes through tests/faults/fault_proxy.py, which answers some
/// with 5xx or 429, resets some connections before forwarding them and — the dangerous
/// case — some after the cloud acted on them, and delays others. Apply is re-run until a
/// plan shows no changes (a bounded number of runs), destroy until it succeeds; after
/// each, the objects carrying the stack's ownership marks are counted with the
/// `openstack` CLI straight against the test bed (not through the proxy): exactly one of
/// each after apply (nothing duplicated), none after destroy (nothing orphaned).
#include <catch2/catch.hpp>
#include <iostream>

#include "tests/integration/openstack/fault_proxy.h"
#include "tests/integration/openstack/scenario.h"

namespace capstan {
namespace {

using clitest::RunResult;
using clitest::Sandbox;

const std::map<std::string, int>& kExpected = scenario::MgmtExpected();

/// 17 % of requests get a fault; 13 % are failures (the rest are delays).
constexpr const char* kFaults =
    "500=0.02,502=0.02,503=0.02,429=0.02,reset_before=0.02,reset_after=0.03,latency=0.03,"
    "stall=0.01";
constexpr int kMaxRuns = 6;

std::string FaultSummary(const faults::FaultProxy& proxy) {
  Value stats = proxy.Stats();
  if (!stats.is_object()) return "no fault injected";
  std::string s = "requests=" + stats["requests"].dump();
  for (const auto& [kind, n] : stats["faults"].items()) s += " " + kind + "=" + n.dump();
  return s;
}

int FailureFaults(const faults::FaultProxy& proxy) {
  Value stats = proxy.Stats();
  if (!stats.is_object()) return 0;
  int n = 0;
  for (const auto& [kind, count] : stats["faults"].items()) {
    if (kind != "latency" && kind != "stall") n += count.get<int>();
  }
  return n;
}

TEST_CASE("openstack-mgmt through the fault proxy converges without duplicates or orphans",
          "[openstack][scenario][faults]") {
  if (!testbed::Available()) FAIL(testbed::kNotUp);
  scenario::EnsureImage();
  Sandbox box;
  std::string stack = testbed::UniqueStack("faults");
  std::string prefix = "fp" + std::to_string(getpid());
  scenario::PrepareMgmtStack(box, stack);
  int seed = 20261124;
  if (const char* s = std::getenv("CAPSTAN_FAULT_SEED"); s && *s) seed = std::atoi(s);
  faults::FaultProxy proxy(box.Path("proxy"), seed, kFaults);
  box.Write("proxy/clouds.yaml", faults::DemoCloudsYaml("ostb-demo", proxy.AuthUrl()));
  box.SetEnv("OS_CLIENT_CONFIG_FILE", box.Path("proxy/clouds.yaml"));

  std::string transcript;
  auto note = [&](const std::string& what, const RunResult& r) {
    transcript += "=== " + what + " (exit " + std::to_string(r.exit_code) + ")\n" + r.all();
  };

  int apply_runs = 0;
  bool converged = false;
  while (apply_runs < kMaxRuns && !converged) {
    ++apply_runs;
    RunResult apply = box.Run(scenario::MgmtArgs({"apply", "--auto-approve"}, prefix));
    note("apply " + std::to_string(apply_runs), apply);
    RunResult plan = box.Run(scenario::MgmtArgs({"plan", "--detailed-exitcode"}, prefix));
    note("plan after apply " + std::to_string(apply_runs), plan);
    converged = apply.exit_code == 0 && plan.exit_code == 0;
  }
  auto applied = scenario::CountOwned(stack, prefix);
  std::string after_apply = FaultSummary(proxy);
  std::cout << "fault-proxy apply: runs=" << apply_runs << " converged=" << converged
            << " faults: " << after_apply << "\nowned after apply: " << scenario::Describe(applied)
            << std::endl;
  INFO(transcript);
  INFO("fault log: " << proxy.LogPath() << "\nfaults so far: " << after_apply);
  INFO("owned objects after apply: " << scenario::Describe(applied));
  CHECK(converged);
  CHECK(applied == kExpected);
  CHECK(FailureFaults(proxy) >= 5);  // the proxy really was in the path

  int destroy_runs = 0;
  bool destroyed = false;
  while (destroy_runs < kMaxRuns && !destroyed) {
    ++destroy_runs;
    RunResult destroy = box.Run(scenario::MgmtArgs({"destroy", "--auto-approve"}, prefix));
    note("destroy " + std::to_string(destroy_runs), destroy);
    destroyed = destroy.exit_code == 0;
  }
  RunResult listed = box.Run({"state", "list"});
  note("state list", listed);
  auto left = scenario::CountOwned(stack, prefix);
  std::cout << "fault-proxy destroy: runs=" << destroy_runs << " destroyed=" << destroyed
            << " faults (total): " << FaultSummary(proxy)
            << "\nowned after destroy: " << scenario::Describe(left) << std::endl;
  INFO(transcript);
  INFO("owned objects after destroy: " << scenario::Describe(left));
  CHECK(destroyed);
  CHECK(listed.out.find("openstack.") == std::string::npos);
  for (const auto& [kind, n] : left) {
    INFO(kind);
    CHECK(n == 0);
  }
  RunResult check = box.Run({"state", "check"});
  INFO(check.all());
  CHECK(check.exit_code == 0);
  if (!destroyed) {  // leave the shared test bed clean: destroy without the proxy
    box.SetEnv("OS_CLIENT_CONFIG_FILE", testbed::CloudsYaml());
    box.Run(scenario::MgmtArgs({"destroy", "--auto-approve"}, prefix));
  }
}

}  // namespace
}  // namespace capstan
