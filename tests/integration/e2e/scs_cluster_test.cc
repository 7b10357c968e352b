// examples/scs-cluster end to end (issue 4's last scenario): the real `capstan` binary, the
// OpenStack half against the real test bed, the Kubernetes half on fakes.
//
/// apply -> every OpenStack object there (counted by ownership marks with the openstack
/// CLI) and every Kubernetes object there, addons included (the real kubectl against the
/// fakes) -> a plan with no changes -> a worker flavor change planned as a rolling
/// replacement and applied -> metrics-server turned off and its objects deleted ->
/// destroy in the right order: the addons before the cluster, the workload's LoadBalancer
/// Service and PVC before the Cluster object, the Cluster gone before Cluster API and kind
/// are torn down, kind before the OpenStack server, the cluster's application credential
/// revoked, nothing left.
///
/// The management node is a real sshd on 127.0.0.1 (tests/providers/host/sshd_fixture.h)
/// since the test bed's Nova servers have no VM behind them; kind and clusterctl on it are
/// the stubs of tests/fakes/bin/, and kind's API server is the fake kube-apiserver with
/// the fake CAPI/CAPO controllers (tests/fakes/kube_apiserver/capi_controllers.py).
#include <catch2/catch.hpp>
#include <functional>

#include "tests/integration/e2e/scs_support.h"
#include "tests/integration/openstack/scenario.h"
#include "tests/providers/host/sshd_fixture.h"

namespace capstan::e2e {
namespace {

using clitest::Describe;
using clitest::RunResult;
using clitest::Sandbox;

constexpr const char* kCluster = "testcluster";  // the example's default cluster_name

/// What the example owns in OpenStack once applied: the management node's objects, the
/// cluster's application credential and its two server groups.
std::map<std::string, int> Expected() {
  auto e = scenario::MgmtExpected();
  e["application_credential"] = 2;
  e["server_group"] = 2;
  return e;
}

std::map<std::string, int> Zero() {
  auto z = Expected();
  for (auto& [k, v] : z) v = 0;
  return z;
}

/// Owned objects, plus Nova server groups (no marks: counted by the example's names).
std::map<std::string, int> Count(const std::string& stack, const std::string& prefix) {
  auto n = scenario::CountOwned(stack, prefix);
  Value groups = testbed::OpenStackJson("server group list");
  int found = 0;
  if (groups.is_array()) {
    for (const Value& g : groups) {
      if (scenario::Text(g, "Name").rfind(prefix + "-" + kCluster + "-", 0) == 0) ++found;
    }
  }
  n["server_group"] = groups.is_array() ? found : -1;
  return n;
}

/// The id of the server group `name`, from the openstack CLI.
std::string ServerGroupId(const std::string& name) {
  Value groups = testbed::OpenStackJson("server group list");
  if (!groups.is_array()) return "";
  for (const Value& g : groups) {
    if (scenario::Text(g, "Name") == name) return scenario::Text(g, "ID");
  }
  return "";
}

std::string Jsonpath(const std::string& kubeconfig, const std::string& what,
                     const std::string& path) {
  return Kubectl(kubeconfig, "-n " + std::string(kCluster) + " get " + what + " -o " +
                                 ShellQuote("jsonpath=" + path))
      .out;
}

constexpr const char* kOsmt = "openstackmachinetemplates.v1alpha7.infrastructure.cluster.x-k8s.io";

}  // namespace

TEST_CASE(
    "scs-cluster example: OpenStack half on the test bed, kind, Cluster API and a "
    "workload cluster on fakes, from apply to an ordered destroy",
    "[openstack][scenario][e2e]") {
  if (!testbed::Available()) FAIL(testbed::kNotUp);
  if (KubectlPath().empty() || !capstan::testing::HaveSshd()) {
    WARN("needs kubectl and /usr/sbin/sshd (openssh-server); skipped");
    return;
  }
  scenario::EnsureImage();
  capstan::testing::SshdFixture sshd;
  REQUIRE(sshd.ok());
  StubTools tools;
  Sandbox box;
  std::string stack = testbed::UniqueStack("scs");
  std::string prefix = "e2e" + std::to_string(getpid());
  scenario::PrepareExampleStack(box, "scs-cluster", stack);
  // The ssh key goes by environment, never on a command line.
  box.SetEnv("CAPSTAN_VAR_mgmt_private_key", sshd.client_key());
  box.SetEnv("CAPSTAN_ADDON_CACHE", tools.dir / "addon-cache");
  int kind_port = host::FreeLocalPort();
  std::vector<std::string> vars = {
      "--var",
      "prefix=" + prefix,
      "--var",
      "external_network=public",
      "--var",
      "flavor=SCS-2V-4-20s",
      "--var",
      "auth_url=" + testbed::Cloud().auth_url,
      "--var",
      "region=RegionOne",
      "--var",
      "mgmt_host_address=127.0.0.1",
      "--var",
      "mgmt_host_port=" + std::to_string(sshd.port()),
      "--var",
      "mgmt_host_user=" + sshd.user(),
      "--var",
      "mgmt_host_env=" + tools.env().dump(),
      "--var",
      "kind_local_port=" + std::to_string(kind_port),
      "--var",
      "ready_timeout=120",
      "--var",
      "addon_source=" + std::string(CAPSTAN_SOURCE_DIR) + "/tests/providers/kubernetes/addon_data"};
  auto args = [&](std::vector<std::string> head, std::vector<std::string> extra = {}) {
    head.insert(head.end(), vars.begin(), vars.end());
    head.insert(head.end(), extra.begin(), extra.end());
    return head;
  };
  std::string outputs;  // everything capstan printed, searched for secrets at the end
  auto run = [&](const std::vector<std::string>& a) {
    RunResult r = box.Run(a);
    outputs += r.all();
    return r;
  };
  // Whatever happens, leave nothing in the test bed and no fake API server running.
  bool destroyed = false;
  struct Cleanup {
    std::function<void()> f;
    ~Cleanup() {
      try {
        f();
      } catch (...) {  // may run while an exception unwinds: never throw from here
      }
    }
  } cleanup{[&] {
    if (!destroyed) box.Run(args({"destroy", "--auto-approve"}));
    RunShell(tools.Env() + "kind delete cluster --name kind");
  }};

  // 1. Apply: the OpenStack half, the node over ssh, kind, Cluster API, the cluster.
  RunResult apply = run(args({"apply", "--auto-approve"}));
  INFO(Describe(apply));
  REQUIRE(apply.exit_code == 0);
  auto applied = Count(stack, prefix);
  INFO("owned objects after apply: " << scenario::Describe(applied));
  CHECK(applied == Expected());

  std::string kc = tools.KindKubeconfig();
  // Cluster API installed by clusterctl, as Deployments labelled with their provider.
  CHECK(Jsonpath(kc, "deployment -A -l cluster.x-k8s.io/provider=infrastructure-openstack",
                 "{.items[0].spec.template.spec.containers[0].image}")
            .find(":v0.9.0") != std::string::npos);
  // The cluster: ready, its workers in the worker server group, its cloud credential the
  // cluster's own restricted application credential.
  CHECK(Jsonpath(kc, "cluster " + std::string(kCluster),
                 "{.status.conditions[?(@.type==\"ControlPlaneReady\")].status}") == "True");
  CHECK(Jsonpath(kc, "machinedeployment testcluster-md-0", "{.status.readyReplicas}") == "3");
  std::string old_template = Jsonpath(kc, "machinedeployment testcluster-md-0",
                                      "{.spec.template.spec.infrastructureRef.name}");
  REQUIRE(old_template.rfind("testcluster-md-0-", 0) == 0);
  std::string worker_group = ServerGroupId(prefix + "-testcluster-worker");
  CHECK_FALSE(worker_group.empty());
  CHECK(Jsonpath(kc, std::string(kOsmt) + " " + old_template,
                 "{.spec.template.spec.serverGroupID}") == worker_group);
  RunResult cred_id = run({"output", "cluster_appcred_id", "--json"});
  REQUIRE(cred_id.exit_code == 0);
  std::string cred = Value::parse(cred_id.out).get<std::string>();
  Value shown_cred = testbed::OpenStackJson("application credential show " + cred);
  REQUIRE(shown_cred.is_object());
  INFO("application credential " << cred << ": " << shown_cred.dump());
  // Restricted: Keystone shows false, or null when the create did not send the field
  // (its default, which is restricted); only true could create further credentials.
  CHECK(shown_cred.value("unrestricted", Value()) != true);
  std::string clouds = RunShell(KubectlPath() + " --kubeconfig " + ShellQuote(kc) +
                                " -n testcluster get secret testcluster-cloud-config -o " +
                                ShellQuote("jsonpath={.data.clouds\\.yaml}") + " | base64 -d")
                           .out;
  CHECK(clouds.find(cred) != std::string::npos);

  // The addons in the workload cluster: calico, OCCM with the cluster's credential in its
  // cloud.conf, Cinder CSI's StorageClass, metrics-server.
  std::string wkc = tools.dir / "workload.kubeconfig";
  RunShell(KubectlPath() + " --kubeconfig " + ShellQuote(kc) +
           " -n testcluster get secret testcluster-kubeconfig -o jsonpath={.data.value} | "
           "base64 -d > " +
           ShellQuote(wkc));
  auto in_kube_system = [&](const std::string& what, const std::string& path) {
    auto r = Kubectl(wkc, "-n kube-system get " + what + " -o " + ShellQuote("jsonpath=" + path));
    return r.exit_code == 0 ? r.out : "<" + r.out + ">";
  };
  CHECK(in_kube_system("daemonset calico-node", "{.metadata.name}") == "calico-node");
  CHECK(in_kube_system("daemonset openstack-cloud-controller-manager",
                       "{.spec.template.spec.containers[0].image}") ==
        "registry.k8s.io/provider-os/openstack-cloud-controller-manager:v1.28.2");
  std::string cloud_conf =
      RunShell(KubectlPath() + " --kubeconfig " + ShellQuote(wkc) + " --cache-dir " +
               ShellQuote(wkc + ".cache") + " -n kube-system get secret cloud-config -o " +
               ShellQuote("jsonpath={.data.cloud\\.conf}") + " | base64 -d")
          .out;
  CHECK(cloud_conf.find("application-credential-id=" + cred) != std::string::npos);
  CHECK(Kubectl(wkc, "get storageclass cinder-default").exit_code == 0);
  CHECK(in_kube_system("deployment metrics-server", "{.metadata.name}") == "metrics-server");

  // Things in the workload cluster that hold OpenStack resources (OCCM, Cinder CSI).
  std::string wyaml = tools.dir / "workload-objects.yaml";
  clitest::WriteFile(
      wyaml,
      "apiVersion: v1\nkind: Namespace\nmetadata: {name: web}\n---\n"
      "apiVersion: v1\nkind: Service\nmetadata: {name: ingress, namespace: web}\n"
      "spec: {type: LoadBalancer, ports: [{port: 80}]}\n---\n"
      "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data, namespace: web}\n"
      "spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n");
  auto workload = Kubectl(wkc, "apply --server-side -f " + ShellQuote(wyaml));
  INFO(workload.out);
  REQUIRE(workload.exit_code == 0);

  // 2. Nothing changed: no changes anywhere (ssh forward, controllers' status and all).
  RunResult clean = run(args({"plan", "--detailed-exitcode"}));
  INFO(Describe(clean));
  CHECK(clean.exit_code == 0);

  // 3. A new worker flavor: a rolling replacement of the 3 workers, nothing else.
  auto flavor = std::vector<std::string>{"--var", "worker_flavor=SCS-4V-8-50"};
  RunResult plan = run(args({"plan", "--detailed-exitcode"}, flavor));
  INFO(Describe(plan));
  CHECK(plan.exit_code == 2);
  CHECK(plan.out.find("capi.cluster.cluster will be updated in place") != std::string::npos);
  CHECK(plan.out.find("rolling replacement of 3 worker machines") != std::string::npos);
  CHECK(clitest::Count(plan.out, " will be ") == 1);
  RunResult update = run(args({"apply", "--auto-approve"}, flavor));
  INFO(Describe(update));
  REQUIRE(update.exit_code == 0);
  std::string new_template = Jsonpath(kc, "machinedeployment testcluster-md-0",
                                      "{.spec.template.spec.infrastructureRef.name}");
  CHECK(new_template != old_template);
  CHECK(Jsonpath(kc, std::string(kOsmt) + " " + new_template, "{.spec.template.spec.flavor}") ==
        "SCS-4V-8-50");
  CHECK(clitest::ReadFile(tools.kind_logs() + "/capi-controllers.jsonl")
            .find("\"rollout\", \"kind\": \"MachineDeployment\"") != std::string::npos);
  RunResult after = run(args({"plan", "--detailed-exitcode"}, flavor));
  INFO(Describe(after));
  CHECK(after.exit_code == 0);

  // 4. metrics-server turned off: its objects are deleted, nothing else changes.
  flavor.insert(flavor.end(), {"--var", "deploy_metrics=false"});
  RunResult removal = run(args({"plan", "--detailed-exitcode"}, flavor));
  INFO(Describe(removal));
  CHECK(removal.exit_code == 2);
  CHECK(removal.out.find("k8s.addon.metrics_server[0] will be destroyed") != std::string::npos);
  CHECK(clitest::Count(removal.out, " will be ") == 1);
  RunResult removed = run(args({"apply", "--auto-approve"}, flavor));
  INFO(Describe(removed));
  REQUIRE(removed.exit_code == 0);
  CHECK(Kubectl(wkc, "-n kube-system get deployment metrics-server").exit_code != 0);
  CHECK(Kubectl(wkc, "get apiservice v1beta1.metrics.k8s.io").exit_code != 0);
  CHECK(Kubectl(wkc, "-n kube-system get daemonset calico-node").exit_code == 0);
  CHECK(run(args({"plan", "--detailed-exitcode"}, flavor)).exit_code == 0);

  // 5. Destroy, in order.
  RunResult destroy = run(args({"destroy", "--auto-approve", "--json"}, flavor));
  INFO(Describe(destroy));
  REQUIRE(destroy.exit_code == 0);
  destroyed = true;
  auto events = JsonLines(destroy.out);
  auto done = [&](const std::string& addr) {
    return EventIndex(events, "apply_complete", addr, "delete");
  };
  auto begun = [&](const std::string& addr) {
    return EventIndex(events, "apply_start", addr, "delete");
  };
  int cluster_done = done("capi.cluster.cluster");
  REQUIRE(cluster_done > 0);
  for (const char* addon : {"k8s.addon.cni", "k8s.addon.occm", "k8s.addon.cinder_csi"}) {
    CHECK(done(addon) > 0);
    CHECK(done(addon) < begun("capi.cluster.cluster"));
  }
  CHECK(done("k8s.addon.cinder_csi") < begun("k8s.addon.occm"));
  CHECK(cluster_done < begun("capi.management.capi"));
  CHECK(cluster_done < begun("kind.cluster.kind"));
  CHECK(cluster_done < begun("openstack.application_credential.cluster_cred"));
  CHECK(cluster_done < begun("openstack.server_group.srvgrp_worker"));
  CHECK(done("capi.management.capi") < begun("kind.cluster.kind"));
  CHECK(done("kind.cluster.kind") > 0);
  CHECK(done("kind.cluster.kind") < begun("openstack.server.server"));
  CHECK(done("openstack.application_credential.cluster_cred") > 0);
  // Inside Kubernetes, from the fakes' own request logs: the workload's LoadBalancer
  // Service and PVC deleted before the Cluster; the Cluster seen gone (404) before
  // clusterctl removed Cluster API.
  auto mgmt_log = LogFile(tools.kind_logs() + "/requests.jsonl");
  auto wl_log = LogFile(tools.kind_logs() + "/workload-testcluster-testcluster/requests.jsonl");
  double lb = RequestTime(wl_log, "DELETE", "/namespaces/web/services/ingress");
  double pvc = RequestTime(wl_log, "DELETE", "/namespaces/web/persistentvolumeclaims/data");
  double cluster_delete =
      RequestTime(mgmt_log, "DELETE", "/namespaces/testcluster/clusters/testcluster");
  double cluster_gone =
      RequestTime(mgmt_log, "GET", "/namespaces/testcluster/clusters/testcluster", 404);
  double capi_delete = RequestTime(mgmt_log, "DELETE", "/deployments/capi-controller-manager");
  CHECK(lb > 0);
  CHECK(pvc > 0);
  CHECK(cluster_delete > 0);
  CHECK(lb < cluster_delete);
  CHECK(pvc < cluster_delete);
  CHECK(cluster_gone > cluster_delete);
  CHECK(capi_delete > cluster_gone);
  // Nothing left: in OpenStack, in kind, in state; the credential is revoked.
  auto left = Count(stack, prefix);
  INFO("owned objects after destroy: " << scenario::Describe(left));
  CHECK(left == Zero());
  CHECK_FALSE(testbed::OpenStackJson("application credential show " + cred).is_object());
  CHECK(RunShell(tools.Env() + "kind get clusters").out == "No kind clusters found.\n");
  RunResult list = run({"state", "list"});
  CHECK(list.exit_code == 0);
  CHECK(list.out.empty());
  // The ssh key of the node never shows.
  std::string key_body = sshd.client_key().substr(40, 40);
  CHECK(outputs.find(key_body) == std::string::npos);
}

}  // namespace capstan::e2e
