#!/usr/bin/env bash
# Wall time of applying and destroying examples/openstack-mgmt with capstan versus the same
# steps with the `openstack` CLI one call at a time (bench/openstack_mgmt_cli.sh), in one
# run against the same cloud (default: the test bed's ostb-demo).
#   bash bench/openstack_mgmt_bench.sh [BUILD_DIR] [ROUNDS]
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
rounds=${2:-1}
here=$(cd "$(dirname "$0")" && pwd)
export OS_CLIENT_CONFIG_FILE=${OS_CLIENT_CONFIG_FILE:-/tmp/openstack-testbed/clouds.yaml}
export OS_CLOUD=${OS_CLOUD:-ostb-demo}
export PATH=/usr/sbin:/usr/bin:/sbin:/bin CAPSTAN_STATE_KEY=bench-passphrase
work=$(mktemp -d /tmp/capstan-osbench.XXXXXX)
trap 'rm -rf "$work"' EXIT
secs() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(secs)" 'BEGIN{printf "%.1f", b-a}'; }

if ! openstack image show "Ubuntu 22.04" >/dev/null 2>&1; then
  head -c 1048576 /dev/zero > "$work/img.raw"
  OS_CLOUD=ostb-admin openstack image create --public --disk-format raw --container-format bare \
    --file "$work/img.raw" "Ubuntu 22.04" >/dev/null
fi
uptime
for r in $(seq 1 "$rounds"); do
  p="bc$$r$r"
  cp -r "$here/../examples/openstack-mgmt/." "$work/"
  sed -i "s/^stack: openstack-mgmt$/stack: bench-$p/" "$work/stack.yaml"
  vars=(--var "prefix=$p" --var flavor=SCS-2V-4-20s --var external_network=public)
  t=$(secs); (cd "$work" && "$build/capstan" apply --auto-approve "${vars[@]}" >"$work/apply.log" 2>&1) \
    || { tail -30 "$work/apply.log"; exit 1; }
  capstan_apply=$(since "$t")
  t=$(secs); (cd "$work" && "$build/capstan" destroy --auto-approve "${vars[@]}" >"$work/destroy.log" 2>&1) \
    || { tail -30 "$work/destroy.log"; exit 1; }
  capstan_destroy=$(since "$t")
  rm -rf "$work/.capstan"
  p="sh$$r$r"
  t=$(secs); bash "$here/openstack_mgmt_cli.sh" create "$p" >"$work/cli.log" 2>&1 || { tail "$work/cli.log"; exit 1; }
  cli_create=$(since "$t")
  t=$(secs); bash "$here/openstack_mgmt_cli.sh" delete "$p" >>"$work/cli.log" 2>&1 || { tail "$work/cli.log"; exit 1; }
  cli_delete=$(since "$t")
  echo "round $r: capstan apply ${capstan_apply}s destroy ${capstan_destroy}s | openstack CLI script create ${cli_create}s delete ${cli_delete}s"
done
