// The kubeadm side of a rendered cluster: control-plane and worker bootstrap configuration.
//
/// Carries over what the SCS R6 template configured and why: the external OpenStack cloud
/// provider (kubelet `cloud-provider: external` and the OpenStack provider id, so OCCM
/// can initialise the nodes), images from registry.k8s.io, etcd tuned for the slower
/// disks of public clouds (the heartbeat/election/snapshot/compaction settings, now
/// properties), containerd reading registry mirrors from /etc/containerd/certs.d, and the
/// optional "unsafe" root remount for etcd. Deliberately left out: the legacy
/// apt.kubernetes.io package install (that repository is gone; the node images carry
/// kubelet and kubeadm) and the etcd defrag/backup timer and apiserver memory-limit
/// scripts (node-level maintenance, not cluster shape; see docs/providers/capi.md).
#include "providers/capi/render.h"

namespace capstan::capi {
namespace {

Value NodeRegistration() {
  return {{"name", "{{ local_hostname }}"},
          {"kubeletExtraArgs",
           {{"cloud-provider", "external"}, {"provider-id", "openstack:///'{{ instance_id }}'"}}}};
}

/// Lets containerd read per-registry hosts.toml files (mirrors, CAs).
Value ContainerdCommands() {
  return Value::array({
      "printf '[plugins.\"io.containerd.grpc.v1.cri\".registry]\\n  config_path = "
      "\"/etc/containerd/certs.d\"\\n' >> /etc/containerd/config.toml",
      "systemctl daemon-reload",
      "systemctl restart containerd.service",
  });
}

}  // namespace

Value ControlPlaneKubeadmSpec(const ClusterSpec& s) {
  const EtcdTuning& e = s.etcd;
  Value etcd_args = {{"heartbeat-interval", std::to_string(e.heartbeat_interval)},
                     {"election-timeout", std::to_string(e.election_timeout)},
                     {"snapshot-count", std::to_string(e.snapshot_count)},
                     {"auto-compaction-mode", "periodic"},
                     {"auto-compaction-retention", e.compaction_retention}};
  Value external = {{"extraArgs", {{"cloud-provider", "external"}}}};
  Value spec = {
      {"initConfiguration", {{"nodeRegistration", NodeRegistration()}}},
      {"joinConfiguration", {{"nodeRegistration", NodeRegistration()}}},
      {"clusterConfiguration",
       {{"imageRepository", "registry.k8s.io"},
        {"dns", {{"imageRepository", "registry.k8s.io/coredns"}}},
        {"apiServer", external},
        {"controllerManager", external},
        {"etcd", {{"local", {{"dataDir", "/var/lib/etcd"}, {"extraArgs", etcd_args}}}}}}},
      {"preKubeadmCommands", ContainerdCommands()},
  };
  Value post = Value::array();
  if (e.unsafe_fs) {
    // Trades crash safety of the root file system for etcd write latency (SCS ETCD_UNSAFE_FS).
    post.push_back("mount -o remount,barrier=0,commit=20 /");
    post.push_back(
        "sed -i 's@errors=remount-ro@errors=remount-ro,barrier=0,commit=20@' /etc/fstab");
  }
  // Give etcd priority over other node processes, as the SCS template did.
  post.push_back(
      "while test -z \"$EPID\"; do sleep 5; EPID=$(pgrep etcd); done; renice -10 $EPID; "
      "ionice -c2 -n0 -p $EPID");
  spec["postKubeadmCommands"] = post;
  return spec;
}

Value WorkerKubeadmSpec(const ClusterSpec& /*s*/) {
  return {{"joinConfiguration", {{"nodeRegistration", NodeRegistration()}}},
          {"preKubeadmCommands", ContainerdCommands()}};
}

}  // namespace capstan::capi
