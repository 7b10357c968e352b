// Addon versions: the SCS table that matches OCCM / CCM RBAC / Cinder CSI to a Kubernetes minor.
//
/// The SCS KaaS v1 scripts chose the cloud-provider-openstack release for a cluster from a
/// table in a shell include (openstack-kube-versions.inc) with rules spread over three
/// scripts. Here the table is data (CloudProviderTable) and the rules are pure functions,
/// unit-tested against the table:
///  - row choice: the row of the same minor; below the table the first row, above it the
///    last;
///  - patch cap: for Kubernetes >= 1.25 the OCCM/CSI patch level is at most the Kubernetes
///    patch level (an OCCM v1.xx.yy needs a kube API >= v1.xx.yy), e.g. k8s v1.28.1 ->
///    OCCM v1.28.1. Applied when the row's minor is the cluster's minor (for a cluster
///    above the table, capping another minor's patch would mean nothing);
///  - tech preview: versions starting v1.29 or v2 need `allow_preview`;
///  - `.x`: vX.Y.x is the newest patch capstan knows (capi's version table, then this
///    table's Kubernetes column), else vX.Y.0.
/// Kubernetes version text is parsed by providers/capi/versions.h, the one parser.
#pragma once

#include <string>
#include <vector>

#include "engine/result.h"
#include "providers/capi/versions.h"

namespace capstan::kube {

/// One row of the SCS table: a Kubernetes release and the matching cloud-provider-openstack
/// releases.
struct CloudProviderRow {
  capi::KubeVersion kubernetes;  ///< The newest patch SCS used for this minor.
  std::string occm, ccm_rbac, cinder_csi;
};

const std::vector<CloudProviderRow>& CloudProviderTable();

/// `kubernetes_version` text: vX.Y.Z, or vX.Y.x resolved as above.
Result<capi::KubeVersion> ResolveKubernetesVersion(const std::string& text);

/// The versions an addon's manifests are fetched for.
struct AddonVersion {
  std::string version;       ///< The addon's version ("v1.28.2").
  std::string rbac_version;  ///< OCCM's RBAC manifests (CCM RBAC column); else = version.
};

/// OCCM (`occm`) or Cinder CSI (`cinder-csi`) for Kubernetes `k8s`: row choice and patch cap.
AddonVersion TableVersion(const std::string& addon, const capi::KubeVersion& k8s);

/// True for versions starting "v1.29" or "v2" (SCS tech preview).
bool IsTechPreview(const std::string& version);

/// True for "vMAJOR.MINOR.PATCH" with an optional "-suffix" (v1.9.6, v1.30.0-rc.1).
bool IsAddonVersion(const std::string& text);

}  // namespace capstan::kube
