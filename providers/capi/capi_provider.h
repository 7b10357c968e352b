// The built-in `capi` provider: Cluster-API workload clusters on a management cluster.
//
/// Unlike the `kubernetes` provider, the connection is a property of each resource (the
/// management kubeconfig usually comes from the kind.cluster that capstan made in the
/// same run), so the provider itself needs no configuration. Types: `capi.cluster`
/// (docs/providers/capi.md) and `capi.management`, the host provider's clusterctl type
/// (docs/providers/host.md), offered here as well so `type: capi.management` needs no
/// `provider:` key.
#pragma once

#include <memory>

#include "providers/provider.h"

namespace capstan {

std::unique_ptr<Provider> NewCapiProvider();

namespace capi {
ResourceSchema ClusterSchema();
std::unique_ptr<ResourceType> NewClusterType();
}  // namespace capi

}  // namespace capstan
