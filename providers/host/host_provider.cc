// The host Provider (see host_provider.h).
#include "providers/host/host_provider.h"

#include <map>

#include "providers/host/connection.h"
#include "providers/type_map_provider.h"

namespace capstan {
namespace {

class HostProvider : public TypeMapProvider {
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

 private:
  std::string name_;
  std::shared_ptr<host::Pool> pool_;
};

}  // namespace

std::unique_ptr<Provider> NewHostProvider(const std::string& name) {
  return std::make_unique<HostProvider>(name);
}

}  // namespace capstan
