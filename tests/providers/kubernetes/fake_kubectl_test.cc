// The fake kube-apiserver checked with the REAL kubectl (label `kube`).
//
/// Every Kubernetes test trusts the fake; this file is why that trust is earned: kubectl
/// server-side-applies a manifest (core kinds and the CAPI/CAPO kinds the engine uses),
/// reads it back, selects it by label, sees a field-manager conflict, and deletes it.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/fakes/kube_fake.h"

namespace capstan::testing {
namespace {

constexpr const char* kManifest = R"(apiVersion: v1
kind: Namespace
metadata:
  name: demo
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
  namespace: demo
  labels: {app: demo}
data:
  key: value
---
apiVersion: cluster.x-k8s.io/v1beta1
kind: Cluster
metadata:
  name: c1
  namespace: demo
  labels: {app: demo}
spec:
  infrastructureRef:
    apiVersion: infrastructure.cluster.x-k8s.io/v1beta1
    kind: OpenStackCluster
    name: c1
---
apiVersion: infrastructure.cluster.x-k8s.io/v1beta1
kind: OpenStackCluster
metadata:
  name: c1
  namespace: demo
spec:
  externalNetwork: {id: ext}
---
apiVersion: controlplane.cluster.x-k8s.io/v1beta1
kind: KubeadmControlPlane
metadata:
  name: c1-cp
  namespace: demo
spec:
  replicas: 1
  version: v1.30.1
---
apiVersion: cluster.x-k8s.io/v1beta1
kind: MachineDeployment
metadata:
  name: c1-md
  namespace: demo
spec:
  clusterName: c1
  replicas: 2
---
apiVersion: infrastructure.cluster.x-k8s.io/v1beta1
kind: OpenStackMachineTemplate
metadata:
  name: c1-md
  namespace: demo
spec:
  template: {spec: {flavor: SCS-2V-4}}
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: demo
spec:
  ports: [{port: 80}]
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
  namespace: demo
spec:
  resources: {requests: {storage: 1Gi}}
)";

}  // namespace

TEST_CASE("kubectl server-side-applies, gets, label-selects and deletes against the fake",
          "[kube]") {
  if (KubectlPath().empty()) {
    WARN("no kubectl on this machine; skipped");
    return;
  }
  KubeFake fake;
  REQUIRE(fake.ok());
  std::string manifest = fake.dir() + "/objs.yaml";
  std::ofstream(manifest) << kManifest;

  CommandResult apply =
      fake.Kubectl("apply --server-side --field-manager=capstan -f " + ShellQuote(manifest));
  INFO(apply.out << fake.log());
  REQUIRE(apply.exit_code == 0);
  CHECK(apply.out.find("cluster.cluster.x-k8s.io/c1 serverside-applied") != std::string::npos);
  CHECK(apply.out.find("openstackmachinetemplate.infrastructure.cluster.x-k8s.io/c1-md "
                       "serverside-applied") != std::string::npos);

  CommandResult get = fake.Kubectl("get configmap cfg -n demo -o json");
  REQUIRE(get.exit_code == 0);
  auto cm = nlohmann::json::parse(get.out);
  CHECK(cm["data"]["key"] == "value");
  CHECK(cm["kind"] == "ConfigMap");

  CommandResult mf = fake.Kubectl("get configmap cfg -n demo -o json --show-managed-fields");
  REQUIRE(mf.exit_code == 0);
  auto managers = nlohmann::json::parse(mf.out)["metadata"]["managedFields"];
  REQUIRE(managers.size() == 1);
  CHECK(managers[0]["manager"] == "capstan");
  CHECK(managers[0]["operation"] == "Apply");

  CommandResult sel = fake.Kubectl("get configmaps,clusters -n demo -l app=demo -o name");
  INFO(sel.out);
  REQUIRE(sel.exit_code == 0);
  CHECK(sel.out.find("configmap/cfg") != std::string::npos);
  CHECK(sel.out.find("cluster.cluster.x-k8s.io/c1") != std::string::npos);
  CommandResult none = fake.Kubectl("get configmaps -n demo -l app=other -o name");
  CHECK(none.exit_code == 0);
  CHECK(none.out.find("configmap/") == std::string::npos);

  // Another manager changing capstan's field is a 409 naming the manager and the field.
  std::string other = fake.dir() + "/other.yaml";
  std::ofstream(other) << "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: "
                          "demo}\ndata: {key: changed}\n";
  CommandResult conflict =
      fake.Kubectl("apply --server-side --field-manager=someone -f " + ShellQuote(other));
  INFO(conflict.out);
  CHECK(conflict.exit_code != 0);
  CHECK(conflict.out.find("conflict with \"capstan\"") != std::string::npos);
  CHECK(conflict.out.find(".data.key") != std::string::npos);

  CommandResult wait = fake.Kubectl("wait --for=condition=Ready cluster/c1 -n demo --timeout=20s");
  INFO(wait.out);
  CHECK(wait.exit_code == 0);

  CommandResult del = fake.Kubectl("delete -f " + ShellQuote(manifest) + " --wait --timeout=30s");
  INFO(del.out << fake.log());
  CHECK(del.exit_code == 0);
  CommandResult gone = fake.Kubectl("get namespace demo");
  CHECK(gone.exit_code != 0);
  CHECK(gone.out.find("NotFound") != std::string::npos);
}

}  // namespace capstan::testing
