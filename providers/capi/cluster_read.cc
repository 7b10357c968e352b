// Read of a capi.cluster (see cluster_read.h).
#include "providers/capi/cluster_read.h"

#include "providers/capi/cluster_ops.h"
#include "providers/capi/render.h"

namespace capstan::capi {
namespace {

using R = Result<std::optional<ObjectState>>;

const Value& At(const Value& v, std::initializer_list<const char*> path) {
  static const Value kNull;
  const Value* cur = &v;
  for (const char* k : path) {
    if (!cur->is_object() || !cur->contains(k)) return kNull;
    cur = &(*cur)[k];
  }
  return *cur;
}

/// Sets `attrs[key]` to `live` when the live value is known and differs.
void Reflect(Value& attrs, const char* key, const Value& live) {
  if (!live.is_null() && attrs.value(key, Value()) != live) attrs[key] = live;
}

class Reader {
 public:
  Reader(kube::Client& c, const ClusterSpec& s, const CallContext& ctx) : c_(c), s_(s), ctx_(ctx) {}

  Result<std::optional<Value>> Get(const std::string& api, const std::string& kind,
                                   const std::string& name) {
    return c_.Get(kube::ObjectRef{api, kind, s_.ns, name}, ctx_.cancel);
  }

  /// Flavor and image of the machine template `ref` points at.
  Status Template(const Value& ref, Value& attrs, const char* flavor_key) {
    if (!ref.is_object() || !ref.contains("name")) return {};
    auto t = Get(ref.value("apiVersion", InfraApiVersion(s_)), "OpenStackMachineTemplate",
                 ref.value("name", ""));
    if (!t.ok()) return t.diags();
    if (!t->has_value()) return {};
    const Value& spec = At(**t, {"spec", "template", "spec"});
    Reflect(attrs, flavor_key, At(spec, {"flavor"}));
    Value image = At(spec, {"image"});
    if (image.is_object()) image = At(image, {"filter", "name"});
    if (image.is_string() && image != s_.image) attrs["image"] = image;
    return {};
  }

  /// The Kubernetes version the live object asks for, mapped back when it differs.
  void Version(const Value& live_version, Value& attrs) {
    if (!live_version.is_string() || live_version == s_.version.ToString()) return;
    attrs["kubernetes_version"] = live_version;
    attrs["resolved_version"] = live_version;
  }

 private:
  kube::Client& c_;
  const ClusterSpec& s_;
  const CallContext& ctx_;
};

}  // namespace

R ReadCluster(const ObjectState& prior, const CallContext& ctx) {
  auto spec = SpecFromProps(prior.attributes);
  if (!spec.ok()) return spec.diags();
  auto client =
      ConnectKubeconfig(prior.attributes.value("kubeconfig", ""),
                        prior.attributes.value("context", ""), "management cluster kubeconfig");
  if (!client.ok()) return client.diags();
  Reader rd(**client, *spec, ctx);
  auto cluster = rd.Get(kClusterApi, "Cluster", spec->name);
  if (!cluster.ok()) return cluster.diags();
  if (!cluster->has_value()) return R(std::optional<ObjectState>());

  ObjectState now{prior.id, prior.attributes};
  Value& attrs = now.attributes;
  const Value& net = At(**cluster, {"spec", "clusterNetwork"});
  const Value& pods = At(net, {"pods", "cidrBlocks"});
  const Value& services = At(net, {"services", "cidrBlocks"});
  if (pods.is_array() && pods.size() == 1) Reflect(attrs, "pod_cidr", pods[0]);
  if (services.is_array() && services.size() == 1) Reflect(attrs, "service_cidr", services[0]);

  auto kcp = rd.Get(kControlPlaneApi, "KubeadmControlPlane", ControlPlaneName(*spec));
  if (!kcp.ok()) return kcp.diags();
  if (!kcp->has_value()) {
    attrs["control_plane_count"] = nullptr;  // missing: the plan re-applies it
  } else {
    Reflect(attrs, "control_plane_count", At(**kcp, {"spec", "replicas"}));
    rd.Version(At(**kcp, {"spec", "version"}), attrs);
    Status st = rd.Template(At(**kcp, {"spec", "machineTemplate", "infrastructureRef"}), attrs,
                            "control_plane_flavor");
    if (st.HasErrors()) return st;
  }
  auto md = rd.Get(kClusterApi, "MachineDeployment", MachineDeploymentName(*spec));
  if (!md.ok()) return md.diags();
  if (!md->has_value()) {
    attrs["worker_count"] = nullptr;
  } else {
    Reflect(attrs, "worker_count", At(**md, {"spec", "replicas"}));
    rd.Version(At(**md, {"spec", "template", "spec", "version"}), attrs);
    Status st = rd.Template(At(**md, {"spec", "template", "spec", "infrastructureRef"}), attrs,
                            "worker_flavor");
    if (st.HasErrors()) return st;
  }
  auto osc = rd.Get(InfraApiVersion(*spec), "OpenStackCluster", spec->name);
  if (!osc.ok()) return osc.diags();
  if (osc->has_value()) {
    const Value& o = At(**osc, {"spec"});
    if (spec->capo_api_version == "v1alpha7") {
      Reflect(attrs, "external_network_id", At(o, {"externalNetworkId"}));
      Reflect(attrs, "node_cidr", At(o, {"nodeCidr"}));
      Reflect(attrs, "dns_nameservers", At(o, {"dnsNameservers"}));
    } else {
      Reflect(attrs, "external_network_id", At(o, {"externalNetwork", "id"}));
      const Value& subnets = At(o, {"managedSubnets"});
      if (subnets.is_array() && subnets.size() == 1) {
        Reflect(attrs, "node_cidr", At(subnets[0], {"cidr"}));
        Reflect(attrs, "dns_nameservers", At(subnets[0], {"dnsNameservers"}));
      }
    }
  }
  auto kubeconfig = ReadWorkloadKubeconfig(**client, *spec, ctx.cancel);
  if (!kubeconfig.ok()) return kubeconfig.diags();
  if (kubeconfig->has_value()) attrs["workload_kubeconfig"] = **kubeconfig;
  return R(std::optional<ObjectState>(std::move(now)));
}

}  // namespace capstan::capi
