// The `capi` Provider (see capi_provider.h).
#include "providers/capi/capi_provider.h"

#include <map>

#include "providers/type_map_provider.h"

namespace capstan {
namespace {

class CapiProvider : public TypeMapProvider {
 public:
  CapiProvider() { types_["capi.cluster"] = capi::NewClusterType(); }

  std::string name() const override { return "capi"; }

  Status Configure(const Value& config) override {
    Status st;
    if (!config.is_null() && !(config.is_object() && config.empty())) {
      st.Error("providers.capi takes no settings",
               "The management cluster is a property of each capi.cluster (kubeconfig).");
    }
    return st;
  }

  int MaxConcurrency() const override { return 4; }
};

}  // namespace

std::unique_ptr<Provider> NewCapiProvider() { return std::make_unique<CapiProvider>(); }

}  // namespace capstan
