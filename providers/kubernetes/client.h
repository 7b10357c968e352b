// Client: the Kubernetes REST operations capstan needs, on top of Transport.
//
/// Native (no kubectl subprocess): discovery-based mapping from apiVersion/kind to the
/// resource path and scope (cached per client, one request per group/version), server-side
/// apply (fieldManager=capstan, force=false, conflicts reported with the conflicting
/// managers and fields), get (nullopt on 404), list with a label selector, delete with a
/// propagation policy (404 is success), and waits — until an object is gone, or until a
/// status condition is True — that report progress and stop on cancellation.
/// Errors carry the API server's own Status message.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engine/result.h"
#include "engine/value.h"
#include "providers/kubernetes/transport.h"
#include "providers/provider.h"

namespace capstan::kube {

/// Identifies one object. `ns` is empty for cluster-scoped kinds.
struct ObjectRef {
  std::string api_version, kind, ns, name;
  /// "apps/v1 Deployment demo/web" or "v1 Namespace demo".
  std::string ToString() const;
  Value ToValue() const;
  static ObjectRef FromValue(const Value& v);
  bool operator==(const ObjectRef& o) const {
    return api_version == o.api_version && kind == o.kind && ns == o.ns && name == o.name;
  }
};

struct ResourceInfo {
  std::string plural;
  bool namespaced = true;
};

class Client {
 public:
  explicit Client(Connection conn) : transport_(std::move(conn)) {}

  /// The plural and scope of `kind` in `api_version`, from discovery (cached).
  Result<ResourceInfo> Resolve(const std::string& api_version, const std::string& kind,
                               const std::atomic<bool>* cancel = nullptr);

  /// The reference of `obj` with its namespace resolved: `default_ns` when a namespaced
  /// object names none, empty for cluster-scoped kinds.
  Result<ObjectRef> RefOf(const Value& obj, const std::string& default_ns = "default",
                          const std::atomic<bool>* cancel = nullptr);

  /// Server-side apply of `obj` (a complete object). Returns the object as stored.
  Result<Value> Apply(const Value& obj, const std::string& field_manager = "capstan",
                      bool force = false, const std::atomic<bool>* cancel = nullptr);

  Result<std::optional<Value>> Get(const ObjectRef& ref, const std::atomic<bool>* cancel = nullptr);

  /// Objects of `kind` in `ns` (all namespaces when empty) matching `label_selector`.
  Result<std::vector<Value>> List(const std::string& api_version, const std::string& kind,
                                  const std::string& ns, const std::string& label_selector = "",
                                  const std::atomic<bool>* cancel = nullptr);

  /// Deletes; an object already gone is success. `propagation`: Background, Foreground
  /// or Orphan.
  Status Delete(const ObjectRef& ref, const std::string& propagation = "Background",
                const std::atomic<bool>* cancel = nullptr);

  /// Polls until `ref` is gone (finalizers done), reporting progress through ctx.
  Status WaitGone(const ObjectRef& ref, std::chrono::milliseconds timeout, const CallContext& ctx);

  /// Polls until status.conditions has `condition`=True (case-insensitive, as kubectl wait)
  /// and the status has observed the current generation.
  Status WaitCondition(const ObjectRef& ref, const std::string& condition,
                       std::chrono::milliseconds timeout, const CallContext& ctx);

  /// Time between polls in waits (tests shorten it).
  void set_poll_interval(std::chrono::milliseconds d) { poll_ = d; }

 private:
  Result<std::string> CollectionPath(const ObjectRef& ref, const std::atomic<bool>* cancel);
  Result<Value> GroupVersionResources(const std::string& api_version,
                                      const std::atomic<bool>* cancel);

  Transport transport_;
  std::mutex mu_;
  std::map<std::string, Value> discovery_;  ///< groupVersion -> APIResourceList.
  std::chrono::milliseconds poll_{500};
};

/// The API server's message from a Status body (or the start of the body).
std::string ServerMessage(const std::string& body);

/// True when `obj` has condition `type` with status True (case-insensitive) and its
/// observedGeneration (condition-level, else status-level) is not behind
/// metadata.generation.
bool ConditionTrue(const Value& obj, const std::string& type);

}  // namespace capstan::kube
