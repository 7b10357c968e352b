// host.node and kind.cluster through the ssh transport against a real sshd on 127.0.0.1,
// with the stub kind (tests/fakes/bin/kind) run on the "remote" side (label `kube`).
#include <catch2/catch.hpp>

#include "providers/host/host_keys.h"
#include "providers/host/host_provider.h"
#include "tests/providers/host/sshd_fixture.h"
#include "tests/providers/host/stub_host.h"

namespace capstan::host {
namespace {

using testing::HostCtx;
using testing::SshdFixture;
using testing::StubHost;

Value NodeProps(const SshdFixture& sshd, const StubHost& stubs) {
  return {{"type", "ssh"},
          {"address", "127.0.0.1"},
          {"port", sshd.port()},
          {"user", sshd.user()},
          {"private_key", sshd.client_key()},
          {"env", stubs.connection()["env"]},
          {"wait_cloud_init", true},
          {"connect_timeout", 10},
          {"cloud_init_timeout", 30}};
}

TEST_CASE("host.node over ssh pins the host key, kind.cluster runs there through a forward",
          "[kube]") {
  if (!testing::HaveSshd()) {
    WARN("no /usr/sbin/sshd (package openssh-server); skipped");
    return;
  }
  SshdFixture sshd;
  INFO(sshd.log());
  REQUIRE(sshd.ok());
  StubHost stubs;
  auto provider = NewHostProvider("host");
  ResourceType* node = provider->Type("host.node");
  Value props = ApplyDefaults(node->schema(), NodeProps(sshd, stubs));
  REQUIRE(node->Validate(props).empty());
  Value planned = node->PlanAttributes(props, nullptr);
  CHECK(IsUnknown(planned["host_key_fingerprint"]));

  std::vector<std::string> progress;
  auto made = node->Create(HostCtx("host.node.mgmt", &progress), props);
  INFO(made.diags().ToString());
  REQUIRE(made.ok());
  CHECK(made->id == sshd.user() + "@127.0.0.1:" + std::to_string(sshd.port()));
  CHECK(made->attributes["host_key"] == sshd.host_key());
  CHECK(made->attributes["host_key_fingerprint"] == sshd.host_fingerprint());
  CHECK(std::find(progress.begin(), progress.end(), "pinned host key " + sshd.host_fingerprint()) !=
        progress.end());
  Value conn = made->attributes["connection"];
  CHECK(conn["host_key"] == sshd.host_key());
  CHECK(node->PlanAttributes(props, &*made)["connection"] == conn);  // Known at plan time.

  auto read = node->Read(HostCtx("host.node.mgmt"), *made);
  REQUIRE(read.ok());
  CHECK((*read)->attributes == made->attributes);

  // kind on the ssh host: its API server is reached through a forward.
  ResourceType* kind = provider->Type("kind.cluster");
  auto cluster = kind->Create(HostCtx("kind.cluster.mgmt"), {{"host", conn}, {"name", "mgmt"}});
  INFO(cluster.diags().ToString());
  REQUIRE(cluster.ok());
  std::string remote = cluster->attributes["api_server"],
              local = cluster->attributes["api_server_local"];
  CHECK(remote.find("http://127.0.0.1:") == 0);
  CHECK(local.find("http://127.0.0.1:") == 0);
  CHECK(local != remote);  // The host's port is taken here (same machine): another one.
  std::string kcl = cluster->attributes["kubeconfig_local"];
  CHECK(kcl.find("server: " + local) != std::string::npos);
  auto version = testing::RunShell(
      "python3 -c \"import urllib.request,sys; "
      "sys.stdout.write(urllib.request.urlopen('" +
      local + "/version', timeout=10).read().decode())\"");
  CHECK(version.exit_code == 0);
  CHECK(version.out.find("gitVersion") != std::string::npos);
  REQUIRE_FALSE(kind->Delete(HostCtx("kind.cluster.mgmt"), *cluster).HasErrors());
  CHECK(stubs.Sh("kind get clusters").out == "No kind clusters found.\n");
}

TEST_CASE("host.node over ssh: a changed host key fails the read with both fingerprints",
          "[kube]") {
  if (!testing::HaveSshd()) {
    WARN("no /usr/sbin/sshd (package openssh-server); skipped");
    return;
  }
  SshdFixture sshd;
  INFO(sshd.log());
  REQUIRE(sshd.ok());
  StubHost stubs;
  auto provider = NewHostProvider("host");
  ResourceType* node = provider->Type("host.node");
  Value props = ApplyDefaults(node->schema(), NodeProps(sshd, stubs));
  auto made = node->Create(HostCtx("host.node.mgmt"), props);
  REQUIRE(made.ok());
  std::string old_fp = sshd.host_fingerprint();
  REQUIRE(sshd.Restart(/*new_host_key=*/true));
  // A fresh provider: no control master left from before.
  provider.reset();
  provider = NewHostProvider("host");
  auto read = provider->Type("host.node")->Read(HostCtx("host.node.mgmt"), *made);
  REQUIRE_FALSE(read.ok());
  std::string msg = read.diags().ToString();
  CHECK(msg.find("127.0.0.1:" + std::to_string(sshd.port())) != std::string::npos);
  CHECK(msg.find(old_fp) != std::string::npos);
  CHECK(msg.find(sshd.host_fingerprint()) != std::string::npos);
}

}  // namespace
}  // namespace capstan::host
