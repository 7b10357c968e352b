"""Shared helpers of the stub kind, helm and clusterctl (a test fixture, never product code).

Why: the host provider's tests cannot run the real kind (no container engine here), so
tests/fakes/bin/ holds stubs that behave like the real tools on the command line and keep
their records in the fake kube-apiserver (tests/fakes/kube_apiserver/fake_apiserver.py),
exactly where the real tools keep them: helm releases as Secrets, clusterctl providers as
labelled Deployments. This module finds the API server from a kubeconfig and talks to it
(Python standard library only).
"""
import json
import os
import re
import sys
import urllib.error
import urllib.request


def die(msg, code=1):
    sys.stderr.write(msg.rstrip("\n") + "\n")
    sys.exit(code)


def state_dir():
    d = os.environ.get("CAPSTAN_FAKE_STATE") or os.path.join(os.path.expanduser("~"), ".capstan-fakes")
    os.makedirs(d, exist_ok=True)
    return d


def fail_if_asked(tool):
    msg = os.environ.get("FAKE_%s_FAIL" % tool.upper())
    if msg:
        die(msg, 1)


def server_of(kubeconfig):
    path = kubeconfig or (os.environ.get("KUBECONFIG", "").split(":")[0]) or os.path.expanduser("~/.kube/config")
    try:
        text = open(path).read()
    except OSError as e:
        die("Error: Kubernetes cluster unreachable: cannot read kubeconfig %s: %s" % (path, e.strerror))
    m = re.search(r"server:\s*(\S+)", text)
    if not m:
        die("Error: Kubernetes cluster unreachable: no server in kubeconfig %s" % path)
    return m.group(1).rstrip("/")


class Api:
    def __init__(self, kubeconfig, manager):
        self.base = server_of(kubeconfig)
        self.manager = manager

    def call(self, method, path, body=None, ctype="application/json"):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", ctype)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, json.loads(r.read() or b"{}")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}")
        except urllib.error.URLError as e:
            die("Error: Kubernetes cluster unreachable: %s: %s" % (self.base, e.reason))

    def apply(self, path, obj):
        code, out = self.call("PATCH", path + "?fieldManager=%s&force=true" % self.manager, obj,
                              "application/apply-patch+yaml")
        if code >= 300:
            die("Error: apply %s: %s" % (path, out.get("message", code)))
        return out

    def ensure_namespace(self, ns):
        self.apply("/api/v1/namespaces/" + ns, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})

    def namespace_exists(self, ns):
        return self.call("GET", "/api/v1/namespaces/" + ns)[0] == 200
