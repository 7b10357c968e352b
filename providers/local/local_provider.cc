// The `local` Provider: a fixed set of resource types and no configuration.
#include "providers/local/local_provider.h"

#include <map>
#include <string>

#include "providers/type_map_provider.h"

namespace capstan {
namespace {

class LocalProvider : public TypeMapProvider {
 public:
  LocalProvider() {
    types_["local.command"] = NewLocalCommandType();
    types_["local.file"] = NewLocalFileType();
  }

  std::string name() const override { return "local"; }

  Status Configure(const Value& config) override {
    Status st;
    if (!config.is_null() && !(config.is_object() && config.empty())) {
      st.Error("provider \"local\" takes no configuration",
               "Remove the providers.local block or leave it empty.");
    }
    return st;
  }
};

}  // namespace

std::unique_ptr<Provider> NewLocalProvider() { return std::make_unique<LocalProvider>(); }

}  // namespace capstan
