// Reading a capi.cluster back: the managed fields of the live objects, as properties.
//
/// Drift must compare only what capstan manages, and show it in the terms the user
/// wrote. Read therefore maps the live objects back onto the properties they came from —
/// replica counts, the Kubernetes version (KubeadmControlPlane, MachineDeployment),
/// flavors and image (from the machine templates the live objects actually reference),
/// pod/service CIDRs (Cluster), external network, node CIDR and DNS (OpenStackCluster) —
/// and leaves everything else (status, controller defaults, labels) alone. A property
/// that differs makes the plan re-apply the cluster.
#pragma once

#include <optional>

#include "engine/result.h"
#include "providers/provider.h"

namespace capstan::capi {

/// nullopt when the Cluster object is gone.
Result<std::optional<ObjectState>> ReadCluster(const ObjectState& prior, const CallContext& ctx);

}  // namespace capstan::capi
