// The native Kubernetes client against the fake kube-apiserver (label `kube`).
#include "providers/kubernetes/client.h"

#include <catch2/catch.hpp>

#include "tests/fakes/kube_fake.h"

namespace capstan::kube {
namespace {

using capstan::testing::KubeFake;
using namespace std::chrono_literals;

std::unique_ptr<Client> Connect(const KubeFake& fake) {
  auto conn = LoadKubeconfig(fake.kubeconfig_path());
  REQUIRE(conn.ok());
  auto c = std::make_unique<Client>(*conn);
  c->set_poll_interval(50ms);
  return c;
}

Value Namespace(const std::string& name) {
  return Value{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}};
}

Value ConfigMap(const std::string& ns, const std::string& name, const std::string& value) {
  return Value{{"apiVersion", "v1"},
               {"kind", "ConfigMap"},
               {"metadata", {{"name", name}, {"namespace", ns}, {"labels", {{"app", name}}}}},
               {"data", {{"key", value}}}};
}

}  // namespace

TEST_CASE("client: discovery maps kinds to resources and scope, and names what is missing",
          "[kube]") {
  KubeFake fake;
  REQUIRE(fake.ok());
  auto client = Connect(fake);
  Client& c = *client;
  auto dep = c.Resolve("apps/v1", "Deployment");
  REQUIRE(dep.ok());
  CHECK(dep->plural == "deployments");
  CHECK(dep->namespaced);
  auto ns = c.Resolve("v1", "Namespace");
  REQUIRE(ns.ok());
  CHECK_FALSE(ns->namespaced);
  auto kcp = c.Resolve("controlplane.cluster.x-k8s.io/v1beta1", "KubeadmControlPlane");
  REQUIRE(kcp.ok());
  CHECK(kcp->plural == "kubeadmcontrolplanes");

  auto bad_kind = c.Resolve("v1", "Gizmo");
  REQUIRE_FALSE(bad_kind.ok());
  CHECK_THAT(bad_kind.diags().ToString(),
             Catch::Contains("kind \"Gizmo\" is not served in apiVersion \"v1\"") &&
                 Catch::Contains("ConfigMap"));
  auto bad_gv = c.Resolve("example.com/v9", "Thing");
  REQUIRE_FALSE(bad_gv.ok());
  CHECK_THAT(bad_gv.diags().ToString(), Catch::Contains("\"example.com/v9\" is not served") &&
                                            Catch::Contains("CustomResourceDefinition"));

  // A namespaced object without a namespace goes to "default"; cluster-scoped drop it.
  auto ref = c.RefOf(ConfigMap("", "x", "y"));
  REQUIRE(ref.ok());
  CHECK(ref->ns == "default");
  Value n = Namespace("n");
  n["metadata"]["namespace"] = "ignored";
  auto nref = c.RefOf(n);
  REQUIRE(nref.ok());
  CHECK(nref->ns.empty());
}

TEST_CASE("client: server-side apply creates, re-applies idempotently, and reports conflicts",
          "[kube]") {
  KubeFake fake;
  REQUIRE(fake.ok());
  auto client = Connect(fake);
  Client& c = *client;
  REQUIRE(c.Apply(Namespace("demo")).ok());
  auto created = c.Apply(ConfigMap("demo", "cfg", "v1"));
  INFO(created.diags().ToString());
  REQUIRE(created.ok());
  CHECK((*created)["data"]["key"] == "v1");
  CHECK((*created)["metadata"]["managedFields"][0]["manager"] == "capstan");
  std::string rv = (*created)["metadata"]["resourceVersion"];
  auto again = c.Apply(ConfigMap("demo", "cfg", "v1"));
  REQUIRE(again.ok());
  CHECK((*again)["metadata"]["resourceVersion"] == rv);

  // Another manager takes data.key with another value: capstan's apply must not steal it.
  CHECK(
      fake.Kubectl("-n demo patch configmap cfg --type=merge -p '{\"data\":{\"key\":\"theirs\"}}'")
          .exit_code == 0);
  auto conflict = c.Apply(ConfigMap("demo", "cfg", "v2"));
  REQUIRE_FALSE(conflict.ok());
  std::string text = conflict.diags().ToString();
  CHECK_THAT(text, Catch::Contains("server-side apply of v1 ConfigMap demo/cfg conflicts") &&
                       Catch::Contains("conflict with \"kubectl-patch\"") &&
                       Catch::Contains(".data.key"));

  // A namespace that does not exist: the server's own message.
  auto missing = c.Apply(ConfigMap("nowhere", "cfg", "v1"));
  REQUIRE_FALSE(missing.ok());
  CHECK_THAT(missing.diags().ToString(), Catch::Contains("namespaces \"nowhere\" not found"));
}

TEST_CASE("client: get, list with a label selector, delete and wait until gone", "[kube]") {
  KubeFake fake;
  REQUIRE(fake.ok());
  auto client = Connect(fake);
  Client& c = *client;
  REQUIRE(c.Apply(Namespace("demo")).ok());
  REQUIRE(c.Apply(ConfigMap("demo", "a", "1")).ok());
  REQUIRE(c.Apply(ConfigMap("demo", "b", "2")).ok());

  ObjectRef a{"v1", "ConfigMap", "demo", "a"};
  auto got = c.Get(a);
  REQUIRE(got.ok());
  REQUIRE(got->has_value());
  CHECK((**got)["data"]["key"] == "1");
  auto none = c.Get(ObjectRef{"v1", "ConfigMap", "demo", "zzz"});
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());

  auto all = c.List("v1", "ConfigMap", "demo");
  REQUIRE(all.ok());
  CHECK(all->size() == 2);
  auto sel = c.List("v1", "ConfigMap", "demo", "app=b");
  REQUIRE(sel.ok());
  REQUIRE(sel->size() == 1);
  CHECK((*sel)[0]["metadata"]["name"] == "b");
  CHECK((*sel)[0]["kind"] == "ConfigMap");
  auto notin = c.List("v1", "ConfigMap", "", "app notin (a,b)");
  REQUIRE(notin.ok());
  CHECK(notin->empty());

  CHECK(c.Delete(a).empty());
  CHECK(c.Delete(a).empty());  // already gone: success
  std::vector<std::string> progress;
  CallContext ctx;
  ctx.progress = [&](const std::string& s) { progress.push_back(s); };
  ObjectRef ns{"v1", "Namespace", "", "demo"};
  CHECK(c.Delete(ns, "Foreground").empty());
  Status gone = c.WaitGone(ns, 20s, ctx);
  INFO(gone.ToString());
  CHECK(gone.empty());
  REQUIRE_FALSE(progress.empty());  // the namespace is Terminating for a while
  CHECK_THAT(progress[0], Catch::Contains("Namespace demo: waiting until deleted"));
  auto b = c.Get(ObjectRef{"v1", "ConfigMap", "demo", "b"});
  REQUIRE(b.ok());
  CHECK_FALSE(b->has_value());
}

TEST_CASE("client: waits for a condition, with progress, timeout and cancellation", "[kube]") {
  KubeFake fake;
  REQUIRE(fake.ok());
  auto client = Connect(fake);
  Client& c = *client;
  REQUIRE(c.Apply(Namespace("demo")).ok());
  Value cluster{{"apiVersion", "cluster.x-k8s.io/v1beta1"},
                {"kind", "Cluster"},
                {"metadata", {{"name", "c1"}, {"namespace", "demo"}}},
                {"spec", {{"paused", false}}}};
  REQUIRE(c.Apply(cluster).ok());
  ObjectRef ref{"cluster.x-k8s.io/v1beta1", "Cluster", "demo", "c1"};
  std::vector<std::string> progress;
  CallContext ctx;
  ctx.progress = [&](const std::string& s) { progress.push_back(s); };
  Status ready = c.WaitCondition(ref, "Ready", 20s, ctx);
  INFO(ready.ToString());
  CHECK(ready.empty());
  REQUIRE_FALSE(progress.empty());
  CHECK_THAT(progress.back(), Catch::Contains("Cluster demo/c1: waiting for Ready=True"));

  Status never = c.WaitCondition(ref, "Frobnicated", 300ms, CallContext{});
  REQUIRE(never.HasErrors());
  CHECK_THAT(never.ToString(), Catch::Contains("timed out") && Catch::Contains("Frobnicated"));

  std::atomic<bool> cancel{true};
  CallContext cancelled;
  cancelled.cancel = &cancel;
  Status stop = c.WaitCondition(ref, "Frobnicated", 60s, cancelled);
  REQUIRE(stop.HasErrors());
  CHECK_THAT(stop.ToString(), Catch::Contains("cancelled"));
}

TEST_CASE("client: conditions honour observedGeneration like kubectl wait", "[kube]") {
  Value obj = Value::parse(R"({"metadata":{"generation":2},"status":{"observedGeneration":1,
    "conditions":[{"type":"Ready","status":"True"}]}})");
  CHECK_FALSE(ConditionTrue(obj, "Ready"));
  obj["status"]["observedGeneration"] = 2;
  CHECK(ConditionTrue(obj, "ready"));
  obj["status"]["conditions"][0]["status"] = "False";
  CHECK_FALSE(ConditionTrue(obj, "Ready"));
  CHECK_FALSE(ConditionTrue(Value::object(), "Ready"));
}

TEST_CASE("client: an unreachable server is an error naming the server", "[kube]") {
  Connection conn;
  conn.server = "http://127.0.0.1:1";
  Client c(conn);
  auto r = c.Resolve("v1", "ConfigMap");
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.diags().ToString(),
             Catch::Contains("cannot reach the Kubernetes API at http://127.0.0.1:1"));
}

TEST_CASE("client: HTTPS with the CA and client certificate embedded in the kubeconfig", "[kube]") {
  KubeFake fake{KubeFake::Tls{}};
  INFO(fake.log());
  REQUIRE(fake.ok());
  auto conn = LoadKubeconfig(fake.kubeconfig_path());
  REQUIRE(conn.ok());
  CHECK(conn->server.rfind("https://127.0.0.1:", 0) == 0);
  CHECK_FALSE(conn->client_key_pem.empty());
  Client c(*conn);
  REQUIRE(c.Apply(Namespace("tls")).ok());
  auto got = c.Get(ObjectRef{"v1", "Namespace", "", "tls"});
  REQUIRE(got.ok());
  CHECK(got->has_value());

  // Without the client certificate the server refuses the handshake.
  Connection anonymous = *conn;
  anonymous.client_cert_pem.clear();
  anonymous.client_key_pem.clear();
  Client no_cert(anonymous);
  auto refused = no_cert.Resolve("v1", "ConfigMap");
  CHECK_FALSE(refused.ok());

  // Without the CA the server's certificate is not trusted (unless told to skip).
  Connection untrusted = *conn;
  untrusted.ca_pem.clear();
  Client no_ca(untrusted);
  auto rejected = no_ca.Resolve("v1", "ConfigMap");
  REQUIRE_FALSE(rejected.ok());
  CHECK_THAT(rejected.diags().ToString(), Catch::Contains("cannot reach the Kubernetes API"));
  untrusted.insecure = true;
  Client insecure(untrusted);
  CHECK(insecure.Resolve("v1", "ConfigMap").ok());
}

}  // namespace capstan::kube
