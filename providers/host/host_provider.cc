// The host Provider (see host_provider.h).
#include "providers/host/host_provider.h"

#include <map>

#include "providers/host/connection.h"

namespace capstan {
namespace {

class HostProvider : public Provider {
 public:
  explicit HostProvider(std::string name) : name_(std::move(name)), pool_(host::AcquirePool()) {
    types_["host.node"] = host::NewNodeType();
    types_["kind.cluster"] = host::NewKindClusterType();
    types_["helm.release"] = host::NewHelmReleaseType();
    types_["capi.management"] = host::NewCapiManagementType();
  }

  std::string name() const override { return name_; }

  Status Configure(const Value& config) override {
    Status st;
    if (!config.is_null() && !(config.is_object() && config.empty())) {
      st.Error("provider \"" + name_ + "\" takes no configuration",
               "Hosts are resources (host.node); remove the providers." + name_ + " block.");
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

 private:
  std::string name_;
  std::shared_ptr<host::Pool> pool_;
  std::map<std::string, std::unique_ptr<ResourceType>> types_;
};

}  // namespace

std::unique_ptr<Provider> NewHostProvider(const std::string& name) {
  return std::make_unique<HostProvider>(name);
}

}  // namespace capstan
