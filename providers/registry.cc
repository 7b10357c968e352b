// ProviderRegistry: from a provider name to a fresh provider instance.
//
/// Built-in providers are looked up first. Any other name falls back to an external
/// plugin executable `capstan-provider-<name>` on PATH, so a team can add a provider
/// without rebuilding capstan (docs/plugin-protocol.md).
#include <algorithm>
#include <utility>

#include "providers/plugin/plugin_provider.h"
#include "providers/provider.h"

namespace capstan {

void ProviderRegistry::Register(const std::string& name, ProviderFactory factory) {
  for (auto& [n, f] : factories_) {
    if (n == name) {
      f = std::move(factory);
      return;
    }
  }
  factories_.emplace_back(name, std::move(factory));
}

std::vector<std::string> ProviderRegistry::Names() const {
  std::vector<std::string> names;
  for (const auto& [n, f] : factories_) names.push_back(n);
  std::sort(names.begin(), names.end());
  return names;
}

Result<std::unique_ptr<Provider>> ProviderRegistry::Create(const std::string& name) const {
  for (const auto& [n, f] : factories_) {
    if (n == name) return f();
  }
  std::string path;
  if (auto exe = FindPluginExecutable(name, &path)) return StartPluginProvider(name, *exe);

  std::string builtins;
  for (const auto& n : Names()) builtins += (builtins.empty() ? "" : ", ") + n;
  if (builtins.empty()) builtins = "(none)";
  return Result<std::unique_ptr<Provider>>::Fail("unknown provider \"" + name + "\"",
                                                 "Built-in providers: " + builtins +
                                                     ". No executable capstan-provider-" + name +
                                                     " was found on PATH (" + path + ").");
}

}  // namespace capstan
