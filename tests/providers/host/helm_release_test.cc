// helm.release on a local host with the stub helm (tests/fakes/bin/helm), whose releases
// are Secrets in a fake kube-apiserver started by the stub kind (label `kube`).
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "providers/host/host_provider.h"
#include "tests/providers/host/stub_host.h"

namespace capstan::host {
namespace {

using testing::HostCtx;
using testing::StubHost;

/// A kind cluster on the stub host; returns its kubeconfig.
std::string MakeCluster(Provider& p, const StubHost& host) {
  auto made = p.Type("kind.cluster")
                  ->Create(HostCtx("kind.cluster.k"), {{"host", host.connection()}, {"name", "k"}});
  REQUIRE(made.ok());
  return made->attributes["kubeconfig"];
}

TEST_CASE("helm.release: install, no-change read, values and version drift, upgrade, uninstall",
          "[kube]") {
  StubHost host;
  auto provider = NewHostProvider("helm");
  std::string kc = MakeCluster(*provider, host);
  ResourceType* helm = provider->Type("helm.release");
  Value props = {{"host", host.connection()},
                 {"kubeconfig", kc},
                 {"name", "ingress"},
                 {"namespace", "ingress-nginx"},
                 {"chart", "ingress-nginx"},
                 {"repo", "https://kubernetes.github.io/ingress-nginx"},
                 {"version", "4.9.1"},
                 {"values", {{"controller", {{"replicaCount", 2}}}}},
                 {"sensitive_values", {{"controller", {{"token", "hunter2-secret"}}}}},
                 {"create_namespace", true},
                 {"timeout", 300}};
  REQUIRE(helm->Validate(props).empty());
  auto ctx = HostCtx("helm.release.ingress");
  auto made = helm->Create(ctx, props);
  INFO(made.diags().ToString());
  REQUIRE(made.ok());
  CHECK(made->id == "ingress");
  CHECK(made->attributes["revision"] == 1);
  CHECK(made->attributes["status"] == "deployed");
  CHECK(made->attributes["chart_version"] == "4.9.1");

  std::string hkc = host.state() + "/kc";
  testing::WriteFile(hkc, kc);
  auto values = host.Sh("helm get values ingress -n ingress-nginx -o json --kubeconfig " + hkc);
  CHECK(values.out.find("\"replicaCount\": 2") != std::string::npos);
  CHECK(values.out.find("hunter2-secret") != std::string::npos);  // Merged in by helm.

  auto read = helm->Read(ctx, *made);
  REQUIRE(read.ok());
  REQUIRE(read->has_value());
  CHECK((*read)->attributes == made->attributes);  // No change.

  // Out-of-band upgrade: other values and chart version show as drift (secret not shown).
  REQUIRE(host.Sh("sh -c 'echo {\\\"controller\\\":{\\\"replicaCount\\\":5,\\\"token\\\":"
                  "\\\"hunter2-secret\\\"}} > " +
                  host.state() + "/v.json'")
              .exit_code == 0);
  REQUIRE(host.Sh("helm upgrade ingress ingress-nginx -n ingress-nginx --version 4.9.0 -f " +
                  host.state() + "/v.json --kubeconfig " + hkc)
              .exit_code == 0);
  auto drift = helm->Read(ctx, *made);
  REQUIRE(drift.ok());
  REQUIRE(drift->has_value());
  CHECK((*drift)->attributes["values"] == Value{{"controller", {{"replicaCount", 5}}}});
  CHECK((*drift)->attributes["version"] == "4.9.0");
  CHECK((*drift)->attributes["revision"] == 2);

  // Update back to the stack's values and a new version: upgrade in place.
  props["values"]["controller"]["replicaCount"] = 3;
  props["version"] = "4.10.0";
  std::vector<std::string> progress;
  auto updated = helm->Update(HostCtx("helm.release.ingress", &progress), **drift, props);
  REQUIRE(updated.ok());
  CHECK(updated->attributes["revision"] == 3);
  CHECK(updated->attributes["chart_version"] == "4.10.0");
  CHECK(std::find(progress.begin(), progress.end(),
                  "Release \"ingress\" has been upgraded. Happy Helming!") != progress.end());
  auto after = helm->Read(ctx, *updated);
  REQUIRE(after.ok());
  CHECK((*after)->attributes == updated->attributes);

  REQUIRE_FALSE(helm->Delete(ctx, *updated).HasErrors());
  auto gone = helm->Read(ctx, *updated);
  REQUIRE(gone.ok());
  CHECK_FALSE(gone->has_value());
  CHECK_FALSE(helm->Delete(ctx, *updated).HasErrors());  // Already gone: fine.
}

TEST_CASE("helm.release: values travel in 0600 files, never on the command line", "[kube]") {
  StubHost host;
  auto provider = NewHostProvider("helm");
  std::string kc = MakeCluster(*provider, host);
  // A helm wrapper in front of the stub records its argv and the modes of its -f files.
  std::string wrap = host.state() + "/wrap";
  std::filesystem::create_directories(wrap);
  testing::WriteFile(wrap + "/helm",
                     "#!/bin/sh\necho \"$*\" >> " + host.state() +
                         "/argv.log\nfor a in \"$@\"; do case \"$a\" in */*.json|*/kubeconfig) "
                         "stat -c %a \"$a\" >> " +
                         host.state() + "/modes.log;; esac; done\nexec " + testing::StubBin() +
                         "/helm \"$@\"\n");
  chmod((wrap + "/helm").c_str(), 0755);
  Value conn = host.connection();
  conn["env"]["PATH"] = wrap + ":" + host.path_var();
  Value props = {{"host", conn},
                 {"kubeconfig", kc},
                 {"name", "r"},
                 {"chart", "repo/chart"},
                 {"sensitive_values", {{"password", "pw-9f8e7d"}}}};
  auto made = provider->Type("helm.release")->Create(HostCtx("helm.release.r"), props);
  REQUIRE(made.ok());
  std::string argv = testing::ReadFile(host.state() + "/argv.log");
  CHECK(argv.find("upgrade --install r repo/chart") != std::string::npos);
  CHECK(argv.find("pw-9f8e7d") == std::string::npos);
  CHECK(argv.find("server:") == std::string::npos);
  std::string modes = testing::ReadFile(host.state() + "/modes.log");
  CHECK(modes.find("600") != std::string::npos);
  for (char c : modes) CHECK((c == '6' || c == '0' || c == '\n'));
}

TEST_CASE("helm.release: a failing helm names the command and quotes stderr", "[kube]") {
  StubHost host;
  auto provider = NewHostProvider("helm");
  Value conn = host.connection();
  conn["env"]["FAKE_HELM_FAIL"] = "Error: INSTALLATION FAILED: chart \"nope\" not found in repo";
  auto made =
      provider->Type("helm.release")
          ->Create(HostCtx("helm.release.r"), {{"host", conn}, {"name", "r"}, {"chart", "x/nope"}});
  REQUIRE_FALSE(made.ok());
  std::string msg = made.diags().ToString();
  CHECK(msg.find("helm upgrade --install r failed on local") != std::string::npos);
  CHECK(msg.find("chart \"nope\" not found in repo") != std::string::npos);
}

}  // namespace
}  // namespace capstan::host
