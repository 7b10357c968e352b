// The built-in `kubernetes` provider: Kubernetes objects through the native REST client.
//
/// Configuration (providers.kubernetes): `kubeconfig` — a path, or the kubeconfig's
/// content inline (sensitive; e.g. the output of a cluster resource); default
/// $KUBECONFIG, else ~/.kube/config — and `context` (default: current-context). Like the
/// openstack provider, Configure never touches the network and a kubeconfig that cannot
/// be loaded is reported on the first call that needs it. Types: `k8s.manifest` and
/// `k8s.addon` (docs/providers/kubernetes.md).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "providers/kubernetes/client.h"
#include "providers/provider.h"

namespace capstan {

std::unique_ptr<Provider> NewKubernetesProvider();

namespace kube {

/// The configured connection, created on first use and shared by the provider's types.
class Session {
 public:
  /// `kubeconfig`: a path, or inline content (recognised by a newline).
  void Configure(std::string kubeconfig, std::string context);
  /// The client, or the error loading the kubeconfig (with a hint).
  Result<Client*> Get();

 private:
  std::mutex mu_;
  std::string kubeconfig_, context_;
  std::unique_ptr<Client> client_;
  Diagnostics error_;
};

std::unique_ptr<ResourceType> NewManifestType(Session& session);
/// k8s.addon (addon_type.cc); `session` is the connection when the resource names none.
std::unique_ptr<ResourceType> NewAddonType(Session& session);
/// The schema of k8s.addon (addon_schema.cc).
ResourceSchema AddonSchema();

}  // namespace kube
}  // namespace capstan
