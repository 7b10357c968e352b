// capi.cluster end to end: the real `capstan` binary against the fake management cluster
// with the fake CAPI/CAPO controllers (tests/fakes/kube_apiserver/capi_controllers.py) and
// the workload cluster's own fake API server; effects checked with the real kubectl.
//
/// The scenario of issue 4: create -> ready (SCS wait protocol) -> a clean re-plan -> a
/// worker flavor change planned and applied as a rolling replacement (new content-hashed
/// template, old one deleted) -> a two-minor upgrade refused at plan time -> destroy, where
/// the workload cluster's LoadBalancer Service and PVC must be deleted before the Cluster
/// object (asserted from the two fakes' request logs). The application credential secret
/// must never appear in any output nor in the bytes of the state database.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/cli/harness.h"
#include "tests/fakes/kube_fake.h"

namespace capstan::clitest {
namespace {

using capstan::testing::KubectlPath;
using capstan::testing::KubeFake;
using capstan::testing::ShellQuote;

constexpr const char* kSecret = "APPCRED-SECRET-DO-NOT-LEAK";
constexpr const char* kSecretId = "appcred-id-DO-NOT-LEAK";

std::string Stack(const std::string& kubeconfig, const std::string& version,
                  const std::string& worker_flavor) {
  return "stack: capi-demo\nresources:\n  demo:\n    type: capi.cluster\n    properties:\n"
         "      kubeconfig: " +
         kubeconfig +
         "\n"
         "      name: demo\n"
         "      kubernetes_version: " +
         version +
         "\n"
         "      capo_api_version: v1alpha7\n"
         "      control_plane_flavor: SCS-2V-4-20s\n"
         "      worker_flavor: " +
         worker_flavor +
         "\n"
         "      control_plane_count: 3\n"
         "      worker_count: 2\n"
         "      external_network_id: ext01-id\n"
         "      auth_url: https://keystone.example.invalid/v3\n"
         "      application_credential_id: " +
         kSecretId +
         "\n"
         "      application_credential_secret: " +
         kSecret +
         "\n"
         "      ready_timeout: 120\n      delete_timeout: 60\n      workload_cleanup_timeout: 60\n"
         "outputs:\n  workload_kubeconfig:\n    value: ${demo.workload_kubeconfig}\n"
         "    sensitive: true\n";
}

/// Request log lines (JSON) of a fake.
std::vector<nlohmann::json> RequestLog(const std::string& path) {
  std::vector<nlohmann::json> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

/// Time of the first DELETE whose path ends in `suffix`, or -1.
double DeleteTime(const std::vector<nlohmann::json>& log, const std::string& suffix) {
  for (const auto& r : log) {
    std::string path = r.value("path", "");
    if (r.value("method", "") == "DELETE" && path.size() >= suffix.size() &&
        path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0) {
      return r.value("t", -1.0);
    }
  }
  return -1;
}

/// Every file under `dir` (the sandbox: stack, state database, WAL, logs) as bytes.
bool AnyFileContains(const std::string& dir, const std::string& needle) {
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    if (e.path().filename() == "stack.yaml") continue;  // the input itself
    if (s.str().find(needle) != std::string::npos) return true;
  }
  return false;
}

std::string Jsonpath(const KubeFake& fake, const std::string& what, const std::string& path) {
  return fake.Kubectl("-n demo get " + what + " -o " + ShellQuote("jsonpath=" + path)).out;
}

}  // namespace

TEST_CASE("capi.cluster: create, ready, rolling worker change, refused upgrade, ordered destroy",
          "[kube]") {
  if (KubectlPath().empty()) {
    WARN("no kubectl on this machine; skipped");
    return;
  }
  KubeFake fake({"--controllers", "capi_controllers"});
  REQUIRE(fake.ok());
  Sandbox sb;
  std::string outputs;
  auto run = [&](std::vector<std::string> args) {
    RunResult r = sb.Run(args);
    outputs += r.all();
    return r;
  };
  sb.Write("stack.yaml", Stack(fake.kubeconfig_path(), "v1.28.x", "SCS-2V-4"));

  // Create: apply returns once the SCS wait protocol is satisfied.
  RunResult apply = run({"apply", "--auto-approve"});
  INFO(Describe(apply) << fake.log());
  REQUIRE(apply.exit_code == 0);
  CHECK(Jsonpath(fake, "kubeadmcontrolplane demo-control-plane", "{.spec.version}") == "v1.28.11");
  CHECK(Jsonpath(fake, "kubeadmcontrolplane demo-control-plane", "{.status.readyReplicas}") == "3");
  CHECK(Jsonpath(fake, "machinedeployment demo-md-0", "{.status.readyReplicas}") == "2");
  CHECK(Jsonpath(fake, "cluster demo",
                 "{.status.conditions[?(@.type==\"ControlPlaneReady\")].status}") == "True");
  std::string old_template =
      Jsonpath(fake, "machinedeployment demo-md-0", "{.spec.template.spec.infrastructureRef.name}");
  CHECK(old_template.rfind("demo-md-0-", 0) == 0);
  CHECK(fake.Kubectl(
                "-n demo get openstackmachinetemplates.v1alpha7.infrastructure.cluster.x-k8s.io " +
                old_template)
            .exit_code == 0);

  // Nothing changed: a clean plan (controllers' status and defaults are not drift).
  RunResult clean = run({"plan", "--detailed-exitcode"});
  INFO(Describe(clean));
  CHECK(clean.exit_code == 0);

  // Things in the workload cluster that hold OpenStack resources.
  // Outside the sandbox: every *.yaml there is part of the stack.
  std::string wkc = fake.dir() + "/workload.kubeconfig";
  std::string wyaml = fake.dir() + "/workload-objects.yaml";
  capstan::testing::RunShell(KubectlPath() + " --kubeconfig " + ShellQuote(fake.kubeconfig_path()) +
                             " --cache-dir " + ShellQuote(fake.dir() + "/kc1") +
                             " -n demo get secret demo-kubeconfig -o jsonpath={.data.value} | "
                             "base64 -d > " +
                             ShellQuote(wkc));
  WriteFile(wyaml,
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: web}\n---\n"
            "apiVersion: v1\nkind: Service\nmetadata: {name: ingress, namespace: web}\n"
            "spec: {type: LoadBalancer, ports: [{port: 80}]}\n---\n"
            "apiVersion: v1\nkind: Service\nmetadata: {name: internal, namespace: web}\n"
            "spec: {ports: [{port: 80}]}\n---\n"
            "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data, namespace: web}\n"
            "spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n");
  auto workload = capstan::testing::RunShell(KubectlPath() + " --kubeconfig " + ShellQuote(wkc) +
                                             " --cache-dir " + ShellQuote(fake.dir() + "/kc2") +
                                             " apply --server-side -f " + ShellQuote(wyaml));
  INFO(workload.out);
  REQUIRE(workload.exit_code == 0);

  // A worker flavor change: planned as a rolling replacement of the 2 workers.
  sb.Write("stack.yaml", Stack(fake.kubeconfig_path(), "v1.28.x", "SCS-4V-8-50"));
  RunResult plan = run({"plan", "--detailed-exitcode"});
  INFO(Describe(plan));
  CHECK(plan.exit_code == 2);
  CHECK(plan.out.find("capi.cluster.demo") != std::string::npos);
  CHECK(plan.out.find("rolling replacement of 2 worker machines") != std::string::npos);
  RunResult update = run({"apply", "--auto-approve"});
  INFO(Describe(update) << fake.log());
  REQUIRE(update.exit_code == 0);
  std::string new_template =
      Jsonpath(fake, "machinedeployment demo-md-0", "{.spec.template.spec.infrastructureRef.name}");
  CHECK(new_template != old_template);
  CHECK(
      Jsonpath(fake,
               "openstackmachinetemplates.v1alpha7.infrastructure.cluster.x-k8s.io " + new_template,
               "{.spec.template.spec.flavor}") == "SCS-4V-8-50");
  CHECK(fake.Kubectl(
                "-n demo get openstackmachinetemplates.v1alpha7.infrastructure.cluster.x-k8s.io " +
                old_template)
            .exit_code != 0);  // deleted after the rollout
  std::string controller_log;
  {
    std::ifstream in(fake.dir() + "/capi-controllers.jsonl");
    std::stringstream s;
    s << in.rdbuf();
    controller_log = s.str();
  }
  CHECK(controller_log.find("\"rollout\", \"kind\": \"MachineDeployment\"") != std::string::npos);
  CHECK(controller_log.find("\"rollout\", \"kind\": \"KubeadmControlPlane\"") == std::string::npos);
  CHECK(run({"plan", "--detailed-exitcode"}).exit_code == 0);

  // Two minor versions at once: refused at plan time, naming file, address and versions.
  sb.Write("stack.yaml", Stack(fake.kubeconfig_path(), "v1.30.x", "SCS-4V-8-50"));
  RunResult jump = run({"plan"});
  INFO(Describe(jump));
  CHECK(jump.exit_code == 1);
  CHECK(jump.all().find("stack.yaml") != std::string::npos);
  CHECK(jump.all().find("capi.cluster.demo") != std::string::npos);
  CHECK(jump.all().find("v1.28.11 -> v1.30.13") != std::string::npos);

  // Destroy: workload LoadBalancer Service and PVC first, then only the Cluster object.
  sb.Write("stack.yaml", Stack(fake.kubeconfig_path(), "v1.28.x", "SCS-4V-8-50"));
  RunResult destroy = run({"destroy", "--auto-approve"});
  INFO(Describe(destroy) << fake.log());
  REQUIRE(destroy.exit_code == 0);
  CHECK(fake.Kubectl("-n demo get cluster demo").exit_code != 0);
  auto mgmt_log = RequestLog(fake.dir() + "/requests.jsonl");
  auto wl_log = RequestLog(fake.dir() + "/workload-demo-demo/requests.jsonl");
  double lb = DeleteTime(wl_log, "/namespaces/web/services/ingress");
  double pvc = DeleteTime(wl_log, "/namespaces/web/persistentvolumeclaims/data");
  double cluster = DeleteTime(mgmt_log, "/namespaces/demo/clusters/demo");
  CHECK(lb > 0);
  CHECK(pvc > 0);
  CHECK(cluster > 0);
  CHECK(lb < cluster);
  CHECK(pvc < cluster);
  CHECK(DeleteTime(wl_log, "/namespaces/web/services/internal") < 0);  // not a LoadBalancer
  // Only the Cluster is deleted by capstan before CAPI's cascade: no KCP/MD deletes first.
  double kcp = DeleteTime(mgmt_log, "/kubeadmcontrolplanes/demo-control-plane");
  CHECK((kcp < 0 || kcp > cluster));

  // The application credential never shows, and is encrypted in the state database.
  CHECK(outputs.find(kSecret) == std::string::npos);
  CHECK(outputs.find(kSecretId) == std::string::npos);
  CHECK_FALSE(AnyFileContains(sb.Path(""), kSecret));
  CHECK_FALSE(AnyFileContains(sb.Path(""), kSecretId));
}

}  // namespace capstan::clitest
