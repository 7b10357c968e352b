// The `capi` Provider (see capi_provider.h).
#include "providers/capi/capi_provider.h"

#include <map>

namespace capstan {
namespace {

class CapiProvider : public Provider {
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

  std::vector<std::string> TypeNames() const override {
    std::vector<std::string> names;
    for (const auto& [n, t] : types_) names.push_back(n);
    return names;
  }

  ResourceType* Type(std::string_view type) override {
    auto it = types_.find(std::string(type));
    return it == types_.end() ? nullptr : it->second.get();
  }

  int MaxConcurrency() const override { return 4; }

 private:
  std::map<std::string, std::unique_ptr<ResourceType>> types_;
};

}  // namespace

std::unique_ptr<Provider> NewCapiProvider() { return std::make_unique<CapiProvider>(); }

}  // namespace capstan
