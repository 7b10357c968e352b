// A per-cluster application credential made by capstan is restricted and dies with the
// stack: checked with the `openstack` CLI authenticating as the credential itself.
//
/// SCS gives each workload cluster its own application credential so that a leaked
/// cluster secret cannot mint further credentials (Keystone refuses that to a credential
/// created with unrestricted=false) and stops working when the cluster is destroyed.
/// Both promises are checked against the real Keystone, with a positive control first
/// (the credential authenticates and reads) so the test can fail either way.
#include <catch2/catch.hpp>

#include "tests/integration/openstack/scenario.h"

namespace capstan {
namespace {

using clitest::RunResult;
using clitest::Sandbox;

/// `openstack <args>` authenticated as the application credential in `clouds`.
testbed::CliResult AsCredential(const std::string& clouds, const std::string& args) {
  std::string cmd =
      "env -u OS_CLOUD -u OS_AUTH_URL -u OS_PASSWORD PATH=/usr/sbin:/usr/bin:/bin "
      "OS_CLIENT_CONFIG_FILE=" +
      clouds + " openstack --os-cloud cred " + args + " 2>&1";
  testbed::CliResult r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

TEST_CASE("a restricted application credential cannot make another and is revoked by destroy",
          "[openstack][appcred]") {
  if (!testbed::Available()) FAIL(testbed::kNotUp);
  Sandbox box;
  std::string stack = testbed::UniqueStack("acr");
  std::string name = stack + "-cluster";
  box.Write("stack.yaml", "stack: " + stack +
                              "\nproviders:\n  openstack:\n    cloud: ostb-demo\n"
                              "resources:\n  cred:\n    type: openstack.application_credential\n"
                              "    properties:\n      name: " +
                              name +
                              "\n      description: per-cluster credential\n"
                              "      unrestricted: false\n"
                              "outputs:\n  id:\n    value: ${cred.id}\n"
                              "  secret:\n    value: ${cred.secret}\n    sensitive: true\n");
  box.SetEnv("OS_CLIENT_CONFIG_FILE", testbed::CloudsYaml());
  box.UnsetEnv("OS_CLOUD");

  RunResult apply = box.Run({"apply", "--auto-approve"});
  INFO(apply.all());
  REQUIRE(apply.exit_code == 0);
  RunResult id = box.Run({"output", "id", "--json"});
  RunResult secret = box.Run({"output", "secret", "--json"});
  REQUIRE(id.exit_code == 0);
  REQUIRE(secret.exit_code == 0);
  std::string cred_id = Value::parse(id.out).get<std::string>();
  std::string cred_secret = Value::parse(secret.out).get<std::string>();
  Value shown = testbed::OpenStackJson("application credential show " + cred_id);
  REQUIRE(shown.is_object());
  CHECK(shown.value("unrestricted", Value()) != true);

  std::string clouds = box.Path("cred/clouds.yaml");
  box.Write("cred/clouds.yaml",
            "clouds:\n  cred:\n    auth_type: v3applicationcredential\n    auth:\n"
            "      auth_url: http://127.0.0.1:5000/v3\n      application_credential_id: " +
                cred_id + "\n      application_credential_secret: " + cred_secret +
                "\n    region_name: RegionOne\n    interface: public\n");

  // Positive control: the credential authenticates and can read the project.
  testbed::CliResult token = AsCredential(clouds, "token issue -f json");
  INFO(token.out);
  REQUIRE(token.status == 0);
  testbed::CliResult nets = AsCredential(clouds, "network list -f json");
  INFO(nets.out);
  CHECK(nets.status == 0);

  // Restricted: Keystone refuses to let it create another credential.
  testbed::CliResult minted =
      AsCredential(clouds, "application credential create " + stack + "-minted -f json");
  INFO(minted.out);
  CHECK(minted.status != 0);
  CHECK((minted.out.find("403") != std::string::npos ||
         minted.out.find("orbidden") != std::string::npos));
  Value creds = testbed::OpenStackJson("application credential list");
  REQUIRE(creds.is_array());
  for (const Value& c : creds) {
    INFO(c.dump());
    CHECK(scenario::Text(c, "Name") != stack + "-minted");
  }

  RunResult destroy = box.Run({"destroy", "--auto-approve"});
  INFO(destroy.all());
  REQUIRE(destroy.exit_code == 0);
  CHECK(testbed::OpenStackCli("application credential show " + cred_id).status != 0);

  // Revoked: the same id and secret no longer authenticate.
  testbed::CliResult after = AsCredential(clouds, "token issue -f json");
  INFO(after.out);
  CHECK(after.status != 0);
  // Keystone (Zed) answers an unknown credential id with 404 "Could not find Application
  // Credential"; other releases with 401.
  CHECK((after.out.find("(HTTP 401)") != std::string::npos ||
         after.out.find("Could not find Application Credential") != std::string::npos));
}

}  // namespace
}  // namespace capstan
