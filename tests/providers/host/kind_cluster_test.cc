// kind.cluster on a local host, with the stub kind (tests/fakes/bin/kind) whose clusters
// are fake kube-apiservers (label `kube`).
#include <catch2/catch.hpp>

#include "providers/host/host_provider.h"
#include "tests/providers/host/stub_host.h"

namespace capstan::host {
namespace {

using testing::HostCtx;
using testing::StubHost;

TEST_CASE("kind.cluster: create, read, adopt, delete through the stub kind", "[kube]") {
  StubHost host;
  auto provider = NewHostProvider("kind");
  ResourceType* kind = provider->Type("kind.cluster");
  REQUIRE(kind != nullptr);
  Value props = {{"host", host.connection()},
                 {"name", "mgmt"},
                 {"node_image", "kindest/node:v1.28.0"},
                 {"config", "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n"}};
  REQUIRE(kind->Validate(props).empty());
  std::vector<std::string> progress;
  auto made = kind->Create(HostCtx("kind.cluster.mgmt", &progress), props);
  REQUIRE(made.ok());
  CHECK(made->id == "mgmt");
  std::string kc = made->attributes["kubeconfig"];
  CHECK(kc.find("server: http://127.0.0.1:") != std::string::npos);
  CHECK(made->attributes["kubeconfig_local"] == kc);  // Local host: no forward.
  CHECK(made->attributes["context"] == "kind-mgmt");
  CHECK(std::find(progress.begin(), progress.end(), "Creating cluster \"mgmt\" ...") !=
        progress.end());
  CHECK(host.Sh("kind get clusters 2>/dev/null").out == "mgmt\n");
  // The stub recorded the image and config it was given.
  std::string rec = testing::ReadFile(host.state() + "/kind/mgmt/cluster.json");
  CHECK(rec.find("kindest/node:v1.28.0") != std::string::npos);
  CHECK(rec.find("kind.x-k8s.io/v1alpha4") != std::string::npos);

  auto read = kind->Read(HostCtx("kind.cluster.mgmt"), *made);
  REQUIRE(read.ok());
  REQUIRE(read->has_value());
  CHECK((*read)->attributes == made->attributes);  // No change: a clean plan.

  // Create again (a crashed run): adopts the existing cluster.
  progress.clear();
  auto again = kind->Create(HostCtx("kind.cluster.mgmt", &progress), props);
  REQUIRE(again.ok());
  CHECK(again->attributes["kubeconfig"] == kc);
  CHECK(std::count_if(progress.begin(), progress.end(), [](const std::string& l) {
          return l.find("exists already; adopting it") != std::string::npos;
        }) == 1);

  REQUIRE_FALSE(kind->Delete(HostCtx("kind.cluster.mgmt"), *made).HasErrors());
  CHECK(host.Sh("kind get clusters").out == "No kind clusters found.\n");
  auto gone = kind->Read(HostCtx("kind.cluster.mgmt"), *made);
  REQUIRE(gone.ok());
  CHECK_FALSE(gone->has_value());
}

TEST_CASE("kind.cluster: a failing kind quotes its stderr, a missing kind says so", "[kube]") {
  StubHost host;
  auto provider = NewHostProvider("kind");
  ResourceType* kind = provider->Type("kind.cluster");
  Value conn = host.connection();
  conn["env"]["FAKE_KIND_FAIL"] = "ERROR: failed to create cluster: docker is not running";
  auto made = kind->Create(HostCtx("kind.cluster.k"), {{"host", conn}, {"name", "k"}});
  REQUIRE_FALSE(made.ok());
  std::string msg = made.diags().ToString();
  CHECK(msg.find("failed on local: exited with status 1") != std::string::npos);
  CHECK(msg.find("docker is not running") != std::string::npos);

  conn = host.connection();
  conn["env"]["PATH"] = "/nonexistent";
  auto missing = kind->Create(HostCtx("kind.cluster.k"), {{"host", conn}, {"name", "k"}});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.diags().ToString().find("cannot start kind") != std::string::npos);
}

TEST_CASE("kind.cluster: validation names the property at fault", "[kube]") {
  auto provider = NewHostProvider("kind");
  ResourceType* kind = provider->Type("kind.cluster");
  auto d = kind->Validate({{"host", {{"type", "telnet"}}},
                           {"name", "Bad_Name"},
                           {"config", "apiVersion: v1\nkind: Pod\n"}});
  std::string msg = d.ToString();
  CHECK(d.size() == 3);
  CHECK(msg.find("properties.host.type must be \"local\" or \"ssh\"") != std::string::npos);
  CHECK(msg.find("\"Bad_Name\" is not a valid name") != std::string::npos);
  CHECK(msg.find("kind Cluster configuration") != std::string::npos);
}

}  // namespace
}  // namespace capstan::host
