// The long-running parts of a capi.cluster: the SCS wait protocol and the workload teardown.
//
/// Separate from the resource type so each step reads as the protocol it implements:
///  - ready: Cluster InfrastructureReady and ControlPlaneReady, the KubeadmControlPlane
///    and the MachineDeployment with every desired replica updated and ready (a rolling
///    replacement is finished only then), and the `<name>-kubeconfig` Secret present;
///  - teardown: inside the workload cluster, Services of type LoadBalancer and all
///    PersistentVolumeClaims are deleted and waited for, so OCCM and Cinder CSI remove
///    their Octavia load balancers and volumes while they still run (CAPO does not);
///    only then is the Cluster object deleted and CAPI cascades.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "engine/result.h"
#include "providers/capi/cluster_spec.h"
#include "providers/kubernetes/client.h"
#include "providers/provider.h"

namespace capstan::capi {

/// A client for a kubeconfig given as text (contains a newline) or a path.
Result<std::unique_ptr<kube::Client>> ConnectKubeconfig(const std::string& kubeconfig,
                                                        const std::string& context,
                                                        const std::string& what);

/// Polls until the cluster is ready as above; the error names the step not reached.
Status WaitClusterReady(kube::Client& mgmt, const ClusterSpec& s, std::chrono::seconds timeout,
                        const CallContext& ctx);

/// The workload kubeconfig from Secret `<name>-kubeconfig` (key `value`); nullopt when the
/// Secret does not exist (yet).
Result<std::optional<std::string>> ReadWorkloadKubeconfig(kube::Client& mgmt, const ClusterSpec& s,
                                                          const std::atomic<bool>* cancel);

/// Deletes LoadBalancer Services and PersistentVolumeClaims in the workload cluster and
/// waits until they are gone.
Status TeardownWorkload(kube::Client& workload, std::chrono::seconds timeout,
                        const CallContext& ctx);

}  // namespace capstan::capi
