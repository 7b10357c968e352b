#!/usr/bin/python3
"""Counts the objects of one capstan stack in an OpenStack cloud by their ownership marks.

Why: crash and fault tests must prove that nothing was duplicated or left behind, with a
client capstan did not write. The `openstack` CLI does that (tests/integration/openstack/
scenario.h) but costs one Python start-up per list; the crash matrix counts after every
one of its runs, so this does the same counts with openstacksdk (the library under the
CLI) in one process. Prints one JSON object: kind -> count.

  count_owned.py --cloud ostb-demo --stack S [--kinds network,server]
  count_owned.py --cloud ostb-demo --stack S --serve   # one line of kinds in, one JSON out

Marks (docs/providers/openstack.md): Neutron tags `capstan-stack=S`; security-group rules
and application credentials a description starting "capstan-stack=S "; servers metadata
`capstan-stack`; generated keypairs the public key comment "capstan-stack=S ...".
"""

import argparse
import json
import sys

import openstack

KINDS = ["network", "subnet", "router", "port", "security_group", "security_group_rule",
         "floating_ip", "server", "keypair", "application_credential", "volume", "image"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cloud", required=True)
    ap.add_argument("--stack", required=True)
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument("--serve", action="store_true",
                    help="answer one count per input line (comma-separated kinds; empty = all)")
    args = ap.parse_args()
    conn = openstack.connect(cloud=args.cloud)
    if not args.serve:
        print(json.dumps(count(conn, args.stack, args.kinds.split(",")), sort_keys=True))
        return
    for line in sys.stdin:
        kinds = line.strip().split(",") if line.strip() else KINDS
        try:
            out = count(conn, args.stack, kinds)
        except Exception as e:  # report, keep serving
            out = {"error": str(e)}
        print(json.dumps(out, sort_keys=True), flush=True)


def count(conn, stack, kinds):
    kinds = [k for k in kinds if k]
    tag = f"capstan-stack={stack}"
    mark = tag + " "
    net = conn.network
    out = {}
    for kind in kinds:
        if kind == "network":
            n = len(list(net.networks(tags=tag)))
        elif kind == "subnet":
            n = len(list(net.subnets(tags=tag)))
        elif kind == "router":
            n = len(list(net.routers(tags=tag)))
        elif kind == "port":
            n = len(list(net.ports(tags=tag)))
        elif kind == "security_group":
            n = len(list(net.security_groups(tags=tag)))
        elif kind == "security_group_rule":
            n = sum(1 for r in net.security_group_rules()
                    if (r.description or "").startswith(mark))
        elif kind == "floating_ip":
            n = len(list(net.ips(tags=tag)))
        elif kind == "server":
            n = sum(1 for s in conn.compute.servers(details=True)
                    if (s.metadata or {}).get("capstan-stack") == stack)
        elif kind == "keypair":
            n = sum(1 for k in conn.compute.keypairs() if tag in (k.public_key or "").split())
        elif kind == "application_credential":
            n = sum(1 for c in conn.identity.application_credentials(user=conn.current_user_id)
                    if (c.description or "").startswith(mark))
        elif kind == "volume":
            n = sum(1 for v in conn.block_storage.volumes(details=True)
                    if (v.metadata or {}).get("capstan-stack") == stack)
        elif kind == "image":
            n = sum(1 for i in conn.image.images(owner=conn.current_project_id)
                    if tag in (i.tags or []))
        else:
            raise SystemExit(f"unknown kind {kind}")
        out[kind] = n
    return out


if __name__ == "__main__":
    main()
