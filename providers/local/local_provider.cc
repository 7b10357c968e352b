// The `local` Provider: a fixed set of resource types and no configuration.
#include "providers/local/local_provider.h"

#include <map>
#include <string>

namespace capstan {
namespace {

class LocalProvider : public Provider {
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
  std::map<std::string, std::unique_ptr<ResourceType>> types_;
};

}  // namespace

std::unique_ptr<Provider> NewLocalProvider() { return std::make_unique<LocalProvider>(); }

}  // namespace capstan
