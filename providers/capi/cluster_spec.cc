// Properties -> ClusterSpec (see cluster_spec.h).
#include "providers/capi/cluster_spec.h"

namespace capstan::capi {
namespace {

/// Reads the properties of one capi.cluster, collecting every error with its key.
class SpecReader {
 public:
  explicit SpecReader(const Value& props) : p_(props) {}

  void Str(const char* key, std::string& out, bool required = false) {
    const Value* v = Get(key);
    if (v == nullptr) {
      if (required) Fail(key, "is required");
      return;
    }
    if (!v->is_string()) return Fail(key, "must be a string");
    out = v->get<std::string>();
    if (required && out.empty()) Fail(key, "must not be empty");
  }
  void Int(const char* key, int& out, int min) {
    const Value* v = Get(key);
    if (v == nullptr) return;
    if (!v->is_number()) return Fail(key, "must be a number");
    double d = v->get<double>();
    if (d != static_cast<int>(d) || d < min) {
      return Fail(key, "must be a whole number >= " + std::to_string(min));
    }
    out = static_cast<int>(d);
  }
  void Bool(const char* key, bool& out) {
    const Value* v = Get(key);
    if (v == nullptr) return;
    if (!v->is_boolean()) return Fail(key, "must be true or false");
    out = v->get<bool>();
  }
  void List(const char* key, std::vector<std::string>& out) {
    const Value* v = Get(key);
    if (v == nullptr) return;
    if (!v->is_array()) return Fail(key, "must be a list of strings");
    out.clear();
    for (const Value& e : *v) {
      if (!e.is_string()) return Fail(key, "must be a list of strings");
      out.push_back(e.get<std::string>());
    }
  }
  void Map(const char* key, Value& out) {
    const Value* v = Get(key);
    if (v == nullptr) return;
    if (!v->is_object()) return Fail(key, "must be a map of strings");
    for (const auto& [k, e] : v->items()) {
      if (!e.is_string()) return Fail(key, "must be a map of strings (" + k + " is not)");
    }
    out = *v;
  }
  void Fail(const std::string& key, const std::string& what) {
    diags.Error("capi.cluster: " + key + " " + what).key = "properties." + key;
  }
  Diagnostics diags;

 private:
  const Value* Get(const char* key) const {
    if (!p_.is_object()) return nullptr;
    auto it = p_.find(key);
    return it == p_.end() || it->is_null() ? nullptr : &*it;
  }
  const Value& p_;
};

}  // namespace

std::string InfraApiVersion(const ClusterSpec& s) {
  return "infrastructure.cluster.x-k8s.io/" + s.capo_api_version;
}

Result<ClusterSpec> SpecFromProps(const Value& props) {
  ClusterSpec s;
  SpecReader r(props);
  r.Str("name", s.name, true);
  r.Str("namespace", s.ns);
  if (s.ns.empty()) s.ns = s.name;  // SCS since R5: one namespace per cluster, named after it
  r.Str("kubernetes_version", s.version_text, true);
  r.Str("capo_api_version", s.capo_api_version);
  if (s.capo_api_version != "v1alpha7" && s.capo_api_version != "v1beta1") {
    r.Fail("capo_api_version", "must be \"v1alpha7\" (SCS R6, CAPO 0.9) or \"v1beta1\"");
  }
  r.Str("image", s.image);
  r.Str("control_plane_flavor", s.control_plane_flavor, true);
  r.Str("worker_flavor", s.worker_flavor, true);
  r.Int("control_plane_count", s.control_plane_count, 1);
  if (s.control_plane_count % 2 == 0) {
    r.Fail("control_plane_count", "must be odd (etcd needs a majority)");
  }
  r.Int("worker_count", s.worker_count, 0);
  r.Str("pod_cidr", s.pod_cidr);
  r.Str("service_cidr", s.service_cidr);
  r.Str("node_cidr", s.node_cidr);
  r.List("dns_nameservers", s.dns_nameservers);
  r.Str("external_network_id", s.external_network_id, true);
  r.Str("ssh_key_name", s.ssh_key_name);
  r.List("security_groups", s.security_groups);
  r.Bool("anti_affinity", s.anti_affinity);
  r.Str("control_plane_server_group_id", s.control_plane_server_group_id);
  r.Str("worker_server_group_id", s.worker_server_group_id);
  if (s.anti_affinity &&
      (s.control_plane_server_group_id.empty() || s.worker_server_group_id.empty())) {
    r.Fail("anti_affinity",
           "needs control_plane_server_group_id and worker_server_group_id (e.g. from two "
           "openstack.server_group resources)");
  }
  r.Str("failure_domain", s.failure_domain);
  r.Map("control_plane_metadata", s.control_plane_metadata);
  r.Map("worker_metadata", s.worker_metadata);
  r.Str("cloud_name", s.cloud_name);
  r.Str("auth_url", s.auth_url, true);
  r.Str("region", s.region);
  r.Str("project_id", s.project_id);
  r.Str("application_credential_id", s.app_cred_id, true);
  r.Str("application_credential_secret", s.app_cred_secret, true);
  r.Str("cacert", s.cacert);
  r.Int("etcd_heartbeat_interval", s.etcd.heartbeat_interval, 1);
  r.Int("etcd_election_timeout", s.etcd.election_timeout, 1);
  r.Int("etcd_snapshot_count", s.etcd.snapshot_count, 1);
  r.Str("etcd_compaction_retention", s.etcd.compaction_retention);
  r.Bool("etcd_unsafe_fs", s.etcd.unsafe_fs);
  if (!s.version_text.empty()) {
    auto v = ResolveVersion(s.version_text);
    if (v.ok()) {
      s.version = *v;
    } else {
      for (auto d : v.diags().items()) {
        d.key = "properties.kubernetes_version";
        r.diags.Add(d);
      }
    }
  }
  if (r.diags.HasErrors()) return r.diags;
  if (s.image.empty()) s.image = "ubuntu-capi-image-" + s.version.ToString();
  return s;
}

}  // namespace capstan::capi
