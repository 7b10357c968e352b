// The SCS OCCM / Cinder CSI version table and its rules (see addon_versions.h).
#include "providers/kubernetes/addon_versions.h"

#include <regex>

namespace capstan::kube {

const std::vector<CloudProviderRow>& CloudProviderTable() {
  /// openstack-kube-versions.inc at SCS k8s-cluster-api-provider HEAD (a7466098c8e9).
  static const std::vector<CloudProviderRow> table = {
      {{1, 21, 14}, "v1.21.1", "v1.22.2", "v1.21.1"},
      {{1, 22, 17}, "v1.22.2", "v1.22.2", "v1.22.2"},
      {{1, 23, 16}, "v1.23.4", "v1.23.4", "v1.23.4"},
      {{1, 24, 15}, "v1.24.6", "v1.24.6", "v1.24.6"},
      {{1, 25, 15}, "v1.25.6", "v1.25.6", "v1.25.6"},
      {{1, 26, 14}, "v1.26.4", "v1.26.4", "v1.26.4"},
      {{1, 27, 12}, "v1.27.3", "v1.27.3", "v1.27.3"},
      {{1, 28, 11}, "v1.28.2", "v1.28.2", "v1.28.2"},
      {{1, 29, 3}, "v1.29.0", "v1.29.0", "v1.29.0"},
  };
  return table;
}

Result<capi::KubeVersion> ResolveKubernetesVersion(const std::string& text) {
  if (text.size() > 2 && text.compare(text.size() - 2, 2, ".x") == 0) {
    auto base = capi::ParseVersion(text.substr(0, text.size() - 2) + ".0");
    if (!base) {
      return Result<capi::KubeVersion>::Fail(
          "kubernetes_version \"" + text + "\" is not a version",
          "Write vMAJOR.MINOR.PATCH or vMAJOR.MINOR.x, e.g. v1.28.x.");
    }
    for (const auto& v : capi::VersionTable()) {
      if (v.major == base->major && v.minor == base->minor) return v;
    }
    for (const auto& row : CloudProviderTable()) {
      const auto& v = row.kubernetes;
      if (v.major == base->major && v.minor == base->minor) return v;
    }
    return *base;  // SCS: a minor nobody knows resolves to its .0 release
  }
  // Full versions: the one parser (and its messages) capi.cluster uses.
  return capi::ResolveVersion(text);
}

namespace {

capi::KubeVersion Parsed(const std::string& v) {
  auto p = capi::ParseVersion(v);
  return p ? *p : capi::KubeVersion{};
}

/// `version` with its patch lowered to `patch` when it is higher.
std::string CapPatch(const std::string& version, int patch) {
  capi::KubeVersion v = Parsed(version);
  if (v.patch <= patch) return version;
  v.patch = patch;
  return v.ToString();
}

}  // namespace

AddonVersion TableVersion(const std::string& addon, const capi::KubeVersion& k8s) {
  const auto& table = CloudProviderTable();
  const CloudProviderRow* row = &table.front();
  if (k8s > table.back().kubernetes) row = &table.back();
  for (const auto& r : table) {
    if (r.kubernetes.major == k8s.major && r.kubernetes.minor == k8s.minor) row = &r;
  }
  AddonVersion out;
  out.version = addon == "cinder-csi" ? row->cinder_csi : row->occm;
  out.rbac_version = addon == "cinder-csi" ? row->cinder_csi : row->ccm_rbac;
  bool same_minor = row->kubernetes.major == k8s.major && row->kubernetes.minor == k8s.minor;
  if (k8s >= capi::KubeVersion{1, 25, 0} && same_minor) {
    out.version = CapPatch(out.version, k8s.patch);
    out.rbac_version = CapPatch(out.rbac_version, k8s.patch);
  }
  return out;
}

bool IsTechPreview(const std::string& version) {
  return version.rfind("v1.29", 0) == 0 || version.rfind("v2", 0) == 0;
}

bool IsAddonVersion(const std::string& text) {
  static const std::regex kVersion("v[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.]+)?");
  return std::regex_match(text, kVersion);
}

}  // namespace capstan::kube
