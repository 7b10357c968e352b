// Rendering a capi.cluster: ClusterSpec -> the CAPI/CAPO objects applied to the management cluster.
//
/// What `clusterctl generate cluster` did with the SCS template and `${VAR}` substitution,
/// as a pure function, so the objects are unit-tested with golden files and the plan can
/// reason about them (which machines a change rolls) without a cluster. The shapes follow
/// the SCS R6 template (etcd tuning, external cloud provider, containerd certs.d) in the
/// classic flavour (Cluster -> KubeadmControlPlane / MachineDeployment, no ClusterClass),
/// for CAPO v1alpha7 (SCS R6) or v1beta1.
///
/// Machine templates are immutable in CAPI. Instead of SCS's hand-bumped GEN counters
/// (genc01, genw01), their names end in the first 8 hex digits of a sha256 over their
/// content: a flavor, image or bootstrap change gives a new name, the KCP or
/// MachineDeployment is repointed and CAPI rolls the machines; an unchanged template keeps
/// its name and nothing rolls.
#pragma once

#include <string>
#include <vector>

#include "engine/value.h"
#include "providers/capi/cluster_spec.h"

namespace capstan::capi {

struct RenderedCluster {
  /// In apply order: Secret, OpenStackCluster, the two OpenStackMachineTemplates,
  /// KubeadmConfigTemplate, KubeadmControlPlane, MachineDeployment, Cluster.
  std::vector<Value> objects;
  std::string control_plane_template;     ///< OpenStackMachineTemplate name.
  std::string worker_template;            ///< OpenStackMachineTemplate name.
  std::string worker_bootstrap_template;  ///< KubeadmConfigTemplate name.
};

RenderedCluster Render(const ClusterSpec& s);

/// First 8 hex digits of sha256 over `v` (its canonical JSON text).
std::string ContentHash8(const Value& v);

/// The clouds.yaml of the cloud-config Secret (holds the app credential secret).
std::string CloudsYaml(const ClusterSpec& s);

/// Object names that do not depend on content.
std::string ControlPlaneName(const ClusterSpec& s);       ///< "<name>-control-plane"
std::string MachineDeploymentName(const ClusterSpec& s);  ///< "<name>-md-0"
std::string CloudConfigSecretName(const ClusterSpec& s);  ///< "<name>-cloud-config"

// Parts, in render_infra.cc and render_kubeadm.cc.
Value MetaFor(const ClusterSpec& s, const std::string& name);  ///< name, namespace, labels
Value RenderOpenStackCluster(const ClusterSpec& s);
/// The template body (spec.template.spec) of a machine template.
Value MachineSpec(const ClusterSpec& s, bool control_plane);
Value RenderCloudSecret(const ClusterSpec& s);
/// KubeadmControlPlane spec.kubeadmConfigSpec.
Value ControlPlaneKubeadmSpec(const ClusterSpec& s);
/// KubeadmConfigTemplate spec.template.spec.
Value WorkerKubeadmSpec(const ClusterSpec& s);

inline constexpr const char* kClusterApi = "cluster.x-k8s.io/v1beta1";
inline constexpr const char* kControlPlaneApi = "controlplane.cluster.x-k8s.io/v1beta1";
inline constexpr const char* kBootstrapApi = "bootstrap.cluster.x-k8s.io/v1beta1";

}  // namespace capstan::capi
