"""Fake Cluster-API / CAPO controllers for fake_apiserver.py (a test fixture, never product).

Why it exists: capi.cluster (providers/capi/) applies CAPI objects to a management
cluster and then waits for the SCS ready protocol, rolls machines when templates change,
reads the workload kubeconfig and tears the workload cluster down before deleting the
Cluster. No real CAPI can run here (no container engine), so this module simulates the
controllers' observable behaviour, just enough for those code paths:

  Cluster             finalizer; conditions InfrastructureReady, ControlPlaneReady and
                      Ready turn True after --ready-after; then Secret <name>-kubeconfig
                      (type cluster.x-k8s.io/secret, key `value`) appears, pointing at a
                      SECOND fake apiserver started for the workload cluster (its files in
                      <dir of --log>/workload-<ns>-<name>/, request log requests.jsonl;
                      it loads the other --controllers modules, e.g. addon_kinds).
                      Deleting it: after --finalize-after every object of the namespace
                      labelled cluster.x-k8s.io/cluster-name=<name> is deleted, the
                      workload apiserver is stopped, then the finalizer goes.
  KubeadmControlPlane status.replicas/readyReplicas/updatedReplicas follow spec.replicas
  MachineDeployment   and observedGeneration follows generation; when the machine template
                      (KCP: version, machineTemplate, kubeadmConfigSpec; MD:
                      spec.template) changes, a rolling replacement is simulated:
                      updatedReplicas drops to 0, then reaches replicas a step later.

Every controller action is logged as one JSON line to <dir of --log>/capi-controllers.jsonl
({"t", "event": "rollout"|"ready"|"cascade"|..., "kind", "name", ...}), so tests can assert
what happened and in which order. Also registers CAPO v1alpha7 OpenStackCluster and
OpenStackMachineTemplate (the fake keeps one object per version: no conversion).

Loaded by `fake_apiserver.py --controllers capi_controllers`: install(store, args, fake).
"""
import base64
import copy
import ctypes
import json
import os
import signal
import subprocess
import sys
import threading
import time

STEP = 0.4  # seconds between simulated reconcile steps
CAPI_KINDS = ("Cluster", "KubeadmControlPlane", "MachineDeployment")


class Controllers:
    def __init__(self, store, args, fake):
        self.store, self.args, self.fake = store, args, fake
        self.dir = os.path.dirname(os.path.abspath(args.log))
        self.seen = {}        # (res, ns, name) of KCP/MD -> template signature last rolled out
        self.workloads = {}   # (ns, name) -> {"proc": Popen, "port": int}
        self.log_lock = threading.Lock()

    # ---- helpers (store lock held unless noted) ----
    def log(self, event, **kw):
        rec = dict({"t": round(time.time(), 3), "event": event}, **kw)
        with self.log_lock, open(os.path.join(self.dir, "capi-controllers.jsonl"), "a") as f:
            f.write(json.dumps(rec) + "\n")

    def res(self, group, version, plural):
        return self.fake.BY_GVR[(group, version, plural)]

    def write_status(self, res, key, status):
        o = self.store.objs.get(key)
        if not o or o["metadata"].get("deletionTimestamp"):
            return None
        s = copy.deepcopy(o)
        s["status"] = status
        return self.store._commit_update(res, key, o, s, "manager", "Update", sub="status")

    @staticmethod
    def cond(ctype, ok, reason=""):
        c = {"type": ctype, "status": "True" if ok else "False",
             "lastTransitionTime": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        if not ok:
            c.update(severity="Info", reason=reason or "WaitingForInfrastructure")
        return c

    # ---- Cluster ----
    def cluster_created(self, res, key):
        st = self.store

        def init():
            o = st.objs.get(key)
            if not o or o["metadata"].get("deletionTimestamp"):
                return
            n = copy.deepcopy(o)
            fins = n["metadata"].setdefault("finalizers", [])
            if "cluster.cluster.x-k8s.io" not in fins:
                fins.append("cluster.cluster.x-k8s.io")
            n2 = st._commit_update(res, key, o, n, "manager", "Update")
            self.write_status(res, key, {
                "phase": "Provisioning", "observedGeneration": n2["metadata"]["generation"],
                "conditions": [self.cond(t, False) for t in
                               ("Ready", "InfrastructureReady", "ControlPlaneReady")]})
        st._after(0.1, init)
        st._after(0, lambda: self.start_workload(key[1], key[2]))
        st._after(self.args.ready_after, lambda: self.cluster_ready(res, key))

    def cluster_ready(self, res, key):
        o = self.store.objs.get(key)
        if not o or o["metadata"].get("deletionTimestamp"):
            return
        wl = self.workloads.get((key[1], key[2]))
        if not wl or not wl.get("port"):
            self.store._after(0.2, lambda: self.cluster_ready(res, key))  # workload not up yet
            return
        self.write_status(res, key, {
            "phase": "Provisioned", "observedGeneration": o["metadata"]["generation"],
            "infrastructureReady": True, "controlPlaneReady": True,
            "conditions": [self.cond(t, True) for t in
                           ("Ready", "InfrastructureReady", "ControlPlaneReady")]})
        self.create_kubeconfig_secret(key[1], key[2], wl["port"])
        self.log("ready", kind="Cluster", namespace=key[1], name=key[2])

    def create_kubeconfig_secret(self, ns, name, port):
        secrets = self.res("", "v1", "secrets")
        skey = (secrets, ns, name + "-kubeconfig")
        if skey in self.store.objs:
            return
        user, ctx = name + "-admin", f"{name}-admin@{name}"
        kubeconfig = (f"apiVersion: v1\nkind: Config\nclusters:\n- name: {name}\n  cluster:\n"
                      f"    server: http://127.0.0.1:{port}\ncontexts:\n- name: {ctx}\n"
                      f"  context: {{cluster: {name}, user: {user}}}\ncurrent-context: {ctx}\n"
                      f"users:\n- name: {user}\n  user: {{}}\n")
        obj = {"apiVersion": "v1", "kind": "Secret", "type": "cluster.x-k8s.io/secret",
               "metadata": {"name": name + "-kubeconfig", "namespace": ns,
                            "labels": {"cluster.x-k8s.io/cluster-name": name}},
               "data": {"value": base64.b64encode(kubeconfig.encode()).decode()}}
        self.store._commit_create(secrets, ns, obj, "manager", "Update")

    def start_workload(self, ns, name):
        """Starts the workload cluster's own fake apiserver. Runs in the timer thread, which
        lives as long as the process: PR_SET_PDEATHSIG fires when the forking THREAD exits."""
        d = os.path.join(self.dir, f"workload-{ns}-{name}")
        os.makedirs(d, exist_ok=True)
        port_file = os.path.join(d, "port")
        if os.path.exists(port_file):
            os.remove(port_file)
        cmd = [sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "fake_apiserver.py"),
               "--port", "0", "--port-file", port_file, "--log", os.path.join(d, "requests.jsonl"),
               "--minor", self.args.minor, "--ready-after", "0.5", "--finalize-after", "0.3"]
        # The other --controllers modules serve the workload cluster too (e.g. addon_kinds,
        # so addons can be applied there); this one only manages clusters.
        for c in self.args.controllers:
            if os.path.basename(c).removesuffix(".py") != "capi_controllers":
                cmd += ["--controllers", c]

        def die_with_parent():  # the management fake may be SIGKILLed: take the child along
            try:
                ctypes.CDLL("libc.so.6").prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
            except Exception:
                pass
        out = open(os.path.join(d, "fake.log"), "w")
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, preexec_fn=die_with_parent)
        self.workloads[(ns, name)] = {"proc": proc, "port": None, "dir": d}
        threading.Thread(target=self.await_workload, args=(ns, name, proc, port_file, d),
                         daemon=True).start()

    def await_workload(self, ns, name, proc, port_file, d):
        """Runs WITHOUT the store lock: waits for the workload apiserver's port."""
        port = None
        for _ in range(300):
            try:
                with open(port_file) as f:
                    port = int(f.read().strip() or 0) or None
            except (OSError, ValueError):
                port = None
            if port or proc.poll() is not None:
                break
            time.sleep(0.05)
        with self.store.lock:
            if (ns, name) in self.workloads:
                self.workloads[(ns, name)]["port"] = port
        self.log("workload-started", namespace=ns, name=name, port=port, dir=d)

    def stop_workload(self, ns, name):
        wl = self.workloads.pop((ns, name), None)
        if wl and wl["proc"].poll() is None:
            wl["proc"].terminate()
            self.log("workload-stopped", namespace=ns, name=name)

    def cluster_deleting(self, res, key):
        st, ns, name = self.store, key[1], key[2]

        def cascade():
            gone = []
            for k in list(st.objs):
                o = st.objs.get(k)
                if k == key or not o or k[1] != ns or o["metadata"].get("deletionTimestamp"):
                    continue
                if (o["metadata"].get("labels") or {}).get("cluster.x-k8s.io/cluster-name") != name:
                    continue
                st._delete(k[0], k, {})
                gone.append(f"{k[0].kind}/{k[2]}")
            self.log("cascade", kind="Cluster", namespace=ns, name=name, deleted=sorted(gone))
            self.stop_workload(ns, name)
            st._after(self.args.finalize_after, drop_finalizer)

        def drop_finalizer():
            o = st.objs.get(key)
            if not o:
                return
            n = copy.deepcopy(o)
            n["metadata"]["finalizers"] = [f for f in n["metadata"].get("finalizers") or []
                                           if f != "cluster.cluster.x-k8s.io"]
            if not n["metadata"]["finalizers"]:
                del n["metadata"]["finalizers"]
            st._commit_update(res, key, o, n, "manager", "Update")
            self.log("deleted", kind="Cluster", namespace=ns, name=name)
        st._after(self.args.finalize_after, cascade)

    # ---- KubeadmControlPlane / MachineDeployment ----
    @staticmethod
    def signature(o):
        spec = o.get("spec") or {}
        if o["kind"] == "KubeadmControlPlane":
            return json.dumps({k: v for k, v in spec.items() if k != "replicas"}, sort_keys=True)
        return json.dumps(spec.get("template"), sort_keys=True)

    def machines_reconcile(self, res, key):
        o = self.store.objs.get(key)
        if not o or o["metadata"].get("deletionTimestamp"):
            return
        want = (o.get("spec") or {}).get("replicas", 1)
        sig, prev = self.signature(o), self.seen.get(key)
        gen = o["metadata"]["generation"]
        self.seen[key] = sig

        def status(updated):
            return {"observedGeneration": gen, "replicas": want, "readyReplicas": want,
                    "availableReplicas": want, "updatedReplicas": updated, "phase": "Running",
                    "ready": True, "initialized": True,
                    "conditions": [self.cond("Ready", updated == want, "RollingUpdateInProgress"),
                                   self.cond("Available", True)]}
        if prev is not None and prev != sig:
            self.write_status(res, key, status(0))
            self.log("rollout", kind=o["kind"], namespace=key[1], name=key[2], machines=want)

            def finish():
                cur = self.store.objs.get(key)
                if cur and cur["metadata"]["generation"] == gen:
                    self.write_status(res, key, status(want))
                    self.log("rollout-done", kind=o["kind"], namespace=key[1], name=key[2])
            self.store._after(STEP, finish)
        else:
            self.write_status(res, key, status(want))

    def machines_changed(self, res, key):
        self.store._after(STEP, lambda: self.machines_reconcile(res, key))


def install(store, args, fake):
    ctl = Controllers(store, args, fake)
    for plural, singular, kind, status_sub in (
            ("openstackclusters", "openstackcluster", "OpenStackCluster", True),
            ("openstackmachinetemplates", "openstackmachinetemplate", "OpenStackMachineTemplate", False)):
        r = fake.Res("infrastructure.cluster.x-k8s.io", "v1alpha7", plural, singular, kind, True,
                     [], ["cluster-api"], status_sub=status_sub, crd=True)
        fake.RESOURCES.append(r)
        fake.BY_GVR[(r.group, r.version, r.plural)] = r

    def ours(res):
        return res.kind in CAPI_KINDS and res.group.endswith("cluster.x-k8s.io")

    orig_created, orig_gen, orig_deleting = store._on_created, store._on_generation_change, store._on_deleting

    def on_created(res, key):
        if not ours(res):
            return orig_created(res, key)
        if res.kind == "Cluster":
            return ctl.cluster_created(res, key)
        ctl.machines_changed(res, key)

    def on_generation_change(res, key):
        if not ours(res):
            return orig_gen(res, key)
        if res.kind == "Cluster":
            o = store.objs.get(key)
            if o and "status" in o:
                st = copy.deepcopy(o["status"])
                st["observedGeneration"] = o["metadata"]["generation"]
                store._after(STEP, lambda: ctl.write_status(res, key, st))
            return
        ctl.machines_changed(res, key)

    def on_deleting(res, key):
        if res.kind == "Cluster" and ours(res):
            return ctl.cluster_deleting(res, key)
        return orig_deleting(res, key)

    store._on_created, store._on_generation_change, store._on_deleting = on_created, on_generation_change, on_deleting

    def on_term(signum, frame):
        for wl in list(ctl.workloads.values()):
            if wl["proc"].poll() is None:
                wl["proc"].terminate()
        for wl in list(ctl.workloads.values()):
            try:
                wl["proc"].wait(2)
            except Exception:
                pass
        os._exit(0)
    signal.signal(signal.SIGTERM, on_term)
    return ctl
