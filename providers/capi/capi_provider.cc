// The `capi` Provider (see capi_provider.h).
#include "providers/capi/capi_provider.h"

#include <map>

#include "providers/host/connection.h"
#include "providers/host/host_provider.h"
#include "providers/type_map_provider.h"

namespace capstan {
namespace {

class CapiProvider : public TypeMapProvider {
 public:
  /// capi.management is the host provider's type, served here too so that its type
  /// prefix finds it without a `provider:` key. It runs clusterctl on a host, so this
  /// provider holds the shared transport pool like a host provider does: ssh masters and
  /// forwards opened for it live as long as the run.
  CapiProvider() : pool_(host::AcquirePool()) {
    types_["capi.cluster"] = capi::NewClusterType();
    types_["capi.management"] = host::NewCapiManagementType();
  }

  std::string name() const override { return "capi"; }

  Status Configure(const Value& config) override {
    Status st;
    if (!config.is_null() && !(config.is_object() && config.empty())) {
      st.Error("providers.capi takes no settings",
               "The management cluster is a property of each capi.cluster (kubeconfig), the "
               "host of each capi.management (host).");
    }
    return st;
  }

  int MaxConcurrency() const override { return 4; }

 private:
  std::shared_ptr<host::Pool> pool_;
};

}  // namespace

std::unique_ptr<Provider> NewCapiProvider() { return std::make_unique<CapiProvider>(); }

}  // namespace capstan
