#!/usr/bin/env bash
# The baseline for openstack_mgmt_bench.sh: examples/openstack-mgmt's objects created and
# deleted with the `openstack` CLI, one call at a time, the way the SCS scripts work
# (terraform apply aside, their cleanup scripts call the CLI in sequence like this).
#   bash bench/openstack_mgmt_cli.sh create|delete PREFIX
# Needs OS_CLIENT_CONFIG_FILE/OS_CLOUD; the image "Ubuntu 22.04" and flavor SCS-2V-4-20s.
set -euo pipefail
op=$1 p=$2
os() { openstack "$@"; }
case $op in
create)
  os application credential create --unrestricted --description "Credential for the $p management" "$p-appcred" -f value -c id >/dev/null
  os security group create "$p-allow-ssh" -f value -c id >/dev/null
  os security group rule create --ingress --protocol tcp --dst-port 22 --remote-ip 0.0.0.0/0 "$p-allow-ssh" >/dev/null
  os security group create "$p-allow-icmp" >/dev/null
  os security group rule create --ingress --protocol icmp --remote-ip 0.0.0.0/0 "$p-allow-icmp" >/dev/null
  os security group create "$p-mgmt" >/dev/null
  os security group rule create --ingress --protocol tcp --dst-port 22 --remote-ip 0.0.0.0/0 "$p-mgmt" >/dev/null
  os security group rule create --ingress --protocol icmp --remote-ip 0.0.0.0/0 "$p-mgmt" >/dev/null
  os network create "$p-net" >/dev/null
  os subnet create --network "$p-net" --subnet-range 10.0.0.0/24 --dns-nameserver 5.1.66.255 \
    --dns-nameserver 185.150.99.255 --allocation-pool start=10.0.0.11,end=10.0.0.254 "$p-subnet" >/dev/null
  os router create "$p-rtr" >/dev/null
  os router set --external-gateway public "$p-rtr"
  os router add subnet "$p-rtr" "$p-subnet"
  os keypair create "$p-keypair" > "/tmp/$p-keypair.pem"
  os port create --network "$p-net" --fixed-ip subnet="$p-subnet" --security-group "$p-mgmt" "$p-port" >/dev/null
  os server create --flavor SCS-2V-4-20s --image "Ubuntu 22.04" --key-name "$p-keypair" \
    --port "$p-port" --user-data "$(dirname "$0")/../examples/openstack-mgmt/cloud-init.yaml.tpl" \
    --wait "$p-mgmtcluster" >/dev/null
  fip=$(os floating ip create public -f value -c floating_ip_address)
  os floating ip set --port "$p-port" "$fip"
  ;;
delete)
  for fip in $(os floating ip list --port "$p-port" -f value -c ID); do os floating ip delete "$fip"; done
  os server delete --wait "$p-mgmtcluster"
  os port delete "$p-port"
  os keypair delete "$p-keypair"; rm -f "/tmp/$p-keypair.pem"
  os router remove subnet "$p-rtr" "$p-subnet"
  os router unset --external-gateway "$p-rtr"
  os router delete "$p-rtr"
  os subnet delete "$p-subnet"
  os network delete "$p-net"
  os security group delete "$p-mgmt" "$p-allow-icmp" "$p-allow-ssh"
  os application credential delete "$p-appcred"
  ;;
esac
