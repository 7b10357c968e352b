#!/usr/bin/env python3
"""Fake Kubernetes API server for capstan's tests (a test fixture, never part of the product).

Why it exists: the `kubernetes` provider (providers/kubernetes/) and the `k8s.manifest`
integration tests need an API server that behaves like the real one where it matters
(discovery, server-side apply with managedFields and conflicts, label selectors, delete
with finalizers and namespace termination, status conditions, watch) and that the REAL
kubectl accepts, so the tests can check capstan's work with kubectl. A real cluster (kind)
is far too heavy for unit tests. Python 3 standard library only; run it with
/usr/bin/python3. tests/fakes/kube_fake.h starts it from C++ tests.
Origin: the prototype in ../shared/testbed/kube (see ../shared/reference/kube-fake.md).

Serves (all in memory, HTTP/1.1, JSON only):
  /version, /healthz                       (the gcloud kubectl dispatcher picks
                                             kubectl.1.<minor> from /version)
  /api, /apis                              aggregated discovery v2 / v2beta1
                                             or legacy APIVersions/APIGroupList
  /api/v1, /apis/<g>/<v>                   legacy APIResourceList
  /openapi/v3, /openapi/v3/<gv>            minimal docs advertising the
                                             fieldValidation query parameter
  <gv>/[namespaces/<ns>/]<plural>[/<name>[/status]]
      GET (object, list, Table), ?watch=true (chunked JSON event stream),
      POST, PUT, PATCH (apply-patch+yaml, merge-patch, strategic-merge as
      merge, json-patch), DELETE; labelSelector, fieldSelector
      (metadata.name / metadata.namespace), dryRun=All, fieldManager, force.
Resources: v1 Namespace/ConfigMap/Secret/Service/PersistentVolumeClaim, apps/v1
Deployment, and (as if their CRDs were installed) cluster.x-k8s.io/v1beta1 Cluster and
MachineDeployment, controlplane.cluster.x-k8s.io/v1beta1 KubeadmControlPlane,
bootstrap.cluster.x-k8s.io/v1beta1 KubeadmConfigTemplate,
infrastructure.cluster.x-k8s.io/v1beta1 OpenStackCluster and OpenStackMachineTemplate.

Simulated controllers: Namespace Terminating -> content deleted -> gone;
Cluster gets finalizer + Ready=False at +0.2 s and Ready=True at
--ready-after (the other CAPI/CAPO kinds get the same conditions, without finalizer); deletion drops the finalizer after --finalize-after;
Deployment status; status.observedGeneration follows spec changes.
Fake-only annotations on a Cluster: fake.capstan.io/ready-after: "<sec>",
fake.capstan.io/no-reconcile: "true" (observedGeneration never catches up).

Every request is logged as one JSON line (method, path, query, Accept,
Content-Type, User-Agent, Kubectl-Command/Session, body excerpt, status,
response content type, watch events sent, TLS client cert) to --log.

Switches used by the experiments (what does kubectl really need?):
  --openapi none|v3|v3-noparam|v3-empty   (default v3)
  --no-aggregated, --no-table, --delete-returns-object, --quirk NAME (see QUIRKS)
  --tls DIR   HTTPS with DIR/server.{crt,key}; client certs must chain to DIR/ca.crt
  --controllers MODULE   load extra simulated controllers, e.g. capi_controllers (fake
                         CAPI/CAPO controllers and a workload-cluster fake; see that file)
"""
import argparse
import base64
import copy
import datetime
import gzip
import http.server
import json
import re
import select
import socket
import ssl
import sys
import threading
import time
import urllib.parse
import uuid

# --------------------------------------------------------------------------
# Resource registry: what the fake "serves".  One version per group here.
# --------------------------------------------------------------------------
ALL_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]


class Res:
    def __init__(self, group, version, plural, singular, kind, namespaced,
                 short=None, categories=None, status_sub=False, crd=False, columns=None):
        self.group, self.version, self.plural, self.singular = group, version, plural, singular
        self.kind, self.namespaced = kind, namespaced
        self.short = short or []
        self.categories = categories or []
        self.status_sub = status_sub  # has a /status subresource: main-resource writes keep status
        self.crd = crd
        self.columns = columns or []  # extra Table columns: (name, jsonpath-ish getter)

    def __deepcopy__(self, memo):  # registry entries are singletons (identity is compared)
        return self

    @property
    def api_version(self):
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def gv_path(self):
        return f"/apis/{self.group}/{self.version}" if self.group else f"/api/{self.version}"


def _get(obj, *path):
    for p in path:
        if isinstance(obj, dict):
            obj = obj.get(p)
        elif isinstance(obj, list) and isinstance(p, int) and p < len(obj):
            obj = obj[p]
        else:
            return None
    return obj


def _cond(obj, ctype):
    for c in _get(obj, "status", "conditions") or []:
        if c.get("type") == ctype:
            return c.get("status")
    return None


RESOURCES = [
    Res("", "v1", "namespaces", "namespace", "Namespace", False, ["ns"], status_sub=True,
        columns=[("Status", lambda o: _get(o, "status", "phase") or "")]),
    Res("", "v1", "configmaps", "configmap", "ConfigMap", True, ["cm"],
        columns=[("Data", lambda o: len(o.get("data") or {}) + len(o.get("binaryData") or {}))]),
    Res("", "v1", "secrets", "secret", "Secret", True,
        columns=[("Type", lambda o: o.get("type", "")), ("Data", lambda o: len(o.get("data") or {}))]),
    Res("apps", "v1", "deployments", "deployment", "Deployment", True, ["deploy"], ["all"], status_sub=True,
        columns=[("Ready", lambda o: f"{_get(o, 'status', 'readyReplicas') or 0}/{_get(o, 'spec', 'replicas') or 0}")]),
    Res("cluster.x-k8s.io", "v1beta1", "clusters", "cluster", "Cluster", True, ["cl"], ["cluster-api"],
        status_sub=True, crd=True,
        columns=[("Phase", lambda o: _get(o, "status", "phase") or ""),
                 ("Ready", lambda o: _cond(o, "Ready") or "")]),
    Res("", "v1", "services", "service", "Service", True, ["svc"], ["all"], status_sub=True),
    Res("", "v1", "persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", True,
        ["pvc"], status_sub=True),
    Res("cluster.x-k8s.io", "v1beta1", "machinedeployments", "machinedeployment",
        "MachineDeployment", True, ["md"], ["cluster-api"], status_sub=True, crd=True,
        columns=[("Ready", lambda o: _cond(o, "Ready") or "")]),
    Res("controlplane.cluster.x-k8s.io", "v1beta1", "kubeadmcontrolplanes", "kubeadmcontrolplane",
        "KubeadmControlPlane", True, ["kcp"], ["cluster-api"], status_sub=True, crd=True,
        columns=[("Ready", lambda o: _cond(o, "Ready") or "")]),
    Res("bootstrap.cluster.x-k8s.io", "v1beta1", "kubeadmconfigtemplates", "kubeadmconfigtemplate",
        "KubeadmConfigTemplate", True, [], ["cluster-api"], crd=True),
    Res("infrastructure.cluster.x-k8s.io", "v1beta1", "openstackclusters", "openstackcluster",
        "OpenStackCluster", True, ["osc"], ["cluster-api"], status_sub=True, crd=True,
        columns=[("Ready", lambda o: _cond(o, "Ready") or "")]),
    Res("infrastructure.cluster.x-k8s.io", "v1beta1", "openstackmachinetemplates",
        "openstackmachinetemplate", "OpenStackMachineTemplate", True, ["osmt"], ["cluster-api"],
        crd=True),
]
BY_GVR = {(r.group, r.version, r.plural): r for r in RESOURCES}

# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------


def now_rfc3339():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def age(ts):
    try:
        t = datetime.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    except Exception:
        return "<unknown>"
    s = int((datetime.datetime.now(datetime.timezone.utc) - t).total_seconds())
    if s < 120:
        return f"{s}s"
    if s < 7200:
        return f"{s // 60}m"
    return f"{s // 3600}h"


class ApiError(Exception):
    def __init__(self, code, reason, message, details=None):
        super().__init__(message)
        self.code, self.reason, self.message, self.details = code, reason, message, details


def status_obj(code, reason, message, details=None):
    st = {"kind": "Status", "apiVersion": "v1", "metadata": {},
          "status": "Success" if code < 400 else "Failure", "message": message,
          "reason": reason, "code": code}
    if details is not None:
        st["details"] = details
    if code < 400:
        st.pop("message"); st.pop("reason")
    return st


def not_found(res, name):
    gr = f"{res.plural}.{res.group}" if res.group else res.plural
    return ApiError(404, "NotFound", f'{gr} "{name}" not found',
                    {"name": name, "group": res.group, "kind": res.plural})


# ---- label selectors ------------------------------------------------------
_SEL_IN = re.compile(r"^\s*([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)\s*$")


def split_selector(s):
    parts, depth, cur = [], 0, ""
    for ch in s:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur); cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur)
    return [p.strip() for p in parts if p.strip()]


def label_match(selector, labels):
    if not selector:
        return True
    labels = labels or {}
    for req in split_selector(selector):
        m = _SEL_IN.match(req)
        if m:
            key, op, vals = m.group(1), m.group(2), {v.strip() for v in m.group(3).split(",")}
            if op == "in" and labels.get(key) not in vals:
                return False
            if op == "notin" and key in labels and labels[key] in vals:
                return False
            continue
        if "!=" in req:
            k, v = req.split("!=", 1)
            if labels.get(k.strip()) == v.strip():
                return False
        elif "==" in req or "=" in req:
            k, v = req.split("==", 1) if "==" in req else req.split("=", 1)
            if labels.get(k.strip()) != v.strip():
                return False
        elif req.startswith("!"):
            if req[1:].strip() in labels:
                return False
        else:
            if req not in labels:
                return False
    return True


def field_match(selector, obj):
    """Only metadata.name / metadata.namespace (all that CRDs support)."""
    if not selector:
        return True
    for req in split_selector(selector):
        neg = "!=" in req
        k, v = req.split("!=" if neg else ("==" if "==" in req else "="), 1)
        k, v = k.strip(), v.strip()
        if k == "metadata.name":
            actual = _get(obj, "metadata", "name")
        elif k == "metadata.namespace":
            actual = _get(obj, "metadata", "namespace")
        else:
            raise ApiError(400, "BadRequest", f'"{k}" is not a known field selector: only "metadata.name", "metadata.namespace"')
        if (actual == v) == neg:
            return False
    return True


# ---- server-side apply: field sets -----------------------------------------
# A field set is a Python set of path tuples to *leaves*.  Maps recurse, lists
# are treated as atomic leaves (a simplification: the real apiserver treats
# e.g. containers as a map-list keyed by name).
STRIP_TOP = {"apiVersion", "kind"}
STRIP_META = {"name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp",
              "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "selfLink"}


def leaf_paths(obj, prefix=()):
    out = set()
    if isinstance(obj, dict) and obj:
        for k, v in obj.items():
            if not prefix and k in STRIP_TOP:
                continue
            if prefix == ("metadata",) and k in STRIP_META:
                continue
            out |= leaf_paths(v, prefix + (k,))
    elif prefix:
        out.add(prefix)
    return out


def fields_v1(paths):
    root = {}
    for p in sorted(paths):
        node = root
        for k in p:
            node = node.setdefault(f"f:{k}", {})
    return root


def paths_from_fields_v1(fv, prefix=()):
    out = set()
    for k, v in (fv or {}).items():
        if not k.startswith("f:"):
            continue
        p = prefix + (k[2:],)
        if v:
            out |= paths_from_fields_v1(v, p)
        else:
            out.add(p)
    return out


_MISSING = object()


def get_path(obj, path):
    for k in path:
        if not isinstance(obj, dict) or k not in obj:
            return _MISSING
        obj = obj[k]
    return obj


def del_path(obj, path):
    stack = []
    for k in path[:-1]:
        if not isinstance(obj, dict) or k not in obj:
            return
        stack.append((obj, k))
        obj = obj[k]
    if isinstance(obj, dict):
        obj.pop(path[-1], None)
    # prune emptied parent maps
    for parent, k in reversed(stack):
        if parent[k] == {}:
            del parent[k]
        else:
            break


def deep_merge(dst, src):
    for k, v in src.items():
        if isinstance(v, dict) and isinstance(dst.get(k), dict):
            deep_merge(dst[k], v)
        else:
            dst[k] = copy.deepcopy(v)
    return dst


def merge_patch(dst, patch):
    """RFC 7386 JSON merge patch (also used for strategic-merge, simplified)."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    if not isinstance(dst, dict):
        dst = {}
    for k, v in patch.items():
        if v is None:
            dst.pop(k, None)
        else:
            dst[k] = merge_patch(dst.get(k), v)
    return dst


def json_patch(doc, ops):
    """RFC 6902, enough for kubectl (add/remove/replace/test)."""
    doc = copy.deepcopy(doc)
    for op in ops:
        parts = [p.replace("~1", "/").replace("~0", "~") for p in op["path"].split("/")[1:]]
        parent = doc
        for p in parts[:-1]:
            parent = parent[int(p)] if isinstance(parent, list) else parent[p]
        last = parts[-1] if parts else None
        o = op["op"]
        if o == "test":
            cur = parent[int(last)] if isinstance(parent, list) else parent.get(last)
            if cur != op.get("value"):
                raise ApiError(422, "Invalid", f"test operation failed at {op['path']}")
        elif o in ("add", "replace"):
            if isinstance(parent, list):
                if last == "-":
                    parent.append(op["value"])
                elif o == "add":
                    parent.insert(int(last), op["value"])
                else:
                    parent[int(last)] = op["value"]
            else:
                parent[last] = op["value"]
        elif o == "remove":
            if isinstance(parent, list):
                parent.pop(int(last))
            else:
                parent.pop(last, None)
    return doc


def spec_part(obj):
    """What bumps metadata.generation: everything but metadata and status."""
    return {k: v for k, v in obj.items() if k not in ("metadata", "status", "apiVersion", "kind")}


# --------------------------------------------------------------------------
# Store + watch event log
# --------------------------------------------------------------------------
class Store:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Condition()
        self.rv = 100
        self.objs = {}          # (res, ns, name) -> obj
        self.events = []        # (rv:int, type, res, obj)
        self.timers = []        # (due, fn)

    # ---- internal (call with lock held) ----
    def _bump(self):
        self.rv += 1
        return str(self.rv)

    def _emit(self, etype, res, obj):
        self.events.append((int(obj["metadata"]["resourceVersion"]), etype, res, copy.deepcopy(obj)))
        self.lock.notify_all()

    def _after(self, delay, fn):
        self.timers.append((time.time() + delay, fn))
        self.lock.notify_all()

    def _ns_state(self, ns):
        o = self.objs.get((BY_GVR[("", "v1", "namespaces")], None, ns))
        if o is None:
            return None
        return "Terminating" if o["metadata"].get("deletionTimestamp") else "Active"

    def _check_ns(self, res, ns, creating):
        if not res.namespaced:
            return
        st = self._ns_state(ns)
        if st is None:
            raise ApiError(404, "NotFound", f'namespaces "{ns}" not found',
                           {"name": ns, "kind": "namespaces"})
        if st == "Terminating" and creating:
            raise ApiError(403, "Forbidden",
                           f"{res.kind.lower()}s \"...\" is forbidden: unable to create new content in namespace {ns} because it is being terminated",
                           {"causes": [{"reason": "NamespaceTerminating",
                                        "message": f"namespace {ns} is being terminated",
                                        "field": "metadata.namespace"}]})

    def _validate_body(self, res, ns, name, body):
        if not isinstance(body, dict):
            raise ApiError(400, "BadRequest", "body must be a JSON object")
        if body.get("apiVersion") != res.api_version or body.get("kind") != res.kind:
            raise ApiError(400, "BadRequest",
                           f"the API version in the data ({body.get('apiVersion')}) / kind ({body.get('kind')}) "
                           f"does not match the expected {res.api_version} / {res.kind}")
        md = body.setdefault("metadata", {})
        if name is not None and md.get("name", name) != name:
            raise ApiError(400, "BadRequest", "the name of the object does not match the name on the URL")
        if res.namespaced and md.get("namespace", ns) != ns:
            raise ApiError(400, "BadRequest", "the namespace of the provided object does not match the namespace sent on the request")
        if not md.get("name"):
            if md.get("generateName"):
                md["name"] = md["generateName"] + uuid.uuid4().hex[:5]
            else:
                raise ApiError(422, "Invalid", f"{res.kind} \"\" is invalid: metadata.name: Required value: name or generateName is required",
                               {"kind": res.kind, "causes": [{"reason": "FieldValueRequired", "message": "Required value: name or generateName is required", "field": "metadata.name"}]})
        if res.namespaced:
            md["namespace"] = ns
        else:
            md.pop("namespace", None)

    def _normalize(self, res, obj):
        if res.kind == "Secret":
            sd = obj.pop("stringData", None) or {}
            data = obj.setdefault("data", {})
            for k, v in sd.items():
                data[k] = base64.b64encode(v.encode()).decode()
            obj.setdefault("type", "Opaque")
        if res.kind == "Namespace":
            obj.setdefault("spec", {}).setdefault("finalizers", ["kubernetes"])
            obj.setdefault("status", {}).setdefault("phase", "Active")
            obj["metadata"].setdefault("labels", {})["kubernetes.io/metadata.name"] = obj["metadata"]["name"]

    def _commit_create(self, res, ns, obj, manager, op, apply_paths=None):
        md = obj["metadata"]
        if res.status_sub and res.crd:
            obj.pop("status", None)  # CRD status subresource: status dropped on create
        md["uid"] = str(uuid.uuid4())
        md["creationTimestamp"] = now_rfc3339()
        md["generation"] = 1
        for k in ("deletionTimestamp", "deletionGracePeriodSeconds"):
            md.pop(k, None)
        self._normalize(res, obj)
        paths = apply_paths if apply_paths is not None else leaf_paths(obj)
        md["managedFields"] = [self._mf(res, manager, op, paths)]
        md["resourceVersion"] = self._bump()
        key = (res, ns if res.namespaced else None, md["name"])
        self.objs[key] = obj
        self._emit("ADDED", res, obj)
        self._on_created(res, key)
        return obj

    def _mf(self, res, manager, op, paths, sub=None):
        e = {"manager": manager, "operation": op, "apiVersion": res.api_version,
             "time": now_rfc3339(), "fieldsType": "FieldsV1", "fieldsV1": fields_v1(paths)}
        if sub:
            e["subresource"] = sub
        return e

    def _commit_update(self, res, key, old, new, manager, op, apply_paths=None, sub=None):
        """Store `new` (derived from `old`), maintain generation/managedFields/RV."""
        md = new["metadata"]
        for k in ("uid", "creationTimestamp", "generation", "deletionTimestamp", "deletionGracePeriodSeconds"):
            if k in old["metadata"]:
                md[k] = old["metadata"][k]
            else:
                md.pop(k, None)
        if old["metadata"].get("deletionTimestamp"):
            # finalizers may only be removed on a deleting object; new ones are refused
            if set(md.get("finalizers") or []) - set(old["metadata"].get("finalizers") or []):
                raise ApiError(422, "Invalid", "no new finalizers can be added if the object is being deleted")
        if sub != "status" and res.status_sub:
            if "status" in old:
                new["status"] = copy.deepcopy(old["status"])
            else:
                new.pop("status", None)
        if sub == "status":
            # status writes change only status
            keep = copy.deepcopy(old)
            keep["status"] = new.get("status", {})
            new = keep
            md = new["metadata"]
        self._normalize(res, new)
        gen_bumped = spec_part(new) != spec_part(old)
        if gen_bumped:
            md["generation"] = old["metadata"].get("generation", 1) + 1
        # managed fields
        mfs = [m for m in (old["metadata"].get("managedFields") or [])]
        if apply_paths is not None:
            mine = apply_paths
        else:
            changed = {p for p in leaf_paths(new) if get_path(new, p) != get_path(old, p)}
            prev = next((m for m in mfs if m["manager"] == manager and m["operation"] == op
                         and m.get("subresource") == sub), None)
            mine = changed | (paths_from_fields_v1(prev["fieldsV1"]) if prev else set())
            mine = {p for p in mine if get_path(new, p) is not _MISSING}
            # others lose fields we changed
            for m in mfs:
                if m is not prev:
                    m["fieldsV1"] = fields_v1(paths_from_fields_v1(m["fieldsV1"]) - changed)
        mfs = [m for m in mfs if not (m["manager"] == manager and m["operation"] == op
                                      and m.get("subresource") == sub)]
        if mine:
            mfs.append(self._mf(res, manager, op, mine, sub))
        mfs = [m for m in mfs if m["fieldsV1"]]
        md["managedFields"] = mfs
        # no-op detection (ignoring managedFields timestamps)
        def strip(o):
            o = copy.deepcopy(o)
            o["metadata"].pop("resourceVersion", None)
            for m in o["metadata"].get("managedFields") or []:
                m.pop("time", None)
            return o
        if strip(new) == strip(old):
            return old
        md["resourceVersion"] = self._bump()
        self.objs[key] = new
        self._emit("MODIFIED", res, new)
        self._maybe_finalize(res, key)
        if gen_bumped and key in self.objs:
            self._on_generation_change(res, key)
        return new

    def _maybe_finalize(self, res, key):
        o = self.objs.get(key)
        if o and o["metadata"].get("deletionTimestamp") and not o["metadata"].get("finalizers") \
                and not (res.kind == "Namespace" and (o.get("spec") or {}).get("finalizers")):
            del self.objs[key]
            o = copy.deepcopy(o)
            o["metadata"]["resourceVersion"] = self._bump()
            self._emit("DELETED", res, o)

    # ---- simulated controllers ----
    def _on_created(self, res, key):
        if res.crd and res.status_sub:
            def init():
                o = self.objs.get(key)
                if not o or o["metadata"].get("deletionTimestamp"):
                    return
                n = copy.deepcopy(o)
                if res.kind == "Cluster":
                    fins = n["metadata"].setdefault("finalizers", [])
                    if "cluster.cluster.x-k8s.io" not in fins:
                        fins.append("cluster.cluster.x-k8s.io")
                n2 = self._commit_update(res, key, o, n, "manager", "Update")
                s = copy.deepcopy(n2)
                s["status"] = {"phase": "Provisioning", "observedGeneration": n2["metadata"]["generation"],
                               "conditions": [{"type": "Ready", "status": "False", "severity": "Info",
                                               "reason": "WaitingForInfrastructure",
                                               "lastTransitionTime": now_rfc3339()}]}
                self._commit_update(res, key, n2, s, "manager", "Update", sub="status")

            def ready():
                o = self.objs.get(key)
                if not o or o["metadata"].get("deletionTimestamp"):
                    return
                s = copy.deepcopy(o)
                s["status"] = {"phase": "Provisioned", "observedGeneration": o["metadata"]["generation"],
                               "infrastructureReady": True, "controlPlaneReady": True,
                               "conditions": [{"type": "Ready", "status": "True",
                                               "lastTransitionTime": now_rfc3339()}]}
                self._commit_update(res, key, o, s, "manager", "Update", sub="status")
            self._after(0.2, init)
            # per-object override, e.g. to make `kubectl wait --timeout` expire in tests
            delay = (self.objs[key]["metadata"].get("annotations") or {}).get("fake.capstan.io/ready-after")
            self._after(float(delay) if delay else self.args.ready_after, ready)
        if res.kind == "Deployment":
            def dep_ready():
                o = self.objs.get(key)
                if not o or o["metadata"].get("deletionTimestamp"):
                    return
                r = _get(o, "spec", "replicas")
                r = 1 if r is None else r
                s = copy.deepcopy(o)
                s["status"] = {"observedGeneration": o["metadata"]["generation"], "replicas": r,
                               "readyReplicas": r, "availableReplicas": r, "updatedReplicas": r,
                               "conditions": [{"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable",
                                               "lastTransitionTime": now_rfc3339(), "lastUpdateTime": now_rfc3339()}]}
                self._commit_update(res, key, o, s, "kube-controller-manager", "Update", sub="status")
            self._after(0.3, dep_ready)

    def _on_generation_change(self, res, key):
        """A controller 'reconciles' a spec change: status.observedGeneration catches up.
        (kubectl wait ignores a condition while observedGeneration < metadata.generation.)"""
        if not (res.crd and res.status_sub) and res.kind != "Deployment":
            return
        if (self.objs[key]["metadata"].get("annotations") or {}).get("fake.capstan.io/no-reconcile") == "true":
            return  # fake-only knob: leave observedGeneration stale

        def observe():
            o = self.objs.get(key)
            if not o or "status" not in o or o["metadata"].get("deletionTimestamp"):
                return
            s = copy.deepcopy(o)
            s["status"]["observedGeneration"] = o["metadata"]["generation"]
            if res.kind == "Deployment":
                r = _get(o, "spec", "replicas")
                r = 1 if r is None else r
                s["status"].update(replicas=r, readyReplicas=r, availableReplicas=r, updatedReplicas=r)
            self._commit_update(res, key, o, s, "manager" if res.crd else "kube-controller-manager",
                                "Update", sub="status")
        self._after(0.3, observe)

    def _on_deleting(self, res, key):
        """Controllers react to deletionTimestamp: remove their finalizers later."""
        if res.kind == "Namespace" and "ns-instant-cascade" in self.args.quirk:
            for k in list(self.objs):
                if k[0].namespaced and k[1] == key[2]:
                    o = self.objs.pop(k)
                    o["metadata"]["resourceVersion"] = self._bump()
                    self._emit("DELETED", k[0], o)
            o = self.objs.pop(key)
            o["metadata"]["resourceVersion"] = self._bump()
            self._emit("DELETED", res, o)
            return
        if res.kind == "Namespace":
            def ns_controller():
                ns = key[2]
                busy = False
                for k in list(self.objs):
                    if k[0].namespaced and k[1] == ns:
                        busy = True
                        if not self.objs[k]["metadata"].get("deletionTimestamp"):
                            self._delete(k[0], k, {})
                if busy:
                    self._after(0.2, ns_controller)
                    return
                o = self.objs.get(key)
                if o:
                    n = copy.deepcopy(o)
                    n.setdefault("spec", {})["finalizers"] = []
                    self._commit_update(res, key, o, n, "kube-controller-manager", "Update", sub="finalize")
            self._after(0.3, ns_controller)
            return

        def drop_finalizers():
            o = self.objs.get(key)
            if not o:
                return
            n = copy.deepcopy(o)
            n["metadata"]["finalizers"] = [f for f in n["metadata"].get("finalizers") or []
                                           if f != "cluster.cluster.x-k8s.io"]
            if not n["metadata"]["finalizers"]:
                del n["metadata"]["finalizers"]
            self._commit_update(res, key, o, n, "manager", "Update")
        if "cluster.cluster.x-k8s.io" in (self.objs[key]["metadata"].get("finalizers") or []):
            self._after(self.args.finalize_after, drop_finalizers)

    def _delete(self, res, key, opts):
        o = self.objs.get(key)
        if o is None:
            raise not_found(res, key[2])
        pre = (opts or {}).get("preconditions") or {}
        if pre.get("uid") and pre["uid"] != o["metadata"]["uid"]:
            raise ApiError(409, "Conflict", "Precondition failed: UID in precondition: %s, UID in object meta: %s" % (pre["uid"], o["metadata"]["uid"]))
        if pre.get("resourceVersion") and pre["resourceVersion"] != o["metadata"]["resourceVersion"]:
            raise ApiError(409, "Conflict", "Precondition failed: ResourceVersion in precondition: %s, ResourceVersion in object meta: %s" % (pre["resourceVersion"], o["metadata"]["resourceVersion"]))
        has_fin = bool(o["metadata"].get("finalizers")) or res.kind == "Namespace"
        if not has_fin:
            del self.objs[key]
            d = copy.deepcopy(o)
            d["metadata"]["resourceVersion"] = self._bump()
            self._emit("DELETED", res, d)
            return True, d
        if o["metadata"].get("deletionTimestamp"):
            return False, o  # already deleting: idempotent
        n = copy.deepcopy(o)
        n["metadata"]["deletionTimestamp"] = now_rfc3339()
        n["metadata"]["deletionGracePeriodSeconds"] = 0
        if res.kind == "Namespace":
            n.setdefault("status", {})["phase"] = "Terminating"
        n["metadata"]["resourceVersion"] = self._bump()
        self.objs[key] = n
        self._emit("MODIFIED", res, n)
        self._on_deleting(res, key)
        return False, n

    # ---- public API (take the lock) ----
    def get(self, res, ns, name):
        with self.lock:
            o = self.objs.get((res, ns if res.namespaced else None, name))
            if o is None:
                raise not_found(res, name)
            return copy.deepcopy(o)

    def list(self, res, ns, lsel, fsel):
        with self.lock:
            items = [copy.deepcopy(o) for (r, n, _), o in sorted(self.objs.items(), key=lambda kv: (kv[0][1] or "", kv[0][2]))
                     if r is res and (ns is None or n == ns)
                     and label_match(lsel, o["metadata"].get("labels")) and field_match(fsel, o)]
            return items, str(self.rv)

    def create(self, res, ns, body, manager):
        with self.lock:
            self._validate_body(res, ns, None, body)
            self._check_ns(res, ns, True)
            key = (res, ns if res.namespaced else None, body["metadata"]["name"])
            if key in self.objs:
                gr = f"{res.plural}.{res.group}" if res.group else res.plural
                raise ApiError(409, "AlreadyExists", f'{gr} "{key[2]}" already exists',
                               {"name": key[2], "group": res.group, "kind": res.plural})
            return copy.deepcopy(self._commit_create(res, ns, body, manager, "Update"))

    def update(self, res, ns, name, body, manager, sub=None):
        with self.lock:
            self._validate_body(res, ns, name, body)
            key = (res, ns if res.namespaced else None, name)
            old = self.objs.get(key)
            if old is None:
                raise not_found(res, name)
            rv = body["metadata"].get("resourceVersion")
            if rv and rv != old["metadata"]["resourceVersion"]:
                gr = f"{res.plural}.{res.group}" if res.group else res.plural
                raise ApiError(409, "Conflict", f'Operation cannot be fulfilled on {gr} "{name}": the object has been modified; please apply your changes to the latest version and try again',
                               {"name": name, "group": res.group, "kind": res.plural})
            return copy.deepcopy(self._commit_update(res, key, old, body, manager, "Update", sub=sub))

    def patch(self, res, ns, name, ctype, raw, manager, force, sub=None):
        with self.lock:
            key = (res, ns if res.namespaced else None, name)
            old = self.objs.get(key)
            if ctype == "application/apply-patch+yaml":
                return self._apply(res, ns, name, key, old, raw, manager, force, sub)
            if old is None:
                raise not_found(res, name)
            try:
                patch = json.loads(raw)
            except ValueError as e:
                raise ApiError(400, "BadRequest", f"invalid JSON patch: {e}")
            if ctype == "application/json-patch+json":
                new = json_patch(old, patch)
            elif ctype in ("application/merge-patch+json", "application/strategic-merge-patch+json"):
                new = merge_patch(copy.deepcopy(old), patch)
            else:
                raise ApiError(415, "UnsupportedMediaType", f"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml")
            new["metadata"]["resourceVersion"] = old["metadata"]["resourceVersion"]
            return 200, copy.deepcopy(self._commit_update(res, key, old, new, manager, "Update", sub=sub))

    def _apply(self, res, ns, name, key, old, raw, manager, force, sub):
        if not manager:
            raise ApiError(400, "BadRequest", "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch")
        try:
            applied = json.loads(raw)   # kubectl sends JSON (YAML is a superset)
        except ValueError:
            raise ApiError(415, "UnsupportedMediaType", "this fake only parses the JSON subset of apply-patch+yaml")
        self._validate_body(res, ns, name, applied)
        paths = leaf_paths(applied)
        if res.status_sub and sub != "status":
            paths = {p for p in paths if p[0] != "status"}
            applied.pop("status", None)
        if old is None:
            self._check_ns(res, ns, True)
            return 201, copy.deepcopy(self._commit_create(res, ns, applied, manager, "Apply", paths))
        # conflicts with other managers that own the same leaf with a different value
        mfs = old["metadata"].get("managedFields") or []
        conflicts = []
        for m in mfs:
            if m["manager"] == manager and m["operation"] == "Apply":
                continue
            owned = paths_from_fields_v1(m["fieldsV1"])
            for p in paths & owned:
                if get_path(old, p) != get_path(applied, p):
                    conflicts.append((m["manager"], p))
        if conflicts and not force:
            causes = [{"type": "FieldManagerConflict",
                       "message": f'conflict with "{mgr}": .{".".join(p)}', "field": "." + ".".join(p)}
                      for mgr, p in conflicts]
            msg = "Apply failed with %d conflict%s: " % (len(causes), "s" if len(causes) > 1 else "") + \
                  "; ".join(c["message"] for c in causes)
            raise ApiError(409, "Conflict", msg, {"causes": causes})
        new = copy.deepcopy(old)
        # fields this manager owned before but no longer applies: remove unless owned by others
        prev = next((m for m in mfs if m["manager"] == manager and m["operation"] == "Apply"), None)
        others = set()
        for m in mfs:
            if m is not prev:
                others |= paths_from_fields_v1(m["fieldsV1"])
        if prev:
            for p in paths_from_fields_v1(prev["fieldsV1"]) - paths - others:
                del_path(new, p)
        deep_merge(new, applied)
        new["metadata"]["managedFields"] = [
            dict(m, fieldsV1=fields_v1(paths_from_fields_v1(m["fieldsV1"]) - paths)) if force else m
            for m in mfs]
        out = self._commit_update(res, key, old, new, manager, "Apply", apply_paths=paths, sub=sub)
        return 200, copy.deepcopy(out)

    def delete(self, res, ns, name, opts):
        with self.lock:
            key = (res, ns if res.namespaced else None, name)
            return self._delete(res, key, opts)

    def run_timers(self):
        while True:
            with self.lock:
                now = time.time()
                due = [t for t in self.timers if t[0] <= now]
                self.timers = [t for t in self.timers if t[0] > now]
                for _, fn in sorted(due, key=lambda t: t[0]):
                    try:
                        fn()
                    except Exception as e:  # keep controllers alive
                        print("timer error:", repr(e), file=sys.stderr)
                nxt = min([t[0] for t in self.timers], default=now + 1)
                self.lock.wait(max(0.01, min(1.0, nxt - time.time())))


# --------------------------------------------------------------------------
# Discovery documents
# --------------------------------------------------------------------------
AGG_CT = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"

# Deliberate deviations, used to find out what kubectl really insists on.
QUIRKS = {
    "no-kind": "GET / PATCH of one object answer without kind/apiVersion",
    "no-list-rv": "lists carry no metadata.resourceVersion",
    "plain-errors": "errors are text/plain bodies instead of Status objects",
    "table-no-object": "Table rows carry no row.object",
    "no-watch": "?watch=true answers 405 MethodNotAllowed",
    "watch-unchunked": "watch stream without Transfer-Encoding: chunked (Connection: close framing)",
    "delete-no-uid": "DELETE answers a Status without details.uid",
    "agg-plain-ctype": "aggregated discovery body, but Content-Type plain application/json",
    "table-plain-ctype": "Table body, but Content-Type plain application/json",
    "ns-instant-cascade": "deleting a namespace removes its contents at once (no Terminating phase)",
}


def media_ranges(accept):
    """Accept header -> [(type, {param: value})] in the client's order."""
    out = []
    for part in (accept or "").split(","):
        bits = [b.strip() for b in part.split(";")]
        params = dict(b.split("=", 1) for b in bits[1:] if "=" in b)
        out.append((bits[0], params))
    return out


def negotiate_discovery(accept):
    for mtype, p in media_ranges(accept):
        if mtype == "application/json" and p.get("g") == "apidiscovery.k8s.io" \
                and p.get("as") == "APIGroupDiscoveryList" and p.get("v") in ("v2", "v2beta1"):
            return p["v"]
        if mtype in ("application/json", "*/*") and not p:
            return None  # plain JSON preferred over anything later in the list
    return None


def agg_resource(r):
    d = {"resource": r.plural, "responseKind": {"group": r.group, "version": r.version, "kind": r.kind},
         "scope": "Namespaced" if r.namespaced else "Cluster", "singularResource": r.singular,
         "verbs": ALL_VERBS}
    if r.short:
        d["shortNames"] = r.short
    if r.categories:
        d["categories"] = r.categories
    if r.status_sub:
        d["subresources"] = [{"subresource": "status", "responseKind": dict(d["responseKind"]),
                              "verbs": ["get", "patch", "update"]}]
    return d


def aggregated(core):
    groups = {}
    for r in RESOURCES:
        if (r.group == "") == core:
            groups.setdefault(r.group, {}).setdefault(r.version, []).append(agg_resource(r))
    items = []
    for g, vers in groups.items():
        md = {"creationTimestamp": None}
        if g:
            md["name"] = g
        items.append({"metadata": md, "versions": [{"version": v, "resources": rs, "freshness": "Current"}
                                                   for v, rs in vers.items()]})
    return {"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2",
            "metadata": {}, "items": items}


def legacy_groups():
    groups = {}
    for r in RESOURCES:
        if r.group:
            groups.setdefault(r.group, r.version)
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
        {"name": g, "versions": [{"groupVersion": f"{g}/{v}", "version": v}],
         "preferredVersion": {"groupVersion": f"{g}/{v}", "version": v}} for g, v in groups.items()]}


def legacy_resources(group, version):
    out = []
    for r in RESOURCES:
        if r.group == group and r.version == version:
            d = {"name": r.plural, "singularName": r.singular, "namespaced": r.namespaced,
                 "kind": r.kind, "verbs": ALL_VERBS}
            if r.short:
                d["shortNames"] = r.short
            if r.categories:
                d["categories"] = r.categories
            out.append(d)
            if r.status_sub:
                out.append({"name": r.plural + "/status", "singularName": "", "namespaced": r.namespaced,
                            "kind": r.kind, "verbs": ["get", "patch", "update"]})
    if not out:
        return None
    return {"kind": "APIResourceList", "apiVersion": "v1",
            "groupVersion": f"{group}/{version}" if group else version, "resources": out}


def openapi_v3_root():
    paths = {}
    for r in RESOURCES:
        p = r.gv_path.lstrip("/")
        paths[p] = {"serverRelativeURL": f"/openapi/v3/{p}?hash=FAKE{abs(hash(p)) % 10**8}"}
    return {"paths": paths}


def openapi_v3_gv(gvpath, with_param=True):
    """Minimal OpenAPI v3 doc for one group/version: a PATCH operation per
    resource that lists the fieldValidation query parameter and carries the
    x-kubernetes-group-version-kind extension (that is what kubectl looks for),
    plus a permissive schema per kind."""
    doc = {"openapi": "3.0.0", "info": {"title": "Kubernetes", "version": "v1.32.4"},
           "paths": {}, "components": {"schemas": {}}}
    for r in RESOURCES:
        if r.gv_path.lstrip("/") != gvpath:
            continue
        gvk = {"group": r.group, "version": r.version, "kind": r.kind}
        sname = f"io.fake.{r.group or 'core'}.{r.version}.{r.kind}"
        doc["components"]["schemas"][sname] = {
            "type": "object", "x-kubernetes-group-version-kind": [gvk],
            "properties": {"apiVersion": {"type": "string"}, "kind": {"type": "string"},
                           "metadata": {"type": "object"}, "spec": {"type": "object"},
                           "status": {"type": "object"}, "data": {"type": "object"},
                           "stringData": {"type": "object"}, "type": {"type": "string"},
                           "binaryData": {"type": "object"}, "immutable": {"type": "boolean"}}}
        base = r.gv_path + ("/namespaces/{namespace}" if r.namespaced else "") + f"/{r.plural}/{{name}}"
        params = [{"name": n, "in": "query", "schema": {"type": "string"}}
                  for n in ("dryRun", "fieldManager", "fieldValidation", "force") if with_param or n != "fieldValidation"]
        doc["paths"][base] = {"patch": {"x-kubernetes-action": "patch", "x-kubernetes-group-version-kind": gvk,
                                        "parameters": params, "responses": {"200": {"description": "OK"}}},
                              "get": {"x-kubernetes-action": "get", "x-kubernetes-group-version-kind": gvk,
                                      "responses": {"200": {"description": "OK"}}}}
    return doc


# --------------------------------------------------------------------------
# Tables (kubectl get without -o)
# --------------------------------------------------------------------------
def to_table(res, objs, list_rv, include, quirks=()):
    if "table-no-object" in quirks:
        include = "None"
    cols = [{"name": "Name", "type": "string", "format": "name", "description": "Name must be unique within a namespace.", "priority": 0}]
    for name, _ in res.columns:
        cols.append({"name": name, "type": "string", "format": "", "description": name, "priority": 0})
    cols.append({"name": "Age", "type": "string", "format": "", "description": "CreationTimestamp", "priority": 0})
    rows = []
    for o in objs:
        cells = [o["metadata"]["name"]] + [fn(o) for _, fn in res.columns] + [age(o["metadata"].get("creationTimestamp", ""))]
        row = {"cells": cells}
        if include == "Object":
            row["object"] = o
        elif include != "None":
            row["object"] = {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": o["metadata"]}
        rows.append(row)
    t = {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {}, "columnDefinitions": cols, "rows": rows}
    if list_rv:
        t["metadata"]["resourceVersion"] = list_rv
    return t


# --------------------------------------------------------------------------
# HTTP layer
# --------------------------------------------------------------------------
PATH_RE = re.compile(r"^/(?:api/(?P<cv>v1)|apis/(?P<g>[^/]+)/(?P<v>[^/]+))"
                     r"(?:/namespaces/(?P<ns>[^/]+))?/(?P<res>[^/]+)(?:/(?P<name>[^/]+))?(?:/(?P<sub>[^/]+))?/?$")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-apiserver/0.1"
    store = None
    args = None
    log_lock = threading.Lock()

    def log_message(self, fmt, *a):
        pass

    def setup(self):
        super().setup()
        # Headers and body go out in separate send()s; without TCP_NODELAY, Nagle +
        # the Go client's delayed ACK add ~40 ms to every single request.
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass

    # ---- logging ----
    def _log(self, status, ctype, extra=None):
        u = urllib.parse.urlsplit(getattr(self, "_orig_path", self.path))
        rec = {"t": round(time.time(), 3), "method": self.command, "path": u.path,
               "query": dict(urllib.parse.parse_qsl(u.query, keep_blank_values=True)),
               "accept": self.headers.get("Accept"), "content_type": self.headers.get("Content-Type"),
               "user_agent": self.headers.get("User-Agent"),
               "kubectl_command": self.headers.get("Kubectl-Command"),
               "kubectl_session": self.headers.get("Kubectl-Session"),
               "status": status, "resp_content_type": ctype}
        if self._body:
            rec["body"] = self._body[:400].decode("utf-8", "replace")
        if isinstance(self.connection, ssl.SSLSocket):
            try:
                cert = self.connection.getpeercert() or {}
                rec["client_cert"] = ",".join("%s=%s" % kv for rdn in cert.get("subject", ()) for kv in rdn)
            except Exception:
                pass
        if extra:
            rec.update(extra)
        line = json.dumps(rec, sort_keys=False)
        with self.log_lock:
            with open(self.args.log, "a") as f:
                f.write(line + "\n")

    # ---- responses ----
    def _send(self, code, obj, ctype="application/json", extra=None):
        data = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-cache, private")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        if self.args.log_bodies:
            extra = dict(extra or {}, resp=data[:self.args.log_bodies].decode("utf-8", "replace"))
        self._log(code, ctype, extra)

    def _err(self, e):
        if "plain-errors" in self.args.quirk:
            data = (e.message + "\n").encode()
            self.send_response(e.code)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return self._log(e.code, "text/plain")
        self._send(e.code, status_obj(e.code, e.reason, e.message, e.details))

    def _read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        return body

    def do_GET(self): self._dispatch()
    def do_HEAD(self): self._dispatch()
    def do_POST(self): self._dispatch()
    def do_PUT(self): self._dispatch()
    def do_PATCH(self): self._dispatch()
    def do_DELETE(self): self._dispatch()

    def _dispatch(self):
        self._body = b""
        self._orig_path = self.path
        try:
            self._body = self._read_body()
            self._route()
        except ApiError as e:
            self._err(e)
        except (BrokenPipeError, ConnectionResetError):
            pass
        except Exception as e:  # never leave kubectl without an answer
            import traceback
            traceback.print_exc()
            try:
                self._err(ApiError(500, "InternalError", f"fake apiserver: {e!r}"))
            except Exception:
                pass

    def _route(self):
        u = urllib.parse.urlsplit(self.path)
        path, q = u.path, dict(urllib.parse.parse_qsl(u.query, keep_blank_values=True))
        accept = self.headers.get("Accept") or ""
        a = self.args
        if self.command in ("GET", "HEAD"):
            if path == "/version":
                return self._send(200, {"major": "1", "minor": a.minor, "gitVersion": f"v1.{a.minor}.4",
                                        "gitCommit": "fake", "gitTreeState": "clean",
                                        "buildDate": "2025-01-01T00:00:00Z", "goVersion": "go1.23.0",
                                        "compiler": "gc", "platform": "linux/amd64"})
            if path in ("/healthz", "/readyz", "/livez"):
                data = b"ok"
                self.send_response(200); self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", "2"); self.end_headers(); self.wfile.write(data)
                return self._log(200, "text/plain")
            if path in ("/api", "/apis"):
                agg = None if a.no_aggregated else negotiate_discovery(accept)
                if agg:  # kubectl >= 1.30 asks v2 first, 1.27-1.29 ask only v2beta1
                    doc = aggregated(path == "/api")
                    doc["apiVersion"] = f"apidiscovery.k8s.io/{agg}"
                    ct = f"application/json;g=apidiscovery.k8s.io;v={agg};as=APIGroupDiscoveryList"
                    return self._send(200, doc, "application/json" if "agg-plain-ctype" in a.quirk else ct)
                if path == "/api":
                    return self._send(200, {"kind": "APIVersions", "versions": ["v1"],
                                            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": f"127.0.0.1:{a.port}"}]})
                return self._send(200, legacy_groups())
            m = re.match(r"^/(?:api/(v1)|apis/([^/]+)/([^/]+))/?$", path)
            if m:
                g, v = ("", "v1") if m.group(1) else (m.group(2), m.group(3))
                doc = legacy_resources(g, v)
                if doc:
                    return self._send(200, doc)
            if path.startswith("/openapi/"):
                if a.openapi.startswith("v3") and path == "/openapi/v3":
                    return self._send(200, {"paths": {}} if a.openapi == "v3-empty" else openapi_v3_root())
                if a.openapi.startswith("v3") and path.startswith("/openapi/v3/"):
                    return self._send(200, openapi_v3_gv(path[len("/openapi/v3/"):], a.openapi != "v3-noparam"))
                raise ApiError(404, "NotFound", "the server could not find the requested resource")
        m = PATH_RE.match(path)
        if not m:
            raise ApiError(404, "NotFound", "the server could not find the requested resource")
        g, v = (m.group("g"), m.group("v")) if m.group("g") else ("", m.group("cv"))
        res = BY_GVR.get((g, v, m.group("res")))
        ns, name, sub = m.group("ns"), m.group("name"), m.group("sub")
        # cluster-scoped `namespaces/{name}` is parsed as ns=None,res=namespaces,name
        if res is None and g == "" and m.group("ns") is None and m.group("res") == "namespaces":
            res = BY_GVR[("", "v1", "namespaces")]
        if res is None:
            raise ApiError(404, "NotFound", "the server could not find the requested resource")
        if ns is not None and not res.namespaced:
            raise ApiError(404, "NotFound", "the server could not find the requested resource")
        if sub and (sub != "status" or not res.status_sub) and not (res.kind == "Namespace" and sub == "finalize"):
            raise ApiError(404, "NotFound", "the server could not find the requested resource")
        manager = q.get("fieldManager") or self._default_manager()
        st = self.store
        if self.command in ("GET", "HEAD"):
            if name is None:
                if q.get("watch") in ("true", "1"):
                    if "no-watch" in self.args.quirk:
                        raise ApiError(405, "MethodNotAllowed", "watch is not supported by this server")
                    return self._watch(res, ns, q)
                items, rv = st.list(res, ns, q.get("labelSelector"), q.get("fieldSelector"))
                if self._wants_table(accept):
                    return self._send(200, to_table(res, items, rv, q.get("includeObject"), self.args.quirk), self._table_ct())
                for it in items:  # built-in lists omit per-item kind/apiVersion; CR lists keep them
                    if not res.crd:
                        it.pop("kind", None); it.pop("apiVersion", None)
                return self._send(200, {"kind": res.kind + "List", "apiVersion": res.api_version,
                                        "metadata": {} if "no-list-rv" in self.args.quirk else {"resourceVersion": rv},
                                        "items": items})
            obj = st.get(res, ns, name)
            if self._wants_table(accept):
                return self._send(200, to_table(res, [obj], None, q.get("includeObject"), self.args.quirk), self._table_ct())
            if "no-kind" in self.args.quirk:
                obj.pop("kind", None); obj.pop("apiVersion", None)
            return self._send(200, obj)
        dry = q.get("dryRun") == "All"
        if dry:
            # simplest faithful dry-run: run the write against a throw-away copy of the store
            return self._dry_run(res, ns, name, sub, q, manager)
        if self.command == "POST" and name is None:
            obj = st.create(res, ns, self._json(), manager)
            return self._send(201, obj)
        if self.command == "PUT" and name:
            return self._send(200, st.update(res, ns, name, self._json(), manager, sub))
        if self.command == "PATCH" and name:
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip()
            code, obj = st.patch(res, ns, name, ctype, self._body, manager,
                                 q.get("force") == "true", sub)
            if "no-kind" in self.args.quirk:
                obj = dict(obj); obj.pop("kind", None); obj.pop("apiVersion", None)
            return self._send(code, obj)
        if self.command == "DELETE" and name:
            opts = json.loads(self._body) if self._body.strip() else {}
            gone, obj = st.delete(res, ns, name, opts)
            if gone and not res.kind == "Namespace" and not self.args.delete_returns_object:
                det = {"name": name, "group": res.group, "kind": res.plural, "uid": obj["metadata"]["uid"]}
                if "delete-no-uid" in self.args.quirk:
                    det.pop("uid")
                return self._send(200, status_obj(200, "", "", det))
            return self._send(200, obj)
        raise ApiError(405, "MethodNotAllowed", f"{self.command} is not supported on this path")

    def _dry_run(self, res, ns, name, sub, q, manager):
        """dryRun=All: run the same write against a throw-away copy of the store."""
        real = self.store
        with real.lock:
            tmp = Store(real.args)
            tmp.rv, tmp.objs = real.rv, {k: copy.deepcopy(v) for k, v in real.objs.items()}
        tmp._on_created = lambda *a: None
        tmp._on_deleting = lambda *a: None
        self.store = tmp  # instance attribute shadows the class-level store for this request only
        try:
            q = dict(q)
            q.pop("dryRun")
            self.path = urllib.parse.urlsplit(self.path).path + "?" + urllib.parse.urlencode(q)
            self._route()
        finally:
            del self.store

    def _json(self):
        try:
            return json.loads(self._body)
        except ValueError as e:
            raise ApiError(400, "BadRequest", f"invalid JSON body: {e}")

    def _default_manager(self):
        ua = self.headers.get("User-Agent") or "unknown"
        return ua.split("/")[0]

    def _table_ct(self):
        return "application/json" if "table-plain-ctype" in self.args.quirk else "application/json;as=Table;v=v1;g=meta.k8s.io"

    def _wants_table(self, accept):
        if self.args.no_table:
            return False
        for mtype, p in media_ranges(accept):
            if p.get("as") == "Table" and p.get("g") == "meta.k8s.io":
                return True
            if not p:
                return False
        return False

    # ---- watch ----
    def _watch(self, res, ns, q):
        st = self.store
        lsel, fsel = q.get("labelSelector"), q.get("fieldSelector")
        rv = q.get("resourceVersion") or ""
        timeout = float(q.get("timeoutSeconds") or 1800)
        deadline = time.time() + timeout
        send_initial = q.get("sendInitialEvents") == "true"
        bookmarks = q.get("allowWatchBookmarks") == "true"
        chunked = "watch-unchunked" not in self.args.quirk
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Connection", "close")
        self.send_header("Cache-Control", "no-cache, private")
        self.end_headers()
        sent = []
        last_bookmark = time.time()

        def chunk(ev):
            data = (json.dumps(ev) + "\n").encode()
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data) if chunked else data)
            self.wfile.flush()
            sent.append(ev["type"])

        def match(r, o):
            return r is res and (ns is None or o["metadata"].get("namespace") == ns) \
                and label_match(lsel, o["metadata"].get("labels")) and field_match(fsel, o)
        try:
            with st.lock:
                if rv in ("", "0") or send_initial:
                    initial = [copy.deepcopy(o) for (r, _, _), o in st.objs.items() if match(r, o)]
                    pos = len(st.events)
                    cur_rv = str(st.rv)
                else:
                    initial = []
                    if int(rv) < (st.events[0][0] - 1 if st.events else 0):
                        initial = None  # too old -> 410
                    pos = next((i for i, e in enumerate(st.events) if e[0] > int(rv)), len(st.events))
                    cur_rv = rv
            if initial is None:
                chunk({"type": "ERROR", "object": status_obj(410, "Expired", f"too old resource version: {rv}")})
            else:
                for o in initial:
                    chunk({"type": "ADDED", "object": o})
                if send_initial:
                    chunk({"type": "BOOKMARK", "object": {"kind": res.kind, "apiVersion": res.api_version,
                           "metadata": {"resourceVersion": cur_rv, "annotations": {"k8s.io/initial-events-end": "true"}}}})
            while initial is not None and time.time() < deadline:
                with st.lock:
                    if pos >= len(st.events):
                        st.lock.wait(0.5)
                    evs = st.events[pos:]
                    pos = len(st.events)
                    cur = str(st.rv)
                for erv, etype, r, o in evs:
                    if match(r, o):
                        chunk({"type": etype, "object": o})
                if self._peer_closed():
                    break
                if bookmarks and not evs and time.time() - last_bookmark > self.args.bookmark_every:
                    last_bookmark = time.time()
                    chunk({"type": "BOOKMARK", "object": {"kind": res.kind, "apiVersion": res.api_version,
                                                           "metadata": {"resourceVersion": cur}}})
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            pass
        finally:
            self._log(200, "application/json (chunked watch stream)", {"watch_events_sent": sent})
            self.close_connection = True

    def _peer_closed(self):
        """True if the client hung up (kubectl closes the watch socket when done)."""
        sock = self.connection
        try:
            r, _, _ = select.select([sock], [], [], 0)
            if not r:
                return False
            if isinstance(sock, ssl.SSLSocket):  # MSG_PEEK is not allowed on TLS sockets
                sock.setblocking(False)
                try:
                    return sock.recv(1) == b""
                except ssl.SSLWantReadError:
                    return False
                finally:
                    sock.setblocking(True)
            return sock.recv(1, socket.MSG_PEEK) == b""
        except Exception:
            return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--log", default="requests.jsonl")
    ap.add_argument("--minor", default="32", help="minor version reported by /version")
    ap.add_argument("--no-aggregated", action="store_true")
    ap.add_argument("--no-table", action="store_true")
    ap.add_argument("--openapi", choices=["none", "v3", "v3-noparam", "v3-empty"], default="v3")
    ap.add_argument("--tls", metavar="DIR")
    ap.add_argument("--ready-after", type=float, default=3.0)
    ap.add_argument("--finalize-after", type=float, default=1.0)
    ap.add_argument("--delete-returns-object", action="store_true")
    ap.add_argument("--port-file")
    ap.add_argument("--quirk", action="append", default=[], choices=sorted(QUIRKS),
                    help="deliberately deviate from the real apiserver (experiments)")
    ap.add_argument("--bookmark-every", type=float, default=5.0, help="idle seconds between BOOKMARKs (if allowWatchBookmarks)")
    ap.add_argument("--log-bodies", type=int, default=0, metavar="N", help="log first N bytes of each response")
    ap.add_argument("--controllers", action="append", default=[], metavar="MODULE",
                    help="extra simulated controllers: MODULE.py next to this file (or a path); "
                         "its install(store, args, this_module) runs before serving")
    args = ap.parse_args()
    store = Store(args)
    for name in args.controllers:
        import importlib.util
        import os
        path = name if name.endswith(".py") else os.path.join(os.path.dirname(os.path.abspath(__file__)), name + ".py")
        spec = importlib.util.spec_from_file_location(os.path.basename(path)[:-3], path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        mod.install(store, args, sys.modules[__name__])
    Handler.store, Handler.args = store, args
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    srv.daemon_threads = True
    args.port = srv.server_address[1]
    if args.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(f"{args.tls}/server.crt", f"{args.tls}/server.key")
        ctx.load_verify_locations(f"{args.tls}/ca.crt")
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.set_alpn_protocols(["http/1.1"])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True, do_handshake_on_connect=False)
    threading.Thread(target=store.run_timers, daemon=True).start()
    if args.port_file:
        with open(args.port_file, "w") as f:
            f.write(str(args.port))
    print(f"fake apiserver listening on {'https' if args.tls else 'http'}://127.0.0.1:{args.port}", flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
