// Per-addon patches on parsed objects (see addon_patches.h).
#include "providers/kubernetes/addon_patches.h"

#include "providers/kubernetes/manifest_objects.h"

namespace capstan::kube {
namespace {

using Objects = std::vector<Value>;

Value* Find(Objects& objs, const std::string& kind, const std::string& name) {
  for (Value& o : objs) {
    if (o.value("kind", "") == kind && o["metadata"].value("name", "") == name) return &o;
  }
  return nullptr;
}

Diagnostics Missing(const PatchInput& in, const std::string& what) {
  Diagnostics d;
  d.Error(in.addon + " " + in.version + ": the manifest has no " + what + " to patch",
          "Upstream changed its manifest; this capstan's catalog does not know this version's "
          "layout. Use a version the catalog was written for, or report it.");
  return d;
}

/// Every container of a workload's pod template (Deployment, DaemonSet, ...).
std::vector<Value*> Containers(Value& obj) {
  std::vector<Value*> out;
  Value* spec = &obj["spec"]["template"]["spec"];
  for (const char* list : {"initContainers", "containers"}) {
    if (!spec->contains(list) || !(*spec)[list].is_array()) continue;
    for (Value& c : (*spec)[list]) out.push_back(&c);
  }
  return out;
}

/// The image without its tag or digest: "registry.k8s.io/provider-os/cinder-csi-plugin".
std::string Repository(const std::string& image) {
  std::string repo = image.substr(0, image.find('@'));
  size_t colon = repo.rfind(':');
  size_t slash = repo.rfind('/');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    repo.resize(colon);
  }
  return repo;
}

/// Containers in all workloads whose image repository ends with "/<image>".
std::vector<Value*> ContainersOfImage(Objects& objs, const std::string& image) {
  std::vector<Value*> out;
  for (Value& o : objs) {
    if (!o.contains("spec") || !o["spec"].is_object() || !o["spec"].contains("template")) continue;
    for (Value* c : Containers(o)) {
      std::string repo = Repository(c->value("image", ""));
      if (repo.size() > image.size() &&
          repo.compare(repo.size() - image.size() - 1, std::string::npos, "/" + image) == 0) {
        out.push_back(c);
      }
    }
  }
  return out;
}

void SetEnv(Value& container, const std::string& name, const std::string& value) {
  Value& env = container["env"];
  if (!env.is_array()) env = Value::array();
  for (Value& e : env) {
    if (e.value("name", "") == name) {
      e = Value{{"name", name}, {"value", value}};
      return;
    }
  }
  env.push_back(Value{{"name", name}, {"value", value}});
}

/// Replaces "--flag=..." (or appends it) in the container's args.
void SetArg(Value& container, const std::string& flag, const std::string& value) {
  Value& args = container["args"];
  if (!args.is_array()) args = Value::array();
  std::string arg = value.empty() ? flag : flag + "=" + value;
  for (Value& a : args) {
    std::string s = a.is_string() ? a.get<std::string>() : "";
    if (s == flag || s.rfind(flag + "=", 0) == 0) {
      a = arg;
      return;
    }
  }
  args.push_back(arg);
}

Result<Objects> PatchImages(Objects objs, const PatchInput& in, const std::string& image) {
  auto containers = ContainersOfImage(objs, image);
  if (containers.empty()) return Missing(in, "container with image .../" + image);
  for (Value* c : containers) {
    (*c)["image"] = Repository((*c)["image"].get<std::string>()) + ":" + in.version;
    if (in.cluster_name.empty()) continue;
    // CSI reads CLUSTER_NAME; newer OCCM manifests pass --cluster-name=$(CLUSTER_NAME).
    bool occm = image == "openstack-cloud-controller-manager";
    if (occm) SetArg(*c, "--cluster-name", in.cluster_name);
    bool has_env = false;
    for (const Value& e : c->value("env", Value::array())) {
      has_env = has_env || e.value("name", "") == "CLUSTER_NAME";
    }
    if (!occm || has_env) SetEnv(*c, "CLUSTER_NAME", in.cluster_name);
  }
  return objs;
}

Result<Objects> PatchOccm(Objects objs, const PatchInput& in) {
  auto patched = PatchImages(std::move(objs), in, "openstack-cloud-controller-manager");
  if (!patched.ok() || in.cloud_conf.empty()) return patched;
  patched->push_back(
      NormalizeObject({{"apiVersion", "v1"},
                       {"kind", "Secret"},
                       {"metadata", {{"name", "cloud-config"}, {"namespace", "kube-system"}}},
                       {"type", "Opaque"},
                       {"stringData", {{"cloud.conf", in.cloud_conf}}}}));
  return patched;
}

Result<Objects> PatchCinderCsi(Objects objs, const PatchInput& in) {
  auto patched = PatchImages(std::move(objs), in, "cinder-csi-plugin");
  if (!patched.ok() || !in.settings.value("storage_class", true)) return patched;
  patched->push_back(
      {{"apiVersion", "storage.k8s.io/v1"},
       {"kind", "StorageClass"},
       {"metadata",
        {{"name", "cinder-default"},
         {"annotations", {{"storageclass.kubernetes.io/is-default-class", "true"}}}}},
       {"provisioner", "cinder.csi.openstack.org"}});
  return patched;
}

Result<Objects> PatchCalico(Objects objs, const PatchInput& in) {
  const Value& mtu = in.settings.value("veth_mtu", Value());
  if (mtu.is_number()) {
    Value* cm = Find(objs, "ConfigMap", "calico-config");
    if (cm == nullptr) return Missing(in, "ConfigMap calico-config");
    (*cm)["data"]["veth_mtu"] = std::to_string(mtu.get<int64_t>());
  }
  const Value& cidr = in.settings.value("pod_cidr", Value());
  if (cidr.is_string()) {
    Value* ds = Find(objs, "DaemonSet", "calico-node");
    Value* node = nullptr;
    if (ds != nullptr) {
      for (Value* c : Containers(*ds)) {
        if (c->value("name", "") == "calico-node") node = c;
      }
    }
    if (node == nullptr) return Missing(in, "DaemonSet calico-node with container calico-node");
    SetEnv(*node, "CALICO_IPV4POOL_CIDR", cidr.get<std::string>());
  }
  return objs;
}

Result<Objects> PatchMetricsServer(Objects objs, const PatchInput& in) {
  if (!in.settings.value("kubelet_insecure_tls", true)) return objs;
  Value* deploy = Find(objs, "Deployment", "metrics-server");
  if (deploy == nullptr) return Missing(in, "Deployment metrics-server");
  for (Value* c : Containers(*deploy)) {
    if (c->value("name", "") == "metrics-server") SetArg(*c, "--kubelet-insecure-tls", "");
  }
  return objs;
}

Result<Objects> PatchIngressNginx(Objects objs, const PatchInput& in) {
  Value* svc = Find(objs, "Service", "ingress-nginx-controller");
  Value* cm = Find(objs, "ConfigMap", "ingress-nginx-controller");
  if (svc == nullptr || cm == nullptr) {
    return Missing(in, "Service and ConfigMap ingress-nginx-controller");
  }
  bool proxy = in.settings.value("proxy_protocol", true);
  std::string cidr = in.settings.value("node_cidr", "10.8.0.0/20");
  Value& ann = (*svc)["metadata"]["annotations"];
  ann["loadbalancer.openstack.org/enable-health-monitor"] = "true";
  if (proxy) ann["loadbalancer.openstack.org/proxy-protocol"] = "true";
  (*svc)["spec"]["externalTrafficPolicy"] = "Local";
  Value& data = (*cm)["data"];
  if (proxy) {
    data["use-proxy-protocol"] = "true";
    data["real-ip-header"] = "proxy_protocol";
  }
  data["set-real-ip-from"] = cidr;
  data["proxy-real-ip-cidr"] = cidr;
  return objs;
}

}  // namespace

std::vector<Value> FlattenLists(const std::vector<Value>& docs) {
  std::vector<Value> out;
  for (const Value& d : docs) {
    std::string kind = d.is_object() ? d.value("kind", "") : "";
    bool list = kind.size() >= 4 && kind.compare(kind.size() - 4, 4, "List") == 0 &&
                d.contains("items") && d["items"].is_array();
    if (!list) {
      out.push_back(d);
      continue;
    }
    for (const Value& item : d["items"]) out.push_back(item);
  }
  return out;
}

Result<std::vector<Value>> PatchAddon(std::vector<Value> objs, const PatchInput& in) {
  if (in.addon == "occm") return PatchOccm(std::move(objs), in);
  if (in.addon == "cinder-csi") return PatchCinderCsi(std::move(objs), in);
  if (in.addon == "calico") return PatchCalico(std::move(objs), in);
  if (in.addon == "metrics-server") return PatchMetricsServer(std::move(objs), in);
  if (in.addon == "ingress-nginx") return PatchIngressNginx(std::move(objs), in);
  return objs;  // cilium (rendered with its values), cert-manager, flux: as published
}

}  // namespace capstan::kube
