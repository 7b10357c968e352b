// The per-addon patches of k8s.addon, applied to parsed objects (never to YAML text).
//
/// What SCS did with sed, kustomize overlays and `kubectl create secret`, as functions on
/// the parsed upstream objects, so a patch that no longer finds its target (upstream
/// renamed the DaemonSet) is an error naming what it looked for instead of a silent no-op:
///  - occm: the controller's image tag forced to the addon version (upstream manifests pin
///    a wrong tag, CPO #2094 / SCS #322), `--cluster-name=<cluster_name>` (load balancer
///    names carry the cluster name), and the Secret kube-system/cloud-config from
///    `cloud_conf`;
///  - cinder-csi: the plugin image tag forced likewise, env CLUSTER_NAME (volumes get the
///    metadata cinder.csi.openstack.org/cluster), the default StorageClass cinder-default;
///  - calico: veth_mtu in ConfigMap calico-config, CALICO_IPV4POOL_CIDR on calico-node;
///  - metrics-server: --kubelet-insecure-tls (SCS #148);
///  - ingress-nginx: the SCS overlays nginx-proxy / nginx-monitor (Service annotations,
///    externalTrafficPolicy Local, ConfigMap proxy-protocol and real-ip settings).
#pragma once

#include <string>
#include <vector>

#include "engine/result.h"
#include "engine/value.h"

namespace capstan::kube {

struct PatchInput {
  std::string addon;
  std::string version;               ///< The resolved addon version.
  std::string cluster_name;          ///< Empty = leave upstream's.
  Value settings = Value::object();  ///< Checked, defaults filled in.
  std::string cloud_conf;            ///< occm: content of cloud.conf; empty = no Secret.
};

/// `objs` with the addon's patches applied (and its extra objects appended).
Result<std::vector<Value>> PatchAddon(std::vector<Value> objs, const PatchInput& in);

/// Objects of a `kind: List` (or `*List`) flattened into their items; others unchanged.
std::vector<Value> FlattenLists(const std::vector<Value>& docs);

}  // namespace capstan::kube
