// A tracked set of Kubernetes objects: apply it, read it back, delete it.
//
/// k8s.manifest and k8s.addon both own a set of objects that capstan applied with
/// server-side apply and records in state as `objects` (apiVersion, kind, namespace, name).
/// The lifecycle is the same for both and lives here once: apply in ApplyOrder (Namespaces
/// and CRDs first) and delete what left the set; read the live objects projected onto the
/// applied fields (drift = a managed field differs or an object is missing); delete in
/// DeleteOrder and wait until every object is gone. The types only decide which objects
/// they want.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "engine/result.h"
#include "engine/value.h"
#include "providers/kubernetes/client.h"
#include "providers/provider.h"

namespace capstan::kube {

/// The refs recorded in `attrs["objects"]` (empty when absent).
std::vector<ObjectRef> TrackedRefs(const Value& attrs);

/// `refs` as the `objects` attribute value.
Value RefsValue(const std::vector<ObjectRef>& refs);

/// `wait_timeout` (seconds) of `attrs`, else `fallback_seconds`.
std::chrono::milliseconds WaitTimeout(const Value& attrs, int fallback_seconds);

/// Every item's summary prefixed with `prefix`.
Diagnostics Prefixed(const Diagnostics& d, const std::string& prefix);

/// The refs of `objs` (namespaced objects without a namespace go to `default`).
Result<std::vector<ObjectRef>> ResolveRefs(Client& client, const std::vector<Value>& objs,
                                           const std::atomic<bool>* cancel);

/// Applies `desired` (field manager capstan, never forced) in ApplyOrder, then deletes the
/// `previous` refs that are not among them and waits until they are gone. Returns the refs
/// of `desired`, in the order given.
Result<std::vector<ObjectRef>> ApplyObjectSet(Client& client, const std::vector<Value>& desired,
                                              const std::vector<ObjectRef>& previous,
                                              std::chrono::milliseconds timeout,
                                              const CallContext& ctx);

/// Deletes `refs` in DeleteOrder (Namespaces and CRDs last) and waits until all are gone.
Status DeleteObjectSet(Client& client, const std::vector<ObjectRef>& refs,
                       std::chrono::milliseconds timeout, const CallContext& ctx);

/// What exists of a desired set, and whether it still matches.
struct LiveSet {
  std::vector<ObjectRef> found;  ///< Refs of the desired objects that exist.
  std::vector<Value> projected;  ///< For each found one: the live object projected (ProjectLive).
  bool in_sync = true;           ///< No object missing and no managed field changed.
};

/// Reads every object of `desired` and projects it onto the applied fields.
Result<LiveSet> ReadObjectSet(Client& client, const std::vector<Value>& desired,
                              const CallContext& ctx);

}  // namespace capstan::kube
