// What a user sees when the cloud says no: each failure is one clear paragraph that names
// the resource address and carries the cloud's own message, and capstan exits non-zero
// with the state untouched. Driven through the real `capstan` binary.
#include <catch2/catch.hpp>

#include "tests/integration/openstack/scenario.h"

namespace capstan {
namespace {

using clitest::RunResult;
using clitest::Sandbox;

const char* kNetworkStack = R"(stack: errs
providers:
  openstack:
    cloud: CLOUD
resources:
  n:
    type: openstack.network
    properties:
      name: NAME
)";

std::string Stack(const std::string& cloud, const std::string& name) {
  std::string s = kNetworkStack;
  s.replace(s.find("CLOUD"), 5, cloud);
  s.replace(s.find("NAME"), 4, name);
  return s;
}

/// A clouds.yaml with one cloud `c` built from ostb-demo's settings with changes.
std::string CloudsYaml(const std::string& auth_url, const std::string& password,
                       const std::string& project = "demo") {
  return "clouds:\n  c:\n    auth:\n      auth_url: " + auth_url +
         "\n      username: demo\n      password: " + password +
         "\n      project_name: " + project +
         "\n      user_domain_name: Default\n      project_domain_name: Default\n"
         "    region_name: RegionOne\n";
}

RunResult Apply(Sandbox& box) { return box.Run({"apply", "--auto-approve"}); }

void Prepare(Sandbox& box, const std::string& clouds_yaml) {
  box.Write("cloud/clouds.yaml", clouds_yaml);
  box.SetEnv("OS_CLIENT_CONFIG_FILE", box.Path("cloud/clouds.yaml"));
  box.UnsetEnv("OS_CLOUD");
}

TEST_CASE("a wrong password fails with Keystone's message and the address, no password shown",
          "[openstack][errors]") {
  if (!testbed::Available()) FAIL(testbed::kNotUp);
  Sandbox box;
  Prepare(box, CloudsYaml("http://127.0.0.1:5000/v3", "not-the-password-xyz"));
  box.Write("stack.yaml", Stack("c", "errs-pw"));
  RunResult r = Apply(box);
  INFO(r.all());
  CHECK(r.exit_code == 1);
  CHECK(r.all().find("openstack.network.n") != std::string::npos);
  CHECK(r.all().find("authentication failed") != std::string::npos);
  CHECK(r.all().find("not-the-password-xyz") == std::string::npos);
  CHECK(box.Run({"state", "list"}).out.find("openstack.network.n") == std::string::npos);
}

TEST_CASE("an unknown cloud name lists the clouds that exist", "[openstack][errors]") {
  if (!testbed::Available()) FAIL(testbed::kNotUp);
  Sandbox box;
  Prepare(box, CloudsYaml("http://127.0.0.1:5000/v3", "x"));
  box.Write("stack.yaml", Stack("no-such-cloud", "errs-cloud"));
  RunResult r = Apply(box);
  INFO(r.all());
  CHECK(r.exit_code == 1);
  CHECK(r.all().find("no-such-cloud") != std::string::npos);
  CHECK(r.all().find("openstack.network.n") != std::string::npos);
  CHECK(r.all().find("c") != std::string::npos);
}

TEST_CASE("an unreachable endpoint names the URL and the address", "[openstack][errors]") {
  if (!testbed::Available()) FAIL(testbed::kNotUp);
  Sandbox box;
  Prepare(box, CloudsYaml("http://127.0.0.1:1/v3", "x"));
  box.Write("stack.yaml", Stack("c", "errs-unreach"));
  RunResult r = Apply(box);
  INFO(r.all());
  CHECK(r.exit_code == 1);
  CHECK(r.all().find("127.0.0.1:1") != std::string::npos);
  CHECK(r.all().find("openstack.network.n") != std::string::npos);
}

TEST_CASE("a flavor that does not exist fails the server with the flavor's name",
          "[openstack][errors]") {
  if (!testbed::Available()) FAIL(testbed::kNotUp);
  scenario::EnsureImage();
  Sandbox box;
  box.SetEnv("OS_CLIENT_CONFIG_FILE", testbed::CloudsYaml());
  box.Write("stack.yaml", R"(stack: errs-flavor
providers:
  openstack:
    cloud: ostb-demo
resources:
  vm:
    type: openstack.server
    properties:
      name: errs-flavor-vm
      flavor: no-such-flavor
      image: Ubuntu 22.04
      networks: []
)");
  RunResult r = Apply(box);
  INFO(r.all());
  CHECK(r.exit_code == 1);
  CHECK(r.all().find("openstack.server.vm") != std::string::npos);
  CHECK(r.all().find("no-such-flavor") != std::string::npos);
}

TEST_CASE("a quota exceeded carries Neutron's message and leaves the state consistent",
          "[openstack][errors]") {
  if (!testbed::Available()) FAIL(testbed::kNotUp);
  // A project of its own with a network quota of 0, so no other test is affected.
  for (const std::string& cmd :
       {std::string("project show capstan-quota0 || openstack --os-cloud ostb-admin project "
                    "create capstan-quota0"),
        std::string("role add --user demo --project capstan-quota0 member"),
        std::string("quota set --networks 0 capstan-quota0")}) {
    testbed::OpenStackCli(cmd, "ostb-admin");
  }
  Sandbox box;
  Prepare(box, CloudsYaml("http://127.0.0.1:5000/v3", "demo-secret", "capstan-quota0"));
  box.Write("stack.yaml", Stack("c", "errs-quota"));
  RunResult r = Apply(box);
  INFO(r.all());
  CHECK(r.exit_code == 1);
  CHECK(r.all().find("openstack.network.n") != std::string::npos);
  CHECK(r.all().find("uota") != std::string::npos);  // "Quota exceeded for resources: ..."
  RunResult check = box.Run({"state", "list"});
  CHECK(check.out.find("openstack.network.n") == std::string::npos);
}

}  // namespace
}  // namespace capstan
