// k8s.addon patches, golden-style: the objects rendered from the test mirror, compared as parsed
// objects with the expected ones.
#include "providers/kubernetes/addon_patches.h"

#include <catch2/catch.hpp>

#include "providers/kubernetes/addon_render.h"
#include "providers/kubernetes/manifest_objects.h"

namespace capstan::kube {
namespace {

const std::string kMirror =
    std::string(CAPSTAN_SOURCE_DIR) + "/tests/providers/kubernetes/addon_data";

std::vector<Value> Render(Value props) {
  props["source"] = kMirror;
  auto cfg = ConfigFromProps(props);
  INFO(cfg.diags().ToString());
  REQUIRE(cfg.ok());
  auto r = RenderAddon(*cfg, {});
  INFO(r.diags().ToString());
  REQUIRE(r.ok());
  CHECK(r->downloads == 0);
  return r->objects;
}

const Value& Find(const std::vector<Value>& objs, const std::string& kind,
                  const std::string& name) {
  for (const Value& o : objs) {
    if (o["kind"] == kind && o["metadata"]["name"] == name) return o;
  }
  FAIL("no " + kind + " " + name);
  static Value none;
  return none;
}

const Value& Container(const Value& workload, const std::string& name) {
  for (const Value& c : workload["spec"]["template"]["spec"]["containers"]) {
    if (c["name"] == name) return c;
  }
  FAIL("no container " + name);
  static Value none;
  return none;
}

Value Yaml(const std::string& text) {
  auto docs = ParseYamlDocuments(text);
  REQUIRE(docs.ok());
  REQUIRE(docs->size() == 1);
  return (*docs)[0];
}

}  // namespace

TEST_CASE("addon patches: OCCM gets the version's image tag, --cluster-name and cloud-config",
          "[kube]") {
  auto objs = Render({{"addon", "occm"},
                      {"kubernetes_version", "v1.28.x"},
                      {"cluster_name", "demo"},
                      {"cloud_conf", "[Global]\nauth-url=https://keystone\n"}});
  // The List files are flattened: 2 RBAC objects + ServiceAccount + DaemonSet + Secret.
  REQUIRE(objs.size() == 5);
  CHECK(Find(objs, "ClusterRole", "system:cloud-controller-manager")["rules"].size() == 2);
  const Value& ds = Find(objs, "DaemonSet", "openstack-cloud-controller-manager");
  CHECK(Container(ds, "openstack-cloud-controller-manager") == Yaml(R"(
name: openstack-cloud-controller-manager
image: registry.k8s.io/provider-os/openstack-cloud-controller-manager:v1.28.2
args:
  - /bin/openstack-cloud-controller-manager
  - --v=1
  - --cluster-name=demo
  - --cloud-config=$(CLOUD_CONFIG)
  - --cloud-provider=openstack
env:
  - name: CLOUD_CONFIG
    value: /etc/config/cloud.conf
  - name: CLUSTER_NAME
    value: demo
)"));
  const Value& secret = Find(objs, "Secret", "cloud-config");
  CHECK(secret["metadata"]["namespace"] == "kube-system");
  CHECK(secret["data"]["cloud.conf"] == "W0dsb2JhbF0KYXV0aC11cmw9aHR0cHM6Ly9rZXlzdG9uZQo=");
  CHECK_FALSE(secret.contains("stringData"));
}

TEST_CASE("addon patches: Cinder CSI gets the image tag, CLUSTER_NAME and cinder-default",
          "[kube]") {
  auto objs = Render(
      {{"addon", "cinder-csi"}, {"kubernetes_version", "v1.28.11"}, {"cluster_name", "demo"}});
  REQUIRE(objs.size() == 10);
  const Value& ctrl = Find(objs, "Deployment", "csi-cinder-controllerplugin");
  const Value& plugin = Container(ctrl, "cinder-csi-plugin");
  CHECK(plugin["image"] == "registry.k8s.io/provider-os/cinder-csi-plugin:v1.28.2");
  CHECK(plugin["env"][2] == Yaml("{name: CLUSTER_NAME, value: demo}"));
  CHECK(Container(ctrl, "csi-attacher")["image"] ==
        "registry.k8s.io/sig-storage/csi-attacher:v4.4.2");
  const Value& node =
      Container(Find(objs, "DaemonSet", "csi-cinder-nodeplugin"), "cinder-csi-plugin");
  CHECK(node["env"] == Yaml(R"(
- {name: CSI_ENDPOINT, value: "unix://csi/csi.sock"}
- {name: CLUSTER_NAME, value: demo}
)"));
  CHECK(Find(objs, "StorageClass", "cinder-default") == Yaml(R"(
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: cinder-default
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: cinder.csi.openstack.org
)"));
  auto without = Render({{"addon", "cinder-csi"},
                         {"kubernetes_version", "v1.28.11"},
                         {"settings", {{"storage_class", false}}}});
  CHECK(without.size() == 9);
}

TEST_CASE("addon patches: calico veth_mtu and pod CIDR", "[kube]") {
  auto objs = Render(
      {{"addon", "calico"}, {"settings", {{"veth_mtu", 1400}, {"pod_cidr", "10.244.0.0/16"}}}});
  CHECK(Find(objs, "ConfigMap", "calico-config")["data"]["veth_mtu"] == "1400");
  const Value& node = Container(Find(objs, "DaemonSet", "calico-node"), "calico-node");
  CHECK(node["env"].back() == Yaml("{name: CALICO_IPV4POOL_CIDR, value: 10.244.0.0/16}"));
  // Without settings calico is applied as published.
  auto plain = Render({{"addon", "calico"}});
  CHECK(Find(plain, "ConfigMap", "calico-config")["data"]["veth_mtu"] == "0");
}

TEST_CASE("addon patches: metrics-server gets --kubelet-insecure-tls unless disabled", "[kube]") {
  auto objs = Render({{"addon", "metrics-server"}});
  const Value& args =
      Container(Find(objs, "Deployment", "metrics-server"), "metrics-server")["args"];
  CHECK(args.back() == "--kubelet-insecure-tls");
  CHECK(args.size() == 6);
  auto off = Render({{"addon", "metrics-server"}, {"settings", {{"kubelet_insecure_tls", false}}}});
  CHECK(Container(Find(off, "Deployment", "metrics-server"), "metrics-server")["args"].size() == 5);
}

TEST_CASE("addon patches: ingress-nginx overlays nginx-proxy and nginx-monitor", "[kube]") {
  const std::string upstream = R"(
apiVersion: v1
kind: ConfigMap
metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
data: {allow-snippet-annotations: "false"}
---
apiVersion: v1
kind: Service
metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
spec: {type: LoadBalancer, externalTrafficPolicy: Cluster}
)";
  auto docs = ParseYamlDocuments(upstream);
  REQUIRE(docs.ok());
  PatchInput in;
  in.addon = "ingress-nginx";
  in.version = "v1.9.6";
  in.settings = {{"proxy_protocol", true}, {"node_cidr", "10.8.0.0/20"}};
  auto proxy = PatchAddon(*docs, in);
  REQUIRE(proxy.ok());
  CHECK((*proxy)[0]["data"] == Yaml(R"(
allow-snippet-annotations: "false"
use-proxy-protocol: "true"
real-ip-header: proxy_protocol
set-real-ip-from: 10.8.0.0/20
proxy-real-ip-cidr: 10.8.0.0/20
)"));
  CHECK((*proxy)[1]["metadata"]["annotations"] == Yaml(R"(
loadbalancer.openstack.org/proxy-protocol: "true"
loadbalancer.openstack.org/enable-health-monitor: "true"
)"));
  CHECK((*proxy)[1]["spec"]["externalTrafficPolicy"] == "Local");

  in.settings["proxy_protocol"] = false;
  auto monitor = PatchAddon(*docs, in);
  REQUIRE(monitor.ok());
  CHECK((*monitor)[1]["metadata"]["annotations"] ==
        Yaml(R"({loadbalancer.openstack.org/enable-health-monitor: "true"})"));
  CHECK_FALSE((*monitor)[0]["data"].contains("use-proxy-protocol"));
}

TEST_CASE("addon patches: a patch target missing from the manifest is an error", "[kube]") {
  PatchInput in;
  in.addon = "metrics-server";
  in.version = "v0.9.9";
  in.settings = {{"kubelet_insecure_tls", true}};
  auto r = PatchAddon(
      {Value{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "x"}}}}}, in);
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.diags().ToString(),
             Catch::Contains("metrics-server v0.9.9: the manifest has no Deployment "
                             "metrics-server to patch"));
  in.addon = "occm";
  CHECK_FALSE(PatchAddon({}, in).ok());
}

TEST_CASE("addon patches: List documents are flattened, cert-manager and flux pass unchanged",
          "[kube]") {
  auto flat = FlattenLists(
      {Yaml("{apiVersion: v1, kind: List, items: [{kind: A}, {kind: B}]}"), Yaml("{kind: C}")});
  REQUIRE(flat.size() == 3);
  CHECK(flat[1]["kind"] == "B");
  PatchInput in;
  in.addon = "flux";
  in.version = "v2.2.3";
  std::vector<Value> objs = {
      Yaml("{apiVersion: v1, kind: Namespace, metadata: {name: flux-system}}")};
  auto r = PatchAddon(objs, in);
  REQUIRE(r.ok());
  CHECK(*r == objs);
}

}  // namespace capstan::kube
