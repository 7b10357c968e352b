// k8s.addon version rules against the SCS table: row choice, patch cap, `.x`, tech preview.
#include "providers/kubernetes/addon_versions.h"

#include <catch2/catch.hpp>

#include "providers/kubernetes/addon_catalog.h"
#include "providers/kubernetes/addon_config.h"

namespace capstan::kube {
namespace {

capi::KubeVersion V(const std::string& text) {
  auto v = capi::ParseVersion(text);
  REQUIRE(v);
  return *v;
}

Result<AddonVersion> Resolve(const std::string& addon, const Value& version, const Value& k8s,
                             bool preview = false) {
  const AddonSpec* spec = FindAddon(addon);
  REQUIRE(spec != nullptr);
  return ResolveAddonVersion(*spec, version, k8s, preview);
}

}  // namespace

TEST_CASE("addon versions: every table row gives its OCCM, CCM RBAC and Cinder CSI release",
          "[kube]") {
  for (const auto& row : CloudProviderTable()) {
    INFO(row.kubernetes.ToString());
    AddonVersion occm = TableVersion("occm", row.kubernetes);
    CHECK(occm.version == row.occm);
    CHECK(occm.rbac_version == row.ccm_rbac);
    AddonVersion csi = TableVersion("cinder-csi", row.kubernetes);
    CHECK(csi.version == row.cinder_csi);
  }
  CHECK(TableVersion("occm", V("v1.21.14")).rbac_version == "v1.22.2");
  CHECK(TableVersion("occm", V("v1.28.11")).version == "v1.28.2");
}

TEST_CASE("addon versions: below the table the first row, above it the last", "[kube]") {
  AddonVersion old = TableVersion("occm", V("v1.19.16"));
  CHECK(old.version == "v1.21.1");
  CHECK(old.rbac_version == "v1.22.2");
  CHECK(TableVersion("cinder-csi", V("v1.20.0")).version == "v1.21.1");
  CHECK(TableVersion("occm", V("v1.30.13")).version == "v1.29.0");
  CHECK(TableVersion("cinder-csi", V("v1.32.5")).version == "v1.29.0");
}

TEST_CASE("addon versions: from 1.25 the OCCM and CSI patch is capped at the Kubernetes patch",
          "[kube]") {
  CHECK(TableVersion("occm", V("v1.28.1")).version == "v1.28.1");
  CHECK(TableVersion("occm", V("v1.28.1")).rbac_version == "v1.28.1");
  CHECK(TableVersion("occm", V("v1.28.0")).version == "v1.28.0");
  CHECK(TableVersion("cinder-csi", V("v1.26.3")).version == "v1.26.3");
  CHECK(TableVersion("cinder-csi", V("v1.26.14")).version == "v1.26.4");
  CHECK(TableVersion("occm", V("v1.25.2")).version == "v1.25.2");
  // Before 1.25 no cap: v1.24.2 still gets the row's v1.24.6.
  CHECK(TableVersion("occm", V("v1.24.2")).version == "v1.24.6");
  // Above the table the last row is another minor: nothing to cap.
  CHECK(TableVersion("occm", V("v1.30.0")).version == "v1.29.0");
}

TEST_CASE("addon versions: .x resolves to the newest known patch, else .0", "[kube]") {
  auto r = ResolveKubernetesVersion("v1.28.x");
  REQUIRE(r.ok());
  CHECK(r->ToString() == "v1.28.11");
  CHECK(ResolveKubernetesVersion("v1.22.x")->ToString() == "v1.22.17");
  CHECK(ResolveKubernetesVersion("v1.31.x")->ToString() == "v1.31.9");
  CHECK(ResolveKubernetesVersion("v1.19.x")->ToString() == "v1.19.0");
  CHECK(ResolveKubernetesVersion("v1.28.4")->ToString() == "v1.28.4");
  CHECK_FALSE(ResolveKubernetesVersion("1.28.4").ok());
  CHECK_FALSE(ResolveKubernetesVersion("v1.x").ok());
}

TEST_CASE("addon versions: v1.29 and v2 are tech previews", "[kube]") {
  CHECK(IsTechPreview("v1.29.0"));
  CHECK(IsTechPreview("v1.29.3"));
  CHECK(IsTechPreview("v2.0.0"));
  CHECK_FALSE(IsTechPreview("v1.28.2"));
  CHECK_FALSE(IsTechPreview("v1.30.1"));
  CHECK(IsAddonVersion("v1.9.6"));
  CHECK(IsAddonVersion("v1.30.0-rc.1"));
  CHECK_FALSE(IsAddonVersion("1.9.6"));
  CHECK_FALSE(IsAddonVersion("master"));
}

TEST_CASE("addon versions: version true follows kubernetes_version for OCCM and Cinder CSI",
          "[kube]") {
  auto occm = Resolve("occm", true, "v1.28.x");
  REQUIRE(occm.ok());
  CHECK(occm->version == "v1.28.2");
  CHECK(Resolve("cinder-csi", true, "v1.27.x")->version == "v1.27.3");
  CHECK(Resolve("occm", true, "v1.28.1")->version == "v1.28.1");

  auto missing = Resolve("occm", true, Value());
  REQUIRE_FALSE(missing.ok());
  CHECK_THAT(missing.diags().ToString(), Catch::Contains("version: true needs kubernetes_version"));
  CHECK(missing.diags().items()[0].key == "properties.kubernetes_version");
}

TEST_CASE("addon versions: tech-preview results need allow_preview", "[kube]") {
  auto preview = Resolve("occm", true, "v1.29.x");
  REQUIRE_FALSE(preview.ok());
  CHECK_THAT(preview.diags().ToString(), Catch::Contains("occm v1.29.0 for Kubernetes v1.29.3 "
                                                         "is a tech preview"));
  CHECK_THAT(preview.diags().ToString(), Catch::Contains("allow_preview: true"));
  CHECK(Resolve("occm", true, "v1.29.x", true)->version == "v1.29.0");
  // Newer than the table: the last row is all there is, and it is a preview.
  CHECK_FALSE(Resolve("cinder-csi", true, "v1.31.x").ok());
  CHECK(Resolve("cinder-csi", true, "v1.31.x", true)->version == "v1.29.0");
  // An explicit version is the user's choice.
  CHECK(Resolve("occm", "v1.29.1", Value())->version == "v1.29.1");
}

TEST_CASE("addon versions: the other addons default to the SCS versions", "[kube]") {
  CHECK(Resolve("calico", true, Value())->version == "v3.27.3");
  CHECK(Resolve("cilium", true, Value())->version == "v1.15.1");
  CHECK(Resolve("metrics-server", true, Value())->version == "v0.7.0");
  CHECK(Resolve("cert-manager", true, Value())->version == "v1.14.2");
  CHECK(Resolve("ingress-nginx", true, Value())->version == "v1.9.6");
  CHECK(Resolve("flux", true, Value())->version == "v2.2.3");
  CHECK(Resolve("calico", "v3.28.0", Value())->version == "v3.28.0");

  auto bare = Resolve("calico", "3.28.0", Value());
  REQUIRE_FALSE(bare.ok());
  CHECK_THAT(bare.diags().ToString(), Catch::Contains("version \"3.28.0\" is not a version"));
  auto off = Resolve("calico", false, Value());
  REQUIRE_FALSE(off.ok());
  CHECK_THAT(off.diags().ToString(), Catch::Contains("remove its resource"));
}

TEST_CASE("addon catalog: manifest URLs follow upstream, a source mirror keeps the paths",
          "[kube]") {
  const AddonSpec* occm = FindAddon("occm");
  REQUIRE(occm != nullptr);
  auto files = ManifestFiles(*occm, {"v1.21.1", "v1.22.2"}, "");
  REQUIRE(files.size() == 3);
  CHECK(files[0].url ==
        "https://raw.githubusercontent.com/kubernetes/cloud-provider-openstack/v1.22.2/"
        "manifests/controller-manager/cloud-controller-manager-roles.yaml");
  CHECK(files[2].key ==
        "https://raw.githubusercontent.com/kubernetes/cloud-provider-openstack/v1.21.1/"
        "manifests/controller-manager/openstack-cloud-controller-manager-ds.yaml");
  CHECK(files[2].url == files[2].key);

  auto mirrored = ManifestFiles(*FindAddon("metrics-server"), {"v0.7.0", "v0.7.0"}, "/m");
  REQUIRE(mirrored.size() == 1);
  CHECK(mirrored[0].url ==
        "/m/kubernetes-sigs/metrics-server/releases/download/v0.7.0/"
        "components.yaml");
  CHECK(mirrored[0].key ==
        "https://github.com/kubernetes-sigs/metrics-server/releases/"
        "download/v0.7.0/components.yaml");
  auto nginx = ManifestFiles(*FindAddon("ingress-nginx"), {"v1.9.6", "v1.9.6"}, "");
  CHECK(nginx[0].url ==
        "https://raw.githubusercontent.com/kubernetes/ingress-nginx/"
        "controller-v1.9.6/deploy/static/provider/cloud/deploy.yaml");
  CHECK(ManifestFiles(*FindAddon("cinder-csi"), {"v1.28.2", "v1.28.2"}, "").size() == 5);
  CHECK(ManifestFiles(*FindAddon("flux"), {"v2.2.3", "v2.2.3"}, "")[0].url ==
        "https://github.com/fluxcd/flux2/releases/download/v2.2.3/install.yaml");
}

TEST_CASE("addon config: settings are checked per addon and completed with defaults", "[kube]") {
  auto ms = CheckedSettings(*FindAddon("metrics-server"), Value());
  REQUIRE(ms.ok());
  CHECK((*ms)["kubelet_insecure_tls"] == true);
  auto calico = CheckedSettings(*FindAddon("calico"), Value{{"veth_mtu", 1400}});
  REQUIRE(calico.ok());
  CHECK((*calico)["veth_mtu"] == 1400);

  auto unknown = CheckedSettings(*FindAddon("calico"), Value{{"mtu", 1400}});
  REQUIRE_FALSE(unknown.ok());
  CHECK_THAT(unknown.diags().ToString(), Catch::Contains("calico has no setting \"mtu\""));
  CHECK_THAT(unknown.diags().ToString(), Catch::Contains("veth_mtu, pod_cidr"));
  auto typed = CheckedSettings(*FindAddon("ingress-nginx"), Value{{"proxy_protocol", "yes"}});
  REQUIRE_FALSE(typed.ok());
  CHECK_THAT(typed.diags().ToString(), Catch::Contains("settings.proxy_protocol must be a bool"));
}

TEST_CASE("addon config: explicit sha256 pins name a file by name, path or URL", "[kube]") {
  auto files = ManifestFiles(*FindAddon("calico"), {"v3.27.3", "v3.27.3"}, "");
  std::string h(64, 'a');
  auto by_name = ExplicitPins(files, Value{{"calico.yaml", h}});
  REQUIRE(by_name.ok());
  CHECK(by_name->at(files[0].key) == h);
  CHECK(ExplicitPins(files, Value{{files[0].key, h}}).ok());
  auto wrong = ExplicitPins(files, Value{{"other.yaml", h}});
  REQUIRE_FALSE(wrong.ok());
  CHECK_THAT(wrong.diags().ToString(), Catch::Contains("sha256.other.yaml names no file"));
  auto bad = ExplicitPins(files, Value{{"calico.yaml", "abc"}});
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.diags().ToString(), Catch::Contains("is not a sha256"));
}

TEST_CASE("addon config: properties for the wrong addon and a cilium without mirror are refused",
          "[kube]") {
  auto csi = ConfigFromProps(Value{{"addon", "calico"}, {"cluster_name", "demo"}});
  REQUIRE_FALSE(csi.ok());
  CHECK_THAT(csi.diags().ToString(),
             Catch::Contains("cluster_name is only for occm and cinder-csi"));
  auto cilium = ConfigFromProps(Value{{"addon", "cilium"}});
  REQUIRE_FALSE(cilium.ok());
  CHECK_THAT(cilium.diags().ToString(), Catch::Contains("cilium needs a source"));
  CHECK_THAT(cilium.diags().ToString(), Catch::Contains("helm template cilium"));
  auto unknown = ConfigFromProps(Value{{"addon", "weave"}});
  REQUIRE_FALSE(unknown.ok());
  CHECK_THAT(unknown.diags().ToString(), Catch::Contains("unknown addon \"weave\""));
  // Unknown values (from resources not applied yet) are not judged at plan time.
  CHECK_FALSE(
      ValidateAddonProps(Value{{"addon", "occm"}, {"kubernetes_version", Unknown()}}).HasErrors());
  CHECK(ValidateAddonProps(
            Value{{"addon", "occm"}, {"kubernetes_version", "v1.29.x"}, {"kubeconfig", Unknown()}})
            .HasErrors());
}

}  // namespace capstan::kube
