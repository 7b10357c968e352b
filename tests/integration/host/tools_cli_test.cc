// The management-node stack end to end through the real `capstan` binary: host.node
// (local), kind.cluster, helm.release and capi.management, run by the STUB kind, helm and
// clusterctl of tests/fakes/bin/ against fake kube-apiservers (label `kube`). Reads of
// capi.management use the real kubectl; the test skips without it. capi.management is
// first applied with `provider: host`, then planned without it (the capi provider's).
#include <catch2/catch.hpp>

#include "tests/cli/harness.h"
#include "tests/fakes/kube_fake.h"

namespace capstan::clitest {
namespace {

/// `capi_provider_line`: write `provider: host` on capi.management (how stacks had to say
/// it before the capi provider served the type too).
std::string Stack(const std::string& state, int replicas, const std::string& capi_version,
                  bool capi_provider_line = false) {
  std::string bin = std::string(CAPSTAN_SOURCE_DIR) + "/tests/fakes/bin";
  const char* path = getenv("PATH");
  return "stack: mgmt-node\nresources:\n"
         "  mgmt:\n    type: host.node\n    properties:\n      type: local\n"
         "      env:\n        PATH: \"" +
         bin + ":" + (path ? path : "/usr/bin:/bin") + "\"\n        CAPSTAN_FAKE_STATE: \"" +
         state +
         "\"\n"
         "  kind:\n    type: kind.cluster\n    properties:\n"
         "      host: ${mgmt.connection}\n      name: mgmt\n"
         "  ingress:\n    type: helm.release\n    properties:\n"
         "      host: ${mgmt.connection}\n"
         "      kubeconfig: ${kind.kubeconfig}\n"
         "      name: ingress\n      namespace: ingress-nginx\n      chart: "
         "ingress-nginx/ingress-nginx\n"
         "      version: 4.9.1\n      values:\n        controller:\n          replicaCount: " +
         std::to_string(replicas) +
         "\n"
         "  capi:\n    type: capi.management\n" +
         std::string(capi_provider_line ? "    provider: host\n" : "") +
         "    properties:\n"
         "      host: ${mgmt.connection}\n"
         "      kubeconfig: ${kind.kubeconfig}\n"
         "      core_version: " +
         capi_version + "\n      bootstrap_version: " + capi_version +
         "\n      control_plane_version: " + capi_version + "\n";
}

}  // namespace

TEST_CASE("management node stack: apply, clean re-plan, in-place upgrades, destroy", "[kube]") {
  if (capstan::testing::KubectlPath().empty()) {
    WARN("no kubectl on this machine; skipped");
    return;
  }
  Sandbox sb;
  std::string state = sb.Path("fake-state");
  std::filesystem::create_directories(state);
  std::string env = "env PATH=" +
                    capstan::testing::ShellQuote(std::string(CAPSTAN_SOURCE_DIR) +
                                                 "/tests/fakes/bin:/usr/bin:/bin") +
                    " CAPSTAN_FAKE_STATE=" + capstan::testing::ShellQuote(state) + " ";
  struct Cleanup {
    std::string env;
    ~Cleanup() { capstan::testing::RunShell(env + "kind delete cluster --name mgmt"); }
  } cleanup{env};

  // Applied the old way, with `provider: host` on capi.management ...
  sb.Write("stack.yaml", Stack(state, 2, "v1.6.3", /*capi_provider_line=*/true));
  RunResult apply = sb.Run({"apply", "--auto-approve"});
  INFO(Describe(apply));
  REQUIRE(apply.exit_code == 0);
  CHECK(capstan::testing::RunShell(env + "kind get clusters 2>/dev/null").out == "mgmt\n");

  // ... and planned without it: the capi provider serves the type, nothing changes.
  sb.Write("stack.yaml", Stack(state, 2, "v1.6.3"));
  RunResult plan = sb.Run({"plan", "--detailed-exitcode"});
  INFO(Describe(plan));
  CHECK(plan.exit_code == 0);
  CHECK(plan.out.find("No changes") != std::string::npos);

  sb.Write("stack.yaml", Stack(state, 3, "v1.7.2"));
  plan = sb.Run({"plan", "--detailed-exitcode"});
  INFO(Describe(plan));
  CHECK(plan.exit_code == 2);
  CHECK(plan.out.find("helm.release.ingress") != std::string::npos);
  CHECK(plan.out.find("capi.management.capi") != std::string::npos);
  CHECK(plan.out.find("update in place") != std::string::npos);
  CHECK(plan.out.find("forces replacement") == std::string::npos);
  CHECK(plan.out.find("kind.cluster.kind will be") == std::string::npos);

  apply = sb.Run({"apply", "--auto-approve"});
  INFO(Describe(apply));
  REQUIRE(apply.exit_code == 0);
  plan = sb.Run({"plan", "--detailed-exitcode"});
  INFO(Describe(plan));
  CHECK(plan.exit_code == 0);

  RunResult destroy = sb.Run({"destroy", "--auto-approve"});
  INFO(Describe(destroy));
  CHECK(destroy.exit_code == 0);
  CHECK(capstan::testing::RunShell(env + "kind get clusters").out == "No kind clusters found.\n");
}

}  // namespace capstan::clitest
