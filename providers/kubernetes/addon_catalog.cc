// The addon catalog as data (see addon_catalog.h and docs/providers/kubernetes.md).
#include "providers/kubernetes/addon_catalog.h"

namespace capstan::kube {
namespace {

constexpr const char* kRaw = "https://raw.githubusercontent.com/";
constexpr const char* kGithub = "https://github.com/";

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
  return s;
}

}  // namespace

const std::vector<AddonSpec>& AddonCatalog() {
  /// Versions are SCS KaaS v1's `true` defaults (scs-kaas-v1.md 1.10); OCCM and Cinder CSI
  /// follow addon_versions.h. Sources are the upstream release files SCS applied.
  static const std::vector<AddonSpec> catalog = [] {
    const std::string cpo = "kubernetes/cloud-provider-openstack/";
    std::vector<AddonSpec> c;
    c.push_back({"occm",
                 false,
                 true,
                 "",
                 kRaw,
                 {cpo + "{rbac_version}/manifests/controller-manager/"
                        "cloud-controller-manager-roles.yaml",
                  cpo + "{rbac_version}/manifests/controller-manager/"
                        "cloud-controller-manager-role-bindings.yaml",
                  cpo + "{version}/manifests/controller-manager/"
                        "openstack-cloud-controller-manager-ds.yaml"},
                 {},
                 ""});
    std::vector<std::string> csi;
    for (const char* f :
         {"cinder-csi-controllerplugin-rbac", "cinder-csi-controllerplugin",
          "cinder-csi-nodeplugin-rbac", "cinder-csi-nodeplugin", "csi-cinder-driver"}) {
      csi.push_back(cpo + "{version}/manifests/cinder-csi-plugin/" + f + ".yaml");
    }
    c.push_back({"cinder-csi",
                 false,
                 true,
                 "",
                 kRaw,
                 csi,
                 {{"storage_class", "bool", true,
                   "add the default StorageClass cinder-default (provisioner "
                   "cinder.csi.openstack.org)"}},
                 ""});
    c.push_back(
        {"calico",
         true,
         false,
         "v3.27.3",
         kRaw,
         {"projectcalico/calico/{version}/manifests/calico.yaml"},
         {{"veth_mtu", "number", Value(),
           "MTU of the pod interfaces (calico-config veth_mtu); SCS: cloud MTU - 50, rounded down "
           "to a multiple of 8"},
          {"pod_cidr", "string", Value(), "IPv4 pool (CALICO_IPV4POOL_CIDR of calico-node)"}},
         ""});
    c.push_back({"cilium",
                 true,
                 false,
                 "v1.15.1",
                 "",
                 {"cilium/cilium/{version}/install/kubernetes/cilium.yaml"},
                 {},
                 "Cilium publishes no static manifest since v1.10; render one with helm "
                 "(values as SCS's `cilium install`): helm template cilium cilium/cilium "
                 "--version 1.15.1 --namespace kube-system --set "
                 "ipam.operator.clusterPoolIPv4PodCIDRList={192.168.0.0/16} --set "
                 "cni.chainingMode=portmap --set sessionAffinity=true > "
                 "<mirror>/cilium/cilium/v1.15.1/install/kubernetes/cilium.yaml"});
    c.push_back({"metrics-server",
                 false,
                 false,
                 "v0.7.0",
                 kGithub,
                 {"kubernetes-sigs/metrics-server/releases/download/{version}/components.yaml"},
                 {{"kubelet_insecure_tls", "bool", true,
                   "pass --kubelet-insecure-tls (kubelet serving certificates are not "
                   "signed by the cluster CA; SCS #148)"}},
                 ""});
    c.push_back({"ingress-nginx",
                 false,
                 false,
                 "v1.9.6",
                 kRaw,
                 {"kubernetes/ingress-nginx/controller-{version}/deploy/static/provider/cloud/"
                  "deploy.yaml"},
                 {{"proxy_protocol", "bool", true,
                   "PROXY protocol between the Octavia load balancer and nginx (SCS overlay "
                   "nginx-proxy; false = nginx-monitor); not with the OVN provider"},
                  {"node_cidr", "string", "10.8.0.0/20",
                   "trusted source of real client addresses (set-real-ip-from, "
                   "proxy-real-ip-cidr)"}},
                 ""});
    c.push_back({"cert-manager",
                 false,
                 false,
                 "v1.14.2",
                 kGithub,
                 {"cert-manager/cert-manager/releases/download/{version}/cert-manager.yaml"},
                 {},
                 ""});
    c.push_back({"flux",
                 false,
                 false,
                 "v2.2.3",
                 kGithub,
                 {"fluxcd/flux2/releases/download/{version}/install.yaml"},
                 {},
                 ""});
    return c;
  }();
  return catalog;
}

const AddonSpec* FindAddon(const std::string& name) {
  for (const auto& a : AddonCatalog()) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

std::string AddonNames() {
  std::string names;
  for (const auto& a : AddonCatalog()) names += (names.empty() ? "" : ", ") + a.name;
  return names;
}

std::vector<ManifestFile> ManifestFiles(const AddonSpec& spec, const AddonVersion& version,
                                        const std::string& source) {
  std::string base = source;
  if (!base.empty() && base.back() != '/') base += '/';
  std::vector<ManifestFile> files;
  for (const std::string& tmpl : spec.paths) {
    ManifestFile f;
    f.path = Replace(Replace(tmpl, "{version}", version.version), "{rbac_version}",
                     version.rbac_version.empty() ? version.version : version.rbac_version);
    f.key = spec.upstream.empty() ? f.path : spec.upstream + f.path;
    f.url = source.empty() ? f.key : base + f.path;
    files.push_back(std::move(f));
  }
  return files;
}

}  // namespace capstan::kube
