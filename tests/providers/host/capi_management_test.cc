// capi.management on a local host with the stub clusterctl (tests/fakes/bin/clusterctl)
// against a fake kube-apiserver started by the stub kind; reads use the real kubectl
// (label `kube`; skipped without kubectl).
#include <catch2/catch.hpp>

#include "providers/host/host_provider.h"
#include "tests/providers/host/stub_host.h"

namespace capstan::host {
namespace {

using testing::HostCtx;
using testing::KubectlPath;
using testing::StubHost;

struct Mgmt {
  StubHost host;
  std::unique_ptr<Provider> provider = NewHostProvider("host");
  ResourceType* capi = provider->Type("capi.management");
  std::string kubeconfig;
  std::string kc_file;

  Mgmt() {
    auto made =
        provider->Type("kind.cluster")
            ->Create(HostCtx("kind.cluster.k"), {{"host", host.connection()}, {"name", "k"}});
    REQUIRE(made.ok());
    kubeconfig = made->attributes["kubeconfig"];
    kc_file = host.state() + "/kc";
    testing::WriteFile(kc_file, kubeconfig);
  }
  /// Properties with the schema's defaults, as the engine would pass them.
  Value Props() const {
    return ApplyDefaults(capi->schema(), {{"host", host.connection()}, {"kubeconfig", kubeconfig}});
  }
  std::string Images() const {
    return host
        .Sh(KubectlPath() + " --kubeconfig " + kc_file +
            " get deployments -A -o jsonpath='{.items[*].spec.template.spec.containers[0].image}'")
        .out;
  }
};

TEST_CASE("capi.management: init with the SCS defaults, no-change read, upgrade, delete",
          "[kube]") {
  if (KubectlPath().empty()) {
    WARN("no kubectl on this machine; skipped");
    return;
  }
  Mgmt m;
  Value props = m.Props();
  CHECK(props["core_version"] == "v1.6.3");
  CHECK(props["infrastructure_version"] == "v0.9.0");
  std::vector<std::string> progress;
  auto ctx = HostCtx("capi.management.capi", &progress);
  auto made = m.capi->Create(ctx, props);
  INFO(made.diags().ToString());
  REQUIRE(made.ok());
  CHECK(made->attributes["providers"] == Value({{"cluster-api", "v1.6.3"},
                                                {"bootstrap-kubeadm", "v1.6.3"},
                                                {"control-plane-kubeadm", "v1.6.3"},
                                                {"infrastructure-openstack", "v0.9.0"}}));
  CHECK(std::find(progress.begin(), progress.end(),
                  "Installing Provider=\"infrastructure-openstack\" Version=\"v0.9.0\" "
                  "TargetNamespace=\"capo-system\"") != progress.end());
  CHECK(m.Images().find("capi-openstack-controller:v0.9.0") != std::string::npos);

  auto read = m.capi->Read(ctx, *made);
  REQUIRE(read.ok());
  REQUIRE(read->has_value());
  CHECK((*read)->attributes == made->attributes);  // No change.

  // A version bump is an in-place upgrade of just that provider.
  props["core_version"] = "v1.7.2";
  props["bootstrap_version"] = "v1.7.2";
  props["control_plane_version"] = "v1.7.2";
  progress.clear();
  auto up = m.capi->Update(ctx, *made, props);
  INFO(up.diags().ToString());
  REQUIRE(up.ok());
  CHECK(up->attributes["providers"]["cluster-api"] == "v1.7.2");
  CHECK(up->attributes["providers"]["infrastructure-openstack"] == "v0.9.0");
  CHECK(std::find(progress.begin(), progress.end(),
                  "Upgrading Provider=\"cluster-api\" from v1.6.3 to v1.7.2") != progress.end());
  for (const auto& line : progress)
    CHECK(line.find("infrastructure-openstack from") == std::string::npos);

  // Drift: someone upgraded CAPO behind capstan's back.
  REQUIRE(m.host.Sh("clusterctl upgrade apply -i openstack:v0.9.1 --kubeconfig " + m.kc_file)
              .exit_code == 0);
  auto drift = m.capi->Read(ctx, *up);
  REQUIRE(drift.ok());
  CHECK((*drift)->attributes["infrastructure_version"] == "v0.9.1");

  REQUIRE_FALSE(m.capi->Delete(ctx, *up).HasErrors());
  auto gone = m.capi->Read(ctx, *up);
  REQUIRE(gone.ok());
  CHECK_FALSE(gone->has_value());
}

TEST_CASE("capi.management: CAPO v0.12 installs ORC first, from the given manifest", "[kube]") {
  if (KubectlPath().empty()) {
    WARN("no kubectl on this machine; skipped");
    return;
  }
  Mgmt m;
  std::string orc = m.host.state() + "/orc.yaml";
  testing::WriteFile(orc,
                     "apiVersion: v1\nkind: Namespace\nmetadata: {name: orc-system}\n---\n"
                     "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: "
                     "orc-controller-manager\n  namespace: orc-system\nspec:\n  selector:\n"
                     "    matchLabels: {app: orc}\n  template:\n    metadata:\n      labels: {app: "
                     "orc}\n    spec:\n      containers:\n      - name: manager\n        image: "
                     "quay.io/orc/openstack-resource-controller:v2.0.3\n");
  Value props = m.Props();
  props["infrastructure_version"] = "v0.12.1";
  props["orc_manifest"] = orc;
  auto made = m.capi->Create(HostCtx("capi.management.capi"), props);
  INFO(made.diags().ToString());
  REQUIRE(made.ok());
  CHECK(made->attributes["providers"]["orc"] == "v2.0.3");
  CHECK(made->attributes["providers"]["infrastructure-openstack"] == "v0.12.1");
  auto read = m.capi->Read(HostCtx("capi.management.capi"), *made);
  REQUIRE(read.ok());
  CHECK((*read)->attributes == made->attributes);
}

TEST_CASE("capi.management: a failing clusterctl quotes its stderr", "[kube]") {
  if (KubectlPath().empty()) {
    WARN("no kubectl on this machine; skipped");
    return;
  }
  Mgmt m;
  Value props = m.Props();
  props["host"]["env"]["FAKE_CLUSTERCTL_FAIL"] =
      "Error: failed to get provider components: rate limit exceeded";
  auto made = m.capi->Create(HostCtx("capi.management.capi"), props);
  REQUIRE_FALSE(made.ok());
  std::string msg = made.diags().ToString();
  CHECK(msg.find("clusterctl init failed on local: exited with status 1") != std::string::npos);
  CHECK(msg.find("rate limit exceeded") != std::string::npos);
  CHECK(m.capi->Validate({{"core_version", "latest"}}).ToString().find("not a version") !=
        std::string::npos);
}

}  // namespace
}  // namespace capstan::host
