// The schema of k8s.addon: one cluster addon from the catalog, as typed, documented properties.
#include "providers/attr_builder.h"
#include "providers/kubernetes/kube_provider.h"

namespace capstan::kube {

ResourceSchema AddonSchema() {
  ResourceSchema s;
  s.type = "k8s.addon";
  s.description =
      "A cluster addon from capstan's catalog (occm, cinder-csi, calico, cilium, "
      "metrics-server, ingress-nginx, cert-manager, flux): upstream manifests fetched once, "
      "pinned by sha256, patched and server-side applied. Removing the resource deletes the "
      "addon's objects.";
  using T = AttrType;
  s.attributes = {
      Attr("kubeconfig",
           "Kubeconfig of the cluster: its text (e.g. ${cluster.workload_kubeconfig}) or a "
           "path. Default: the kubernetes provider's.")
          .Optional()
          .Sensitive(),
      Attr("context", "Context in that kubeconfig (default: current-context).").Optional(),
      Attr("addon",
           "Catalog name: occm, cinder-csi, calico, cilium, metrics-server, "
           "ingress-nginx, cert-manager or flux. Changing it replaces the resource.")
          .Required()
          .ForceNew(),
      Attr("version",
           "true: the catalog's version (OCCM and Cinder CSI: the SCS table for "
           "kubernetes_version); or a version, e.g. \"v3.27.3\".",
           T::kAny)
          .Optional()
          .Default(true),
      Attr("kubernetes_version",
           "The cluster's Kubernetes version (vX.Y.Z or vX.Y.x); needed by occm and "
           "cinder-csi with version: true.")
          .Optional(),
      Attr("allow_preview", "Allow SCS tech-preview versions (v1.29, v2).", T::kBool)
          .Optional()
          .Default(false),
      Attr("cluster_name",
           "occm: --cluster-name (load balancer names); cinder-csi: CLUSTER_NAME (volume "
           "metadata).")
          .Optional(),
      Attr("cloud_conf", "occm: cloud.conf content for the Secret kube-system/cloud-config.")
          .Optional()
          .Sensitive(),
      Attr("settings", "Addon-specific options (see the catalog), e.g. {veth_mtu: 1400}.", T::kMap)
          .Optional(),
      Attr("source",
           "A mirror replacing the upstream base URL: a directory, file:///dir or "
           "http(s)://host/prefix holding the files at their upstream paths.")
          .Optional(),
      Attr("sha256", "Explicit pins: file (name, path or URL) -> sha256.", T::kMap).Optional(),
      Attr("wait_timeout",
           "Seconds to wait for the addon's Deployments to be Available and for deletions "
           "(0 = do not wait for Deployments).",
           T::kNumber)
          .Optional()
          .Default(600),
      Attr("resolved_version", "The version applied (set by capstan; a change shows in plans).")
          .Optional()
          .Computed(),
      Attr("in_sync",
           "False when objects capstan applied were changed or deleted outside capstan; the "
           "next apply re-applies them (set by capstan).",
           T::kBool)
          .Optional()
          .Computed(),
      Attr("cni", "True for a CNI (calico, cilium).", T::kBool).Computed(),
      Attr("objects", "apiVersion, kind, namespace and name of every object applied.", T::kList)
          .Computed(),
      Attr("manifest_sha256",
           "Upstream URL -> sha256 of each manifest applied; pinned on first use.", T::kMap)
          .Computed(),
  };
  return s;
}

}  // namespace capstan::kube
