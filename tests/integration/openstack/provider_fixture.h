// The `openstack` provider configured for the test bed's ostb-demo cloud, and a fixture
// holding it with one of its resource types — the set-up every per-type test needs.
#pragma once

#include <catch2/catch.hpp>
#include <cstdlib>
#include <memory>
#include <string>

#include "providers/openstack/os_provider.h"
#include "tests/integration/openstack/testbed.h"

namespace capstan::testbed {

/// A provider configured for `cloud`; fails the test when the test bed is not up.
inline std::unique_ptr<Provider> ConfiguredProvider(const std::string& cloud = "ostb-demo") {
  if (!Available()) FAIL(kNotUp);
  auto provider = NewOpenStackProvider();
  setenv("OS_CLIENT_CONFIG_FILE", CloudsYaml().c_str(), 1);
  Status st = provider->Configure(Value{{"cloud", cloud}});
  REQUIRE_FALSE(st.HasErrors());
  return provider;
}

/// The configured provider and its resource type `type_name`.
struct TypeFixture {
  explicit TypeFixture(const std::string& type_name) : provider(ConfiguredProvider()) {
    type = provider->Type(type_name);
    REQUIRE(type != nullptr);
  }
  std::unique_ptr<Provider> provider;
  ResourceType* type = nullptr;
};

}  // namespace capstan::testbed
