#!/usr/bin/env bash
# `make demo`: runs the quickstart stack end to end with the capstan binary in $CAPSTAN:
# validate, plan, apply, a no-change plan, an out-of-band edit caught by drift, destroy.
set -euo pipefail
CAPSTAN=${CAPSTAN:-capstan}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/capstan-demo.XXXXXX)
cp -r "$here/quickstart/." "$work/"
cd "$work"
export CAPSTAN_STATE_KEY=${CAPSTAN_STATE_KEY:-demo-passphrase-not-for-production}

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "capstan validate"
"$CAPSTAN" validate
step "capstan plan --out demo.plan"
"$CAPSTAN" plan --out demo.plan
step "capstan apply demo.plan"
"$CAPSTAN" apply demo.plan
step "capstan output"
"$CAPSTAN" output
step "capstan plan --detailed-exitcode (expect: no changes, exit 0)"
"$CAPSTAN" plan --detailed-exitcode
step "an out-of-band edit of a managed file, then capstan drift (expect exit 2)"
# out/greeting-en.txt is a local.file the quickstart manages (see stack.yaml).
echo "edited by hand" >> out/greeting-en.txt
set +e; "$CAPSTAN" drift; rc=$?; set -e
echo "drift exit code: $rc"
[ "$rc" = 2 ] || { echo "expected drift (exit 2), got $rc" >&2; exit 1; }
step "capstan apply --auto-approve (repairs the drift)"
"$CAPSTAN" apply --auto-approve
step "capstan state history"
"$CAPSTAN" state history
step "capstan destroy --auto-approve"
"$CAPSTAN" destroy --auto-approve
echo
echo "demo finished in $work"
