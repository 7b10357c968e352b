// The schema of capi.cluster: the SCS clusterctl.yaml variables as typed, documented properties.
#include "providers/attr_builder.h"
#include "providers/capi/capi_provider.h"

namespace capstan::capi {

ResourceSchema ClusterSchema() {
  ResourceSchema s;
  s.type = "capi.cluster";
  s.description =
      "A Cluster-API workload cluster on OpenStack (CAPO): the Cluster, OpenStackCluster, "
      "KubeadmControlPlane, MachineDeployment, content-hashed machine templates and the "
      "cloud-config Secret on the management cluster. Ready = the SCS wait protocol.";
  using T = AttrType;
  s.attributes = {
      Attr("kubeconfig",
           "Management cluster kubeconfig: its text (e.g. a kind.cluster output) "
           "or a path.")
          .Required()
          .Sensitive(),
      Attr("context", "Context in the management kubeconfig (default: current-context).")
          .Optional(),
      Attr("name", "Cluster name (CLUSTER_NAME).").Required().ForceNew(),
      Attr("namespace", "Namespace on the management cluster (default: the cluster name).")
          .Optional()
          .ForceNew(),
      Attr("kubernetes_version",
           "vX.Y.Z, or vX.Y.x for the newest patch in the version table. "
           "Upgrades go one minor version at a time.")
          .Required(),
      Attr("capo_api_version", "CAPO API version to render: v1alpha7 (SCS R6) or v1beta1.")
          .Optional()
          .Default("v1beta1"),
      Attr("image", "Node image name (default ubuntu-capi-image-<resolved version>).").Optional(),
      Attr("control_plane_flavor", "Flavor of control-plane nodes.").Required(),
      Attr("worker_flavor", "Flavor of worker nodes.").Required(),
      Attr("control_plane_count", "Control-plane nodes (odd).", T::kNumber).Optional().Default(1),
      Attr("worker_count", "Worker nodes.", T::kNumber).Optional().Default(3),
      Attr("pod_cidr", "Pod network.").Optional().Default("192.168.0.0/16"),
      Attr("service_cidr", "Service network.").Optional().Default("10.96.0.0/12"),
      Attr("node_cidr", "Node subnet CAPO creates.").Optional().Default("10.8.0.0/20"),
      Attr("dns_nameservers", "DNS servers of the node subnet.", T::kList)
          .Optional()
          .Default(Value::array({"5.1.66.255", "185.150.99.255"})),
      Attr("external_network_id", "External network for the API load balancer and router.")
          .Required(),
      Attr("ssh_key_name", "Nova keypair for the nodes.").Optional(),
      Attr("security_groups", "Extra security groups (names) for every node.", T::kList).Optional(),
      Attr("anti_affinity", "Place nodes in the two server groups below.", T::kBool)
          .Optional()
          .Default(false),
      Attr("control_plane_server_group_id", "Server group of control-plane nodes.").Optional(),
      Attr("worker_server_group_id", "Server group of worker nodes.").Optional(),
      Attr("failure_domain", "Availability zone of the workers.").Optional(),
      Attr("control_plane_metadata", "Nova server metadata of control-plane nodes.", T::kMap)
          .Optional(),
      Attr("worker_metadata", "Nova server metadata of worker nodes.", T::kMap).Optional(),
      Attr("cloud_name", "Cloud name in the cloud-config clouds.yaml.")
          .Optional()
          .Default("openstack"),
      Attr("auth_url", "Keystone URL for the cluster's application credential.").Required(),
      Attr("region", "OpenStack region.").Optional(),
      Attr("project_id", "Project id (OCCM needs it even with an application credential).")
          .Optional(),
      Attr("application_credential_id", "Restricted per-cluster application credential id.")
          .Required()
          .Sensitive(),
      Attr("application_credential_secret", "Its secret.").Required().Sensitive(),
      Attr("cacert", "CA bundle (PEM) of the OpenStack API, if private.").Optional(),
      Attr("etcd_heartbeat_interval", "etcd heartbeat (ms).", T::kNumber).Optional().Default(250),
      Attr("etcd_election_timeout", "etcd election timeout (ms).", T::kNumber)
          .Optional()
          .Default(2500),
      Attr("etcd_snapshot_count", "etcd snapshot count.", T::kNumber).Optional().Default(6400),
      Attr("etcd_compaction_retention", "etcd periodic auto-compaction retention.")
          .Optional()
          .Default("8h"),
      Attr("etcd_unsafe_fs",
           "Remount / without barriers on control-plane nodes (faster etcd, "
           "unsafe on power loss).",
           T::kBool)
          .Optional()
          .Default(false),
      Attr("ready_timeout", "Seconds to wait for the SCS ready protocol after create/update.",
           T::kNumber)
          .Optional()
          .Default(1800),
      Attr("delete_timeout", "Seconds to wait until the Cluster object is gone.", T::kNumber)
          .Optional()
          .Default(1200),
      Attr("workload_cleanup_timeout",
           "Seconds to wait until LoadBalancer Services and PVCs "
           "in the workload cluster are gone.",
           T::kNumber)
          .Optional()
          .Default(300),
      Attr("resolved_version", "The Kubernetes version applied (`.x` resolved).").Computed(),
      Attr("control_plane_template", "Name of the control-plane OpenStackMachineTemplate.")
          .Computed(),
      Attr("worker_template", "Name of the worker OpenStackMachineTemplate.").Computed(),
      Attr("worker_bootstrap_template", "Name of the worker KubeadmConfigTemplate.").Computed(),
      Attr("workload_kubeconfig",
           "Admin kubeconfig of the workload cluster (Secret "
           "<name>-kubeconfig).")
          .Computed()
          .Sensitive(),
  };
  return s;
}

}  // namespace capstan::capi
