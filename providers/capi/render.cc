// Render: assembles the objects of a capi.cluster and names the immutable templates by content.
#include "providers/capi/render.h"

#include "engine/hash.h"

namespace capstan::capi {

std::string ContentHash8(const Value& v) { return Sha256Hex(v.dump()).substr(0, 8); }

std::string ControlPlaneName(const ClusterSpec& s) { return s.name + "-control-plane"; }
std::string MachineDeploymentName(const ClusterSpec& s) { return s.name + "-md-0"; }
std::string CloudConfigSecretName(const ClusterSpec& s) { return s.name + "-cloud-config"; }

namespace {

/// A template object whose name ends in the hash of everything but its name.
Value HashedTemplate(const ClusterSpec& s, const std::string& api_version, const std::string& kind,
                     const std::string& base, const Value& body) {
  Value spec = {{"template", {{"spec", body}}}};
  Value hashed = {{"apiVersion", api_version}, {"kind", kind}, {"spec", spec}};
  return {{"apiVersion", api_version},
          {"kind", kind},
          {"metadata", MetaFor(s, base + "-" + ContentHash8(hashed))},
          {"spec", spec}};
}

Value Ref(const std::string& api_version, const std::string& kind, const std::string& name) {
  return {{"apiVersion", api_version}, {"kind", kind}, {"name", name}};
}

}  // namespace

RenderedCluster Render(const ClusterSpec& s) {
  RenderedCluster r;
  const std::string infra = InfraApiVersion(s);
  Value cp_osmt = HashedTemplate(s, infra, "OpenStackMachineTemplate", s.name + "-control-plane",
                                 MachineSpec(s, true));
  Value md_osmt =
      HashedTemplate(s, infra, "OpenStackMachineTemplate", s.name + "-md-0", MachineSpec(s, false));
  Value kct = HashedTemplate(s, kBootstrapApi, "KubeadmConfigTemplate", s.name + "-md-0",
                             WorkerKubeadmSpec(s));
  r.control_plane_template = cp_osmt["metadata"]["name"];
  r.worker_template = md_osmt["metadata"]["name"];
  r.worker_bootstrap_template = kct["metadata"]["name"];

  Value kcp = {
      {"apiVersion", kControlPlaneApi},
      {"kind", "KubeadmControlPlane"},
      {"metadata", MetaFor(s, ControlPlaneName(s))},
      {"spec",
       {{"replicas", s.control_plane_count},
        {"version", s.version.ToString()},
        {"machineTemplate",
         {{"infrastructureRef", Ref(infra, "OpenStackMachineTemplate", r.control_plane_template)}}},
        {"kubeadmConfigSpec", ControlPlaneKubeadmSpec(s)}}}};

  Value machine = {
      {"clusterName", s.name},
      {"version", s.version.ToString()},
      {"bootstrap",
       {{"configRef", Ref(kBootstrapApi, "KubeadmConfigTemplate", r.worker_bootstrap_template)}}},
      {"infrastructureRef", Ref(infra, "OpenStackMachineTemplate", r.worker_template)}};
  if (!s.failure_domain.empty()) machine["failureDomain"] = s.failure_domain;
  Value md = {{"apiVersion", kClusterApi},
              {"kind", "MachineDeployment"},
              {"metadata", MetaFor(s, MachineDeploymentName(s))},
              {"spec",
               {{"clusterName", s.name},
                {"replicas", s.worker_count},
                {"template",
                 {{"metadata", {{"labels", {{"cluster.x-k8s.io/cluster-name", s.name}}}}},
                  {"spec", machine}}}}}};

  Value cluster = {
      {"apiVersion", kClusterApi},
      {"kind", "Cluster"},
      {"metadata", MetaFor(s, s.name)},
      {"spec",
       {{"clusterNetwork",
         {{"pods", {{"cidrBlocks", Value::array({s.pod_cidr})}}},
          {"services", {{"cidrBlocks", Value::array({s.service_cidr})}}},
          {"serviceDomain", "cluster.local"}}},
        {"infrastructureRef", Ref(infra, "OpenStackCluster", s.name)},
        {"controlPlaneRef", Ref(kControlPlaneApi, "KubeadmControlPlane", ControlPlaneName(s))}}}};

  r.objects = {
      RenderCloudSecret(s), RenderOpenStackCluster(s), cp_osmt, md_osmt, kct, kcp, md, cluster};
  return r;
}

}  // namespace capstan::capi
