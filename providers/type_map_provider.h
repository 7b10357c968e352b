// TypeMapProvider: a Provider whose resource types sit in a map from type name to type.
//
/// The built-in providers (local, kubernetes, host, capi) each own a fixed set of types
/// built in their constructor; listing and finding them is the same for all, so it lives
/// here once and a provider only fills `types_`.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "providers/provider.h"

namespace capstan {

class TypeMapProvider : public Provider {
 public:
  std::vector<std::string> TypeNames() const override {
    std::vector<std::string> names;
    for (const auto& [n, t] : types_) names.push_back(n);
    return names;
  }

  ResourceType* Type(std::string_view type) override {
    auto it = types_.find(std::string(type));
    return it == types_.end() ? nullptr : it->second.get();
  }

 protected:
  std::map<std::string, std::unique_ptr<ResourceType>> types_;
};

}  // namespace capstan
