#cloud-config
# The management node's cloud-init (SCS terraform/mgmtcluster.tf user_data, abridged), plus
# the tools capstan runs on the node over ssh: kind, kubectl and clusterctl (SCS installs
# them later, from bootstrap.sh).
final_message: "The system is finally up, after $UPTIME seconds"
package_update: true
package_upgrade: true
runcmd:
  - modprobe nf_conntrack
  - sysctl -w net.netfilter.nf_conntrack_max=131072
  - mkdir -p /etc/docker
  - groupadd -f docker
  - usermod -aG docker ${user}
  - DEBIAN_FRONTEND=noninteractive apt-get install -y docker.io git curl
  - curl -fsSLo /usr/local/bin/kind https://kind.sigs.k8s.io/dl/${kind_version}/kind-linux-amd64
  - curl -fsSLo /usr/local/bin/kubectl https://dl.k8s.io/release/${kubectl_version}/bin/linux/amd64/kubectl
  - curl -fsSLo /usr/local/bin/clusterctl https://github.com/kubernetes-sigs/cluster-api/releases/download/${clusterapi_version}/clusterctl-linux-amd64
  - chmod 0755 /usr/local/bin/kind /usr/local/bin/kubectl /usr/local/bin/clusterctl
write_files:
  - path: /etc/capi-prefix
    content: "${prefix}\n"
