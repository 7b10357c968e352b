// Tests for ProviderRegistry: built-ins, unknown names, plugin discovery on PATH.
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "providers/plugin/plugin_provider.h"
#include "providers/provider.h"
#include "tests/providers/temp_dir.h"

namespace capstan {
namespace {

/// Prepends the directory holding capstan-provider-fakecloud to PATH for one scope.
class PathWithFakecloud {
 public:
  PathWithFakecloud() : old_(getenv("PATH") ? getenv("PATH") : "") {
    setenv("PATH", (std::string(CAPSTAN_BINARY_DIR "/tests:") + old_).c_str(), 1);
  }
  ~PathWithFakecloud() { setenv("PATH", old_.c_str(), 1); }

 private:
  std::string old_;
};

TEST_CASE("Builtin registry offers the local provider with its two types") {
  auto names = ProviderRegistry::Builtin().Names();
  CHECK(std::find(names.begin(), names.end(), "local") != names.end());
  auto p = ProviderRegistry::Builtin().Create("local");
  REQUIRE(p.ok());
  CHECK((*p)->name() == "local");
  CHECK((*p)->TypeNames() == std::vector<std::string>{"local.command", "local.file"});
  CHECK((*p)->Type("local.file") != nullptr);
  CHECK((*p)->Type("local.nope") == nullptr);
  CHECK((*p)->Configure(Value::object()).empty());
  CHECK((*p)->Configure({{"x", 1}}).HasErrors());
}

TEST_CASE("capi.management is found under its type prefix capi and still under host") {
  auto capi = ProviderRegistry::Builtin().Create("capi");
  REQUIRE(capi.ok());
  auto names = (*capi)->TypeNames();
  CHECK(names == std::vector<std::string>{"capi.cluster", "capi.management"});
  ResourceType* via_capi = (*capi)->Type("capi.management");
  REQUIRE(via_capi != nullptr);
  auto host = ProviderRegistry::Builtin().Create("host");
  REQUIRE(host.ok());
  ResourceType* via_host = (*host)->Type("capi.management");
  REQUIRE(via_host != nullptr);
  // One implementation: the same schema (host, kubeconfig, versions) from both.
  CHECK(via_capi->schema().type == "capi.management");
  REQUIRE(via_capi->schema().attributes.size() == via_host->schema().attributes.size());
  for (size_t i = 0; i < via_capi->schema().attributes.size(); ++i) {
    CHECK(via_capi->schema().attributes[i].name == via_host->schema().attributes[i].name);
  }
  CHECK(via_capi->schema().Find("host") != nullptr);
}

TEST_CASE("Registry creates registered providers and replaces a re-registered name") {
  ProviderRegistry r;
  int made = 0;
  r.Register("local", [&] {
    ++made;
    return std::unique_ptr<Provider>();
  });
  r.Register("b", [] { return std::unique_ptr<Provider>(); });
  r.Register("local", [&] {
    made += 10;
    return std::unique_ptr<Provider>();
  });
  CHECK(r.Names() == std::vector<std::string>{"b", "local"});
  REQUIRE(r.Create("local").ok());
  CHECK(made == 10);
}

TEST_CASE("Registry error for an unknown provider lists built-ins and the PATH searched") {
  ProviderRegistry r;
  r.Register("alpha", [] { return std::unique_ptr<Provider>(); });
  auto p = r.Create("capstan-test-missing");
  REQUIRE_FALSE(p.ok());
  std::string msg = p.diags().ToString();
  CHECK(msg.find("unknown provider \"capstan-test-missing\"") != std::string::npos);
  CHECK(msg.find("alpha") != std::string::npos);
  CHECK(msg.find("capstan-provider-capstan-test-missing") != std::string::npos);
  CHECK(msg.find(getenv("PATH")) != std::string::npos);
}

TEST_CASE("Registry falls back to a capstan-provider-NAME plugin found on PATH") {
  PathWithFakecloud path;
  ProviderRegistry r;
  auto p = r.Create("fakecloud");
  REQUIRE(p.ok());
  CHECK((*p)->name() == "fakecloud");
  CHECK((*p)->TypeNames() == std::vector<std::string>{"fakecloud.object"});
  ResourceType* t = (*p)->Type("fakecloud.object");
  REQUIRE(t != nullptr);
  CHECK(t->schema().Find("size")->force_new);
  CHECK(t->schema().Find("secret")->sensitive);
  CHECK(t->SupportsList());
}

TEST_CASE("FindPluginExecutable rejects names that could escape PATH directories") {
  PathWithFakecloud path;
  CHECK(FindPluginExecutable("fakecloud").has_value());
  CHECK_FALSE(FindPluginExecutable("../tests/capstan-provider-fakecloud").has_value());
  CHECK_FALSE(FindPluginExecutable("").has_value());
}

}  // namespace
}  // namespace capstan
