// k8s.addon end to end: the real `capstan` binary against the fake kube-apiserver with the
// addon kinds, every effect checked with the REAL kubectl (label `kube`).
//
/// A workload cluster's addons as SCS create_cluster.sh installed them — OCCM, Cinder CSI,
/// calico, metrics-server — from the test mirror (tests/providers/kubernetes/addon_data).
/// Then what the scripts could not do: a clean re-plan, calico -> cilium as an announced
/// replacement, drift repaired, metrics-server removed from the stack and its objects
/// deleted (SCS #137), and destroy removing everything.
#include <catch2/catch.hpp>

#include "tests/cli/harness.h"
#include "tests/fakes/kube_fake.h"

namespace capstan::clitest {
namespace {

using capstan::testing::CommandResult;
using capstan::testing::KubectlPath;
using capstan::testing::KubeFake;
using capstan::testing::ShellQuote;

const std::string kMirror =
    std::string(CAPSTAN_SOURCE_DIR) + "/tests/providers/kubernetes/addon_data";

std::string Resource(const std::string& name, const std::string& props) {
  return "  " + name + ":\n    type: k8s.addon\n    provider: kubernetes\n    properties:\n" +
         "      source: " + kMirror + "\n      wait_timeout: 30\n" + props;
}

std::string Stack(const std::string& kubeconfig, const std::string& cni, bool metrics) {
  std::string s = "stack: addons-demo\nproviders:\n  kubernetes:\n    kubeconfig: " + kubeconfig +
                  "\nresources:\n";
  s += Resource("occm",
                "      addon: occm\n      kubernetes_version: v1.28.x\n"
                "      cluster_name: demo\n"
                "      cloud_conf: \"[Global]\\nauth-url=https://keystone.example/v3\\n\"\n");
  s += Resource("csi",
                "      addon: cinder-csi\n      kubernetes_version: v1.28.x\n"
                "      cluster_name: demo\n");
  std::string settings = cni == "calico" ? "      settings: {veth_mtu: 1400}\n" : "";
  s += Resource("cni",
                "      addon: " + cni + "\n      kubeconfig: " + kubeconfig + "\n" + settings);
  if (metrics) s += Resource("metrics", "      addon: metrics-server\n");
  return s;
}

std::string Get(const KubeFake& fake, const std::string& what, const std::string& jsonpath) {
  CommandResult r =
      fake.Kubectl("-n kube-system get " + what + " -o " + ShellQuote("jsonpath=" + jsonpath));
  return r.exit_code == 0 ? r.out : "<" + r.out + ">";
}

bool Exists(const KubeFake& fake, const std::string& what) {
  return fake.Kubectl("-n kube-system get " + what).exit_code == 0;
}

}  // namespace

TEST_CASE(
    "k8s.addon: occm, cinder-csi, calico, metrics-server, then CNI switch, removal and destroy",
    "[kube]") {
  if (KubectlPath().empty()) {
    WARN("no kubectl on this machine; skipped");
    return;
  }
  KubeFake fake({"--controllers", "addon_kinds"});
  REQUIRE(fake.ok());
  Sandbox sb;
  sb.SetEnv("CAPSTAN_ADDON_CACHE", sb.Path("addon-cache"));
  sb.Write("stack.yaml", Stack(fake.kubeconfig_path(), "calico", true));

  RunResult apply = sb.Run({"apply", "--auto-approve"});
  INFO(Describe(apply) << fake.log());
  REQUIRE(apply.exit_code == 0);
  // The patches, as the cluster stores them.
  CHECK(Get(fake, "daemonset openstack-cloud-controller-manager",
            "{.spec.template.spec.containers[0].image}") ==
        "registry.k8s.io/provider-os/openstack-cloud-controller-manager:v1.28.2");
  CHECK_THAT(Get(fake, "daemonset openstack-cloud-controller-manager",
                 "{.spec.template.spec.containers[0].args}"),
             Catch::Contains("--cluster-name=demo"));
  CHECK(Exists(fake, "secret cloud-config"));
  CHECK(Get(fake, "deployment csi-cinder-controllerplugin",
            "{.spec.template.spec.containers[1].env[2].value}") == "demo");
  CHECK(fake.Kubectl("get storageclass cinder-default").exit_code == 0);
  CHECK(fake.Kubectl("get csidriver cinder.csi.openstack.org").exit_code == 0);
  CHECK(Get(fake, "configmap calico-config", "{.data.veth_mtu}") == "1400");
  CHECK(fake.Kubectl("get crd ippools.crd.projectcalico.org").exit_code == 0);
  CHECK_THAT(Get(fake, "deployment metrics-server", "{.spec.template.spec.containers[0].args}"),
             Catch::Contains("--kubelet-insecure-tls"));
  CHECK(fake.Kubectl("get apiservice v1beta1.metrics.k8s.io").exit_code == 0);
  // The hashes are pinned in state and shown by the next plans.
  RunResult show = sb.Run({"state", "show", "k8s.addon.cni"});
  INFO(Describe(show));
  CHECK_THAT(show.out, Catch::Contains("projectcalico/calico/v3.27.3/manifests/calico.yaml"));

  RunResult clean = sb.Run({"plan", "--detailed-exitcode"});
  INFO(Describe(clean));
  CHECK(clean.exit_code == 0);

  // calico -> cilium: a replacement the plan announces as disruptive.
  sb.Write("stack.yaml", Stack(fake.kubeconfig_path(), "cilium", true));
  RunResult plan = sb.Run({"plan", "--detailed-exitcode"});
  INFO(Describe(plan));
  CHECK(plan.exit_code == 2);
  CHECK_THAT(plan.out, Catch::Contains("k8s.addon.cni must be replaced"));
  CHECK_THAT(plan.out, Catch::Contains("switching CNI from calico to cilium is disruptive: pods "
                                       "lose networking until nodes are restarted"));
  RunResult swap = sb.Run({"apply", "--auto-approve"});
  INFO(Describe(swap) << fake.log());
  REQUIRE(swap.exit_code == 0);
  CHECK_FALSE(Exists(fake, "daemonset calico-node"));
  CHECK_FALSE(Exists(fake, "configmap calico-config"));
  CHECK(fake.Kubectl("get crd ippools.crd.projectcalico.org").exit_code != 0);
  CHECK(Exists(fake, "daemonset cilium"));
  CHECK(Get(fake, "configmap cilium-config", "{.data.cni-chaining-mode}") == "portmap");

  // Out of band: an object of the addon is deleted; drift, then apply repairs it.
  CHECK(fake.Kubectl("-n kube-system delete deployment cilium-operator").exit_code == 0);
  RunResult drift = sb.Run({"drift"});
  INFO(Describe(drift));
  CHECK(drift.exit_code == 2);
  CHECK_THAT(drift.out, Catch::Contains("k8s.addon.cni"));
  RunResult repair = sb.Run({"apply", "--auto-approve"});
  INFO(Describe(repair));
  REQUIRE(repair.exit_code == 0);
  CHECK(Exists(fake, "deployment cilium-operator"));
  CHECK(sb.Run({"plan", "--detailed-exitcode"}).exit_code == 0);

  // metrics-server leaves the stack: its objects are deleted (SCS never did, #137).
  sb.Write("stack.yaml", Stack(fake.kubeconfig_path(), "cilium", false));
  RunResult remove = sb.Run({"apply", "--auto-approve"});
  INFO(Describe(remove));
  REQUIRE(remove.exit_code == 0);
  CHECK_FALSE(Exists(fake, "deployment metrics-server"));
  CHECK_FALSE(Exists(fake, "serviceaccount metrics-server"));
  CHECK(fake.Kubectl("get apiservice v1beta1.metrics.k8s.io").exit_code != 0);
  CHECK(fake.Kubectl("get clusterrole system:metrics-server").exit_code != 0);
  CHECK(Exists(fake, "daemonset openstack-cloud-controller-manager"));

  RunResult destroy = sb.Run({"destroy", "--auto-approve"});
  INFO(Describe(destroy) << fake.log());
  CHECK(destroy.exit_code == 0);
  CommandResult left = fake.Kubectl(
      "-n kube-system get daemonsets,deployments,services,serviceaccounts,configmaps,secrets");
  CHECK_THAT(left.out, Catch::Contains("No resources found"));
  CHECK_THAT(fake.Kubectl("get storageclasses,csidrivers,clusterroles,clusterrolebindings").out,
             Catch::Contains("No resources found"));
}

TEST_CASE("k8s.addon: a missing file in the mirror fails the apply naming the path", "[kube]") {
  Sandbox sb;
  sb.Write("stack.yaml", "stack: addons-bad\nresources:\n" +
                             Resource("cni",
                                      "      addon: calico\n      version: v3.99.0\n"
                                      "      kubeconfig: " +
                                          sb.Path("no-kubeconfig") + "\n"));
  RunResult r = sb.Run({"apply", "--auto-approve"});
  INFO(Describe(r));
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.all(), Catch::Contains("projectcalico/calico/v3.99.0/manifests/calico.yaml"));
  CHECK_THAT(r.all(), Catch::Contains("k8s.addon.cni"));
}

}  // namespace capstan::clitest
