// ClusterSpec: the properties of a capi.cluster, typed, defaulted and with the version resolved.
//
/// The renderer and the provider both need the same reading of the properties (defaults,
/// the namespace that defaults to the cluster name, `.x` resolution, the image name that
/// follows the version). Reading them once into a struct keeps those rules in one place
/// and makes the renderer a pure function of plain data. The defaults are SCS's
/// (terraform/variables.tf), listed in docs/providers/capi.md.
#pragma once

#include <string>
#include <vector>

#include "engine/result.h"
#include "engine/value.h"
#include "providers/capi/versions.h"

namespace capstan::capi {

struct EtcdTuning {
  int heartbeat_interval = 250;
  int election_timeout = 2500;
  int snapshot_count = 6400;
  std::string compaction_retention = "8h";
  bool unsafe_fs = false;  ///< Remount / with barrier=0,commit=20 on control-plane nodes.
};

struct ClusterSpec {
  std::string name, ns;
  std::string version_text;                  ///< As written ("v1.30.x").
  KubeVersion version;                       ///< Resolved.
  std::string capo_api_version = "v1beta1";  ///< "v1alpha7" (SCS R6) or "v1beta1".
  std::string image;
  std::string control_plane_flavor, worker_flavor;
  int control_plane_count = 1, worker_count = 3;
  std::string pod_cidr = "192.168.0.0/16", service_cidr = "10.96.0.0/12", node_cidr = "10.8.0.0/20";
  std::vector<std::string> dns_nameservers = {"5.1.66.255", "185.150.99.255"};
  std::string external_network_id;
  std::string ssh_key_name;
  std::vector<std::string> security_groups;
  bool anti_affinity = false;
  std::string control_plane_server_group_id, worker_server_group_id;
  std::string failure_domain;
  Value control_plane_metadata = Value::object(), worker_metadata = Value::object();
  // The cloud-config Secret (clouds.yaml of a restricted per-cluster app credential).
  std::string cloud_name = "openstack", auth_url, region, project_id;
  std::string app_cred_id, app_cred_secret, cacert;
  EtcdTuning etcd;
};

/// Reads properties (defaults applied or not). Errors name the property at fault.
Result<ClusterSpec> SpecFromProps(const Value& props);

/// The CAPO infrastructure apiVersion, e.g. "infrastructure.cluster.x-k8s.io/v1beta1".
std::string InfraApiVersion(const ClusterSpec& s);

}  // namespace capstan::capi
