// k8s.manifest end to end: the real `capstan` binary against the fake kube-apiserver,
// every effect checked with the REAL kubectl (label `kube`).
//
/// The scenario of issue 4: apply a Namespace + ConfigMap + Deployment; a re-plan is
/// clean although the "controllers" added status and defaults; removing the ConfigMap and
/// changing a label is an update that deletes the ConfigMap; an out-of-band `kubectl label`
/// of a managed field is drift (exit 2), and re-applying over it is a field-manager
/// conflict naming kubectl; destroy removes everything.
#include <catch2/catch.hpp>

#include "tests/cli/harness.h"
#include "tests/fakes/kube_fake.h"

namespace capstan::clitest {
namespace {

using capstan::testing::CommandResult;
using capstan::testing::KubectlPath;
using capstan::testing::KubeFake;

std::string Stack(const std::string& kubeconfig, bool with_configmap, const std::string& tier) {
  std::string objs = R"(        apiVersion: v1
        kind: Namespace
        metadata:
          name: demo
)";
  if (with_configmap) {
    objs += R"(        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: cfg
          namespace: demo
        data:
          greeting: hello
)";
  }
  objs += R"(        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: demo
          labels:
            app: web
            tier: )" +
          tier + R"(
        spec:
          replicas: 2
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: web
                image: nginx:1.27
)";
  return "stack: kube-demo\nproviders:\n  kubernetes:\n    kubeconfig: " + kubeconfig +
         "\nresources:\n  app:\n    type: k8s.manifest\n    provider: kubernetes\n"
         "    properties:\n      wait_for: {Deployment: Available}\n      wait_timeout: 60\n"
         "      content: |\n" +
         objs;
}

}  // namespace

TEST_CASE("k8s.manifest: apply, update removes objects, drift, conflict, destroy", "[kube]") {
  if (KubectlPath().empty()) {
    WARN("no kubectl on this machine; skipped");
    return;
  }
  KubeFake fake;
  REQUIRE(fake.ok());
  Sandbox sb;
  sb.Write("stack.yaml", Stack(fake.kubeconfig_path(), true, "front"));

  RunResult apply = sb.Run({"apply", "--auto-approve"});
  INFO(Describe(apply) << fake.log());
  REQUIRE(apply.exit_code == 0);
  CHECK(fake.Kubectl("get namespace demo").exit_code == 0);
  CHECK(fake.Kubectl("-n demo get configmap cfg -o jsonpath={.data.greeting}").out == "hello");
  CHECK(fake.Kubectl("-n demo get deployment web -o jsonpath={.metadata.labels.tier}").out ==
        "front");
  // wait_for: the Deployment was Available before apply returned.
  CHECK(fake.Kubectl("-n demo get deployment web -o " +
                     capstan::testing::ShellQuote(
                         "jsonpath={.status.conditions[?(@.type==\"Available\")].status}"))
            .out == "True");

  // Status, defaults and controller fields are not drift.
  RunResult clean = sb.Run({"plan", "--detailed-exitcode"});
  INFO(Describe(clean));
  CHECK(clean.exit_code == 0);
  RunResult no_drift = sb.Run({"drift"});
  INFO(Describe(no_drift));
  CHECK(no_drift.exit_code == 0);

  // Remove the ConfigMap and change a label: an update that deletes what left the set.
  sb.Write("stack.yaml", Stack(fake.kubeconfig_path(), false, "back"));
  RunResult plan = sb.Run({"plan", "--detailed-exitcode"});
  INFO(Describe(plan));
  CHECK(plan.exit_code == 2);
  CHECK(plan.out.find("k8s.manifest.app") != std::string::npos);
  CHECK(plan.out.find("1 to change") != std::string::npos);
  RunResult update = sb.Run({"apply", "--auto-approve"});
  INFO(Describe(update));
  REQUIRE(update.exit_code == 0);
  CommandResult cm = fake.Kubectl("-n demo get configmap cfg");
  CHECK(cm.exit_code != 0);
  CHECK(cm.out.find("NotFound") != std::string::npos);
  CHECK(fake.Kubectl("-n demo get deployment web -o jsonpath={.metadata.labels.tier}").out ==
        "back");
  CHECK(sb.Run({"drift"}).exit_code == 0);

  // Out of band: kubectl relabels a field capstan manages.
  CHECK(fake.Kubectl("-n demo label deployment web tier=hacked --overwrite").exit_code == 0);
  RunResult drift = sb.Run({"drift"});
  INFO(Describe(drift));
  CHECK(drift.exit_code == 2);
  CHECK(drift.out.find("k8s.manifest.app") != std::string::npos);
  // kubectl now owns the field: server-side apply without force reports the conflict.
  RunResult conflict = sb.Run({"apply", "--auto-approve"});
  INFO(Describe(conflict));
  CHECK(conflict.exit_code == 1);
  CHECK(conflict.all().find("conflict with \"kubectl-label\"") != std::string::npos);
  CHECK(conflict.all().find(".metadata.labels.tier") != std::string::npos);

  RunResult destroy = sb.Run({"destroy", "--auto-approve"});
  INFO(Describe(destroy) << fake.log());
  CHECK(destroy.exit_code == 0);
  CommandResult ns = fake.Kubectl("get namespace demo");
  CHECK(ns.exit_code != 0);
  CHECK(ns.out.find("NotFound") != std::string::npos);
  CHECK(fake.Kubectl("-n demo get deployment web").exit_code != 0);
}

TEST_CASE("k8s.manifest: a kubeconfig that cannot be loaded is a clear error", "[kube]") {
  Sandbox sb;
  sb.Write("stack.yaml", Stack(sb.Path("missing-kubeconfig"), true, "front"));
  RunResult r = sb.Run({"apply", "--auto-approve"});
  INFO(Describe(r));
  CHECK(r.exit_code == 1);
  CHECK(r.all().find("cannot read kubeconfig") != std::string::npos);
  CHECK(r.all().find("k8s.manifest.app") != std::string::npos);
}

}  // namespace capstan::clitest
