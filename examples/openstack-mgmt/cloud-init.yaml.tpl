#cloud-config
# The management node's cloud-init (SCS terraform/mgmtcluster.tf user_data, abridged).
final_message: "The system is finally up, after $UPTIME seconds"
package_update: true
package_upgrade: true
runcmd:
  - modprobe nf_conntrack
  - sysctl -w net.netfilter.nf_conntrack_max=131072
  - mkdir -p /etc/docker
  - groupadd -f docker
  - usermod -aG docker ${user}
  - DEBIAN_FRONTEND=noninteractive apt-get install -y docker.io yamllint qemu-utils git
write_files:
  - path: /etc/capi-prefix
    content: "${prefix}\n"
