// The CAPO side of a rendered cluster: OpenStackCluster, machine template bodies, cloud-config.
//
/// Field names differ between CAPO API versions (v1alpha7: `externalNetworkId`, `image`
/// as a name, `serverGroupID`, `identityRef.kind`; v1beta1: `externalNetwork.id`,
/// `image.filter.name`, `serverGroup.id`, `identityRef.cloudName`, `managedSubnets`), so
/// each function branches on spec.capo_api_version once, in one place.
#include "providers/capi/render.h"
#include "providers/kubernetes/manifest_objects.h"

namespace capstan::capi {
namespace {

bool Alpha7(const ClusterSpec& s) { return s.capo_api_version == "v1alpha7"; }

Value IdentityRef(const ClusterSpec& s) {
  Value ref = {{"name", CloudConfigSecretName(s)}};
  if (Alpha7(s)) {
    ref["kind"] = "Secret";
  } else {
    ref["cloudName"] = s.cloud_name;
    if (!s.region.empty()) ref["region"] = s.region;
  }
  return ref;
}

}  // namespace

Value MetaFor(const ClusterSpec& s, const std::string& name) {
  return {
      {"name", name}, {"namespace", s.ns}, {"labels", {{"cluster.x-k8s.io/cluster-name", s.name}}}};
}

Value RenderOpenStackCluster(const ClusterSpec& s) {
  Value spec = {{"identityRef", IdentityRef(s)}, {"apiServerLoadBalancer", {{"enabled", true}}}};
  if (Alpha7(s)) {
    spec["cloudName"] = s.cloud_name;
    spec["managedSecurityGroups"] = true;
    spec["nodeCidr"] = s.node_cidr;
    spec["dnsNameservers"] = s.dns_nameservers;
    spec["externalNetworkId"] = s.external_network_id;
  } else {
    spec["managedSecurityGroups"] = {{"allowAllInClusterTraffic", false}};
    spec["managedSubnets"] =
        Value::array({{{"cidr", s.node_cidr}, {"dnsNameservers", s.dns_nameservers}}});
    spec["externalNetwork"] = {{"id", s.external_network_id}};
  }
  return {{"apiVersion", InfraApiVersion(s)},
          {"kind", "OpenStackCluster"},
          {"metadata", MetaFor(s, s.name)},
          {"spec", spec}};
}

Value MachineSpec(const ClusterSpec& s, bool control_plane) {
  const std::string& flavor = control_plane ? s.control_plane_flavor : s.worker_flavor;
  const Value& metadata = control_plane ? s.control_plane_metadata : s.worker_metadata;
  const std::string& group =
      control_plane ? s.control_plane_server_group_id : s.worker_server_group_id;
  Value spec = {{"flavor", flavor}, {"identityRef", IdentityRef(s)}};
  if (!s.ssh_key_name.empty()) spec["sshKeyName"] = s.ssh_key_name;
  Value groups = Value::array();
  if (Alpha7(s)) {
    spec["cloudName"] = s.cloud_name;
    spec["image"] = s.image;
    if (!metadata.empty()) spec["serverMetadata"] = metadata;
    if (s.anti_affinity) spec["serverGroupID"] = group;
    for (const auto& g : s.security_groups) groups.push_back({{"name", g}});
  } else {
    spec["image"] = {{"filter", {{"name", s.image}}}};
    if (!metadata.empty()) {
      Value list = Value::array();
      for (const auto& [k, v] : metadata.items()) list.push_back({{"key", k}, {"value", v}});
      spec["serverMetadata"] = list;
    }
    if (s.anti_affinity) spec["serverGroup"] = {{"id", group}};
    for (const auto& g : s.security_groups) groups.push_back({{"filter", {{"name", g}}}});
  }
  if (!groups.empty()) spec["securityGroups"] = groups;
  return spec;
}

std::string CloudsYaml(const ClusterSpec& s) {
  // JSON strings are valid YAML double-quoted scalars: no escaping rules of our own.
  auto q = [](const std::string& v) { return Value(v).dump(); };
  std::string y = "clouds:\n  " + q(s.cloud_name) +
                  ":\n    auth:\n      auth_url: " + q(s.auth_url) +
                  "\n      application_credential_id: " + q(s.app_cred_id) +
                  "\n      application_credential_secret: " + q(s.app_cred_secret) + "\n";
  // OCCM needs the project id even with an application credential (SCS clusterctl_template.sh).
  if (!s.project_id.empty()) y += "      project_id: " + q(s.project_id) + "\n";
  y += "    auth_type: v3applicationcredential\n";
  if (!s.region.empty()) y += "    region_name: " + q(s.region) + "\n";
  y += "    interface: public\n    identity_api_version: 3\n";
  if (!s.cacert.empty()) y += "    cacert: /etc/openstack/cacert\n";
  return y;
}

Value RenderCloudSecret(const ClusterSpec& s) {
  Value meta = MetaFor(s, CloudConfigSecretName(s));
  meta["labels"]["clusterctl.cluster.x-k8s.io/move"] = "true";
  Value data = {{"clouds.yaml", CloudsYaml(s)}};
  if (!s.cacert.empty()) data["cacert"] = s.cacert;
  Value secret = {{"apiVersion", "v1"},
                  {"kind", "Secret"},
                  {"metadata", meta},
                  {"type", "Opaque"},
                  {"stringData", data}};
  return kube::NormalizeObject(secret);
}

}  // namespace capstan::capi
