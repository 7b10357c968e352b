"""Built-in kinds that cluster addons use, for fake_apiserver.py (a test fixture, never product).

Why it exists: k8s.addon (providers/kubernetes/addon_*.cc) applies upstream addon
manifests — OCCM, Cinder CSI, calico, metrics-server ... — which consist of
ServiceAccounts, RBAC, DaemonSets, StorageClasses, CSIDrivers, CRDs and the like. The fake
serves only a handful of kinds by default; this module registers these as plain stored
objects (no controllers: a DaemonSet gets no status, a CRD adds no new kind) and creates
the namespaces every real cluster has (default, kube-system), which is all the addon
tests need to check that capstan applies, tracks and deletes them — with
the real kubectl too.

Loaded by `fake_apiserver.py --controllers addon_kinds`: install(store, args, fake).
"""

KINDS = [
    # group, version, plural, singular, kind, namespaced, short names
    ("", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", True, ["sa"]),
    ("apps", "v1", "daemonsets", "daemonset", "DaemonSet", True, ["ds"]),
    ("batch", "v1", "jobs", "job", "Job", True, []),
    ("rbac.authorization.k8s.io", "v1", "clusterroles", "clusterrole", "ClusterRole", False, []),
    ("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "clusterrolebinding",
     "ClusterRoleBinding", False, []),
    ("rbac.authorization.k8s.io", "v1", "roles", "role", "Role", True, []),
    ("rbac.authorization.k8s.io", "v1", "rolebindings", "rolebinding", "RoleBinding", True, []),
    ("storage.k8s.io", "v1", "storageclasses", "storageclass", "StorageClass", False, ["sc"]),
    ("storage.k8s.io", "v1", "csidrivers", "csidriver", "CSIDriver", False, []),
    ("apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition",
     "CustomResourceDefinition", False, ["crd", "crds"]),
    ("apiregistration.k8s.io", "v1", "apiservices", "apiservice", "APIService", False, []),
    ("networking.k8s.io", "v1", "ingressclasses", "ingressclass", "IngressClass", False, []),
    ("admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations",
     "validatingwebhookconfiguration", "ValidatingWebhookConfiguration", False, []),
    ("scheduling.k8s.io", "v1", "priorityclasses", "priorityclass", "PriorityClass", False, ["pc"]),
]


def install(store, args, fake):
    for group, version, plural, singular, kind, namespaced, short in KINDS:
        if (group, version, plural) in fake.BY_GVR:
            continue
        r = fake.Res(group, version, plural, singular, kind, namespaced, short)
        fake.RESOURCES.append(r)
        fake.BY_GVR[(r.group, r.version, r.plural)] = r
    ns_res = fake.BY_GVR[("", "v1", "namespaces")]
    with store.lock:
        for name in ("default", "kube-system"):
            store._commit_create(ns_res, None, {"apiVersion": "v1", "kind": "Namespace",
                                                "metadata": {"name": name}},
                                 "kube-apiserver", "Update")
