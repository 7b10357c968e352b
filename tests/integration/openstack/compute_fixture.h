// Shared set-up of the compute and lookup integration tests: a configured provider, a
// tiny public image and a tenant network, made with the real `openstack` CLI.
//
/// Booting a server needs an image and a network that the test bed does not provide;
/// each test makes its own (named after its unique stack, removed at the end) so tests
/// stay independent and can run in parallel.
#pragma once

#include <catch2/catch.hpp>
#include <fstream>
#include <string>

#include "providers/openstack/os_provider.h"
#include "tests/integration/openstack/provider_fixture.h"

namespace capstan::testbed {

struct ComputeFixture {
  ComputeFixture() : provider(ConfiguredProvider()) {}

  ResourceType* Type(const std::string& name) {
    ResourceType* t = provider->Type(name);
    REQUIRE(t != nullptr);
    return t;
  }

  /// A 1 MiB public raw image called `name`; returns its id.
  static std::string MakeImage(const std::string& name) {
    std::string file = "/tmp/capstan-img-" + name;
    {
      std::ofstream f(file, std::ios::binary);
      f << std::string(1 << 20, '\0');
    }
    Value img = OpenStackJson(
        "image create --public --disk-format raw --container-format bare "
        "--file " +
            file + " " + name,
        "ostb-admin");
    std::remove(file.c_str());
    REQUIRE(img.is_object());
    return img["id"].get<std::string>();
  }

  /// A network with a 10.x subnet; returns the network id.
  static std::string MakeNetwork(const std::string& name) {
    Value net = OpenStackJson("network create " + name);
    REQUIRE(net.is_object());
    REQUIRE(OpenStackCli("subnet create --network " + name + " --subnet-range 10.77.0.0/24 " + name)
                .status == 0);
    return net["id"].get<std::string>();
  }

  std::unique_ptr<Provider> provider;
};

}  // namespace capstan::testbed
