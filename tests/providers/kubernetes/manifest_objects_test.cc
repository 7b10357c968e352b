// k8s.manifest object rules: YAML typing, Secret folding, order, and drift projection.
#include "providers/kubernetes/manifest_objects.h"

#include <catch2/catch.hpp>

namespace capstan::kube {

TEST_CASE("manifest: multi-document YAML is typed like kubectl reads it", "[kube]") {
  auto docs = ParseYamlDocuments(R"(---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  paused: false
  version: "3"
  ratio: 0.5
  nothing: ~
---
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
)");
  REQUIRE(docs.ok());
  REQUIRE(docs->size() == 2);
  const Value& spec = (*docs)[0]["spec"];
  CHECK(spec["replicas"] == 2);
  CHECK(spec["paused"] == false);
  CHECK(spec["version"] == "3");
  CHECK(spec["ratio"] == 0.5);
  CHECK(spec["nothing"].is_null());

  auto round = ParseYamlDocuments(DumpYamlDocuments(*docs));
  REQUIRE(round.ok());
  CHECK(*round == *docs);

  auto bad = ParseYamlDocuments("a: [unclosed");
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.diags().ToString(), Catch::Contains("content is not valid YAML"));
}

TEST_CASE("manifest: objects need apiVersion, kind and metadata.name", "[kube]") {
  Value props{{"manifests", Value::array({Value{{"apiVersion", "v1"}, {"kind", "ConfigMap"}}})}};
  auto objs = DesiredObjects(props);
  REQUIRE_FALSE(objs.ok());
  CHECK_THAT(objs.diags().ToString(),
             Catch::Contains("object 1 of the manifest needs apiVersion, kind and metadata.name"));
}

TEST_CASE("manifest: Secret stringData is folded into base64 data", "[kube]") {
  Value secret = Value::parse(
      R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"stringData":{"p":"s3cr3t"}})");
  Value n = NormalizeObject(secret);
  CHECK_FALSE(n.contains("stringData"));
  CHECK(n["data"]["p"] == "czNjcjN0");
}

TEST_CASE("manifest: namespaces are applied first and deleted last", "[kube]") {
  std::vector<Value> objs = {Value{{"kind", "ConfigMap"}}, Value{{"kind", "Namespace"}},
                             Value{{"kind", "Deployment"}}};
  CHECK(ApplyOrder(objs) == std::vector<size_t>{1, 0, 2});
  CHECK(DeleteOrder(objs) == std::vector<size_t>{2, 0, 1});
}

TEST_CASE("manifest: drift looks only at the fields capstan applied", "[kube]") {
  Value desired = Value::parse(R"({"apiVersion":"apps/v1","kind":"Deployment",
    "metadata":{"name":"web","labels":{"app":"web"}},
    "spec":{"replicas":2,"template":{"spec":{"containers":[{"name":"c","image":"nginx"}]}},
            "strategy":{}}})");
  Value live = desired;
  live["metadata"]["namespace"] = "default";
  live["metadata"]["uid"] = "123";
  live["metadata"]["labels"]["added-by-controller"] = "x";
  live["metadata"]["annotations"] = {{"deployment.kubernetes.io/revision", "1"}};
  live["spec"]["strategy"] = {{"type", "RollingUpdate"}};
  live["spec"]["progressDeadlineSeconds"] = 600;
  live["status"] = {{"readyReplicas", 2}};
  CHECK(ProjectLive(desired, live) == desired);

  live["metadata"]["labels"]["app"] = "changed";
  Value p = ProjectLive(desired, live);
  CHECK(p != desired);
  CHECK(p["metadata"]["labels"]["app"] == "changed");

  Value lost = desired;
  lost["spec"].erase("replicas");
  Value q = ProjectLive(desired, lost);
  CHECK_FALSE(q["spec"].contains("replicas"));

  Value list_changed = desired;
  list_changed["spec"]["template"]["spec"]["containers"][0]["image"] = "httpd";
  CHECK(ProjectLive(desired, list_changed) != desired);
}

TEST_CASE("manifest: server defaults inside list items are not drift, another length is",
          "[kube]") {
  Value desired = Value::parse(R"({"apiVersion":"apps/v1","kind":"Deployment",
    "metadata":{"name":"web"},
    "spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx","args":["-v"]}]}}}})");
  Value live = desired;
  Value& c = live["spec"]["template"]["spec"]["containers"][0];
  c["imagePullPolicy"] = "IfNotPresent";
  c["terminationMessagePath"] = "/dev/termination-log";
  CHECK(ProjectLive(desired, live) == desired);

  Value more = live;
  more["spec"]["template"]["spec"]["containers"].push_back(Value{{"name", "sidecar"}});
  CHECK(ProjectLive(desired, more) != desired);
  Value arg = live;
  arg["spec"]["template"]["spec"]["containers"][0]["args"][0] = "-q";
  CHECK(ProjectLive(desired, arg) != desired);
}

}  // namespace capstan::kube
