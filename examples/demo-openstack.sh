#!/usr/bin/env bash
# `make demo`, part 2: the SCS management node (examples/openstack-mgmt) on OpenStack.
#
# Uses the cloud you configured (OS_CLOUD, or the plain OS_* variables) when there is one;
# otherwise starts the project's own OpenStack test bed on 127.0.0.1
# (tests/testbed/openstack/up.sh: needs root; ~5 min on a machine without the packages)
# and uses its `ostb-demo` cloud. Then: plan, apply, a no-change plan, an out-of-band
# change caught by `capstan drift` (exit 2), the repair, and destroy.
set -euo pipefail
CAPSTAN=${CAPSTAN:-capstan}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
export PATH=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH

vars=()
if [[ -n ${OS_CLOUD:-} || -n ${OS_AUTH_URL:-} ]]; then
  step "using your cloud (${OS_CLOUD:-OS_* variables})"
  vars+=(--var "prefix=${CAPSTAN_DEMO_PREFIX:-capstan-demo}")
  [[ -n ${CAPSTAN_DEMO_FLAVOR:-} ]] && vars+=(--var "flavor=$CAPSTAN_DEMO_FLAVOR")
  [[ -n ${CAPSTAN_DEMO_IMAGE:-} ]] && vars+=(--var "image=$CAPSTAN_DEMO_IMAGE")
else
  step "no cloud configured: starting the OpenStack test bed on 127.0.0.1 (tests/testbed/openstack)"
  OSTB_CINDER=1 bash "$root/tests/testbed/openstack/up.sh"
  export OS_CLIENT_CONFIG_FILE=${OSTB_DIR:-/tmp/openstack-testbed}/clouds.yaml OS_CLOUD=ostb-demo
  if ! openstack image show "Ubuntu 22.04" >/dev/null 2>&1; then
    head -c 1048576 /dev/zero > /tmp/capstan-demo-image.raw
    OS_CLOUD=ostb-admin openstack image create --public --disk-format raw \
      --container-format bare --file /tmp/capstan-demo-image.raw "Ubuntu 22.04" >/dev/null
  fi
  vars+=(--var prefix=capstan-demo --var flavor=SCS-2V-4-20s --var external_network=public)
fi

work=$(mktemp -d /tmp/capstan-demo-os.XXXXXX)
cp -r "$here/openstack-mgmt/." "$work/"
cd "$work"
export CAPSTAN_STATE_KEY=${CAPSTAN_STATE_KEY:-demo-passphrase-not-for-production}

step "capstan plan --out mgmt.plan"
"$CAPSTAN" plan --out mgmt.plan "${vars[@]}"
step "capstan apply mgmt.plan"
"$CAPSTAN" apply mgmt.plan
step "capstan output"
"$CAPSTAN" output
step "capstan plan --detailed-exitcode (expect: no changes, exit 0)"
"$CAPSTAN" plan --detailed-exitcode "${vars[@]}"
step "an out-of-band rename of the server with the openstack CLI, then capstan drift (expect exit 2)"
prefix=$(printf '%s\n' "${vars[@]}" | sed -n 's/^prefix=//p')
openstack server set --name "$prefix-renamed-by-hand" "$prefix-mgmtcluster"
set +e; "$CAPSTAN" drift "${vars[@]}"; rc=$?; set -e
echo "drift exit code: $rc"
[ "$rc" = 2 ] || { echo "expected drift (exit 2), got $rc" >&2; exit 1; }
step "capstan apply --auto-approve (repairs the drift)"
"$CAPSTAN" apply --auto-approve "${vars[@]}"
step "capstan destroy --auto-approve"
"$CAPSTAN" destroy --auto-approve "${vars[@]}"
echo
echo "openstack demo finished in $work (the test bed keeps running: make testbed-down stops it)"
