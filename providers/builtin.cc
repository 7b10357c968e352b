// The registry of built-in providers: the one place a new provider is wired in.
//
/// A function-local static, built on first use (thread-safe since C++11), so no static
/// initialisation order problems and no registration side effects hidden in other files.
#include "providers/capi/capi_provider.h"
#include "providers/host/host_provider.h"
#include "providers/kubernetes/kube_provider.h"
#include "providers/local/local_provider.h"
#include "providers/openstack/os_provider.h"
#include "providers/provider.h"

namespace capstan {

ProviderRegistry& ProviderRegistry::Builtin() {
  static ProviderRegistry* registry = [] {
    auto* r = new ProviderRegistry();
    r->Register("local", [] { return NewLocalProvider(); });
    r->Register("openstack", [] { return NewOpenStackProvider(); });
    r->Register("kubernetes", [] { return NewKubernetesProvider(); });
    // host.node, kind.cluster, helm.release and capi.management: one provider, three
    // names. `capi` serves capi.management too (the type's prefix), see capi_provider.cc.
    for (const char* name : {"host", "kind", "helm"}) {
      r->Register(name, [name] { return NewHostProvider(name); });
    }
    r->Register("capi", [] { return NewCapiProvider(); });
    // Add further built-in providers here.
    return r;
  }();
  return *registry;
}

}  // namespace capstan
