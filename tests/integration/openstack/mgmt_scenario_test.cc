// examples/openstack-mgmt end to end against the test bed, checked with the openstack CLI:
// apply, every object present, a no-change plan, out-of-band changes caught by drift,
// the stack's own application credential usable, destroy leaving nothing behind; and a
// SIGKILL during apply followed by a re-run that neither duplicates nor orphans.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "tests/integration/openstack/scenario.h"

namespace capstan {
namespace {

using clitest::RunResult;
using clitest::Sandbox;

const std::map<std::string, int>& kExpected = scenario::MgmtExpected();

std::map<std::string, int> Zero() {
  std::map<std::string, int> z;
  for (const auto& [k, v] : kExpected) z[k] = 0;
  return z;
}

TEST_CASE("openstack-mgmt applies, shows no changes, reports drift and destroys cleanly",
          "[openstack][scenario]") {
  if (!testbed::Available()) FAIL(testbed::kNotUp);
  scenario::EnsureImage();
  Sandbox box;
  std::string stack = testbed::UniqueStack("mgmt");
  std::string prefix = "cs" + std::to_string(getpid());
  scenario::PrepareMgmtStack(box, stack);

  RunResult apply = box.Run(scenario::MgmtArgs({"apply", "--auto-approve"}, prefix));
  INFO(apply.all());
  REQUIRE(apply.exit_code == 0);
  auto applied = scenario::CountOwned(stack, prefix);
  INFO("owned objects after apply: " << scenario::Describe(applied));
  CHECK(applied == kExpected);

  // Every object as the openstack CLI sees it.
  Value server = testbed::OpenStackJson("server show " + prefix + "-mgmtcluster");
  REQUIRE(server.is_object());
  CHECK(scenario::Text(server, "status") == "ACTIVE");
  CHECK(scenario::Text(server, "key_name") == prefix + "-keypair");
  Value router = testbed::OpenStackJson("router show " + prefix + "-rtr");
  REQUIRE(router.is_object());
  CHECK(router["external_gateway_info"].dump().find("network_id") != std::string::npos);
  CHECK(router["interfaces_info"].size() == 1);
  Value subnet = testbed::OpenStackJson("subnet show " + prefix + "-subnet");
  REQUIRE(subnet.is_object());
  CHECK(scenario::Text(subnet, "cidr") == "10.0.0.0/24");
  RunResult addr = box.Run({"output", "mgmt_address"});
  CHECK(addr.exit_code == 0);
  Value fips = testbed::OpenStackJson("floating ip list --tags capstan-stack=" + stack);
  REQUIRE(fips.is_array());
  REQUIRE(fips.size() == 1);
  CHECK(addr.out.find(scenario::Text(fips[0], "Floating IP Address")) != std::string::npos);
  CHECK_FALSE(scenario::Text(fips[0], "Port").empty());

  RunResult noop = box.Run(scenario::MgmtArgs({"plan", "--detailed-exitcode"}, prefix));
  INFO(noop.all());
  CHECK(noop.exit_code == 0);

  // The application credential the stack made authenticates.
  RunResult id = box.Run({"output", "appcred_id", "--json"});
  RunResult secret = box.Run({"output", "appcred_secret", "--json"});
  REQUIRE(id.exit_code == 0);
  REQUIRE(secret.exit_code == 0);
  std::string cred_id = Value::parse(id.out).get<std::string>();
  std::string cred_secret = Value::parse(secret.out).get<std::string>();
  box.Write("appcred/clouds.yaml",
            "clouds:\n  appcred:\n    auth_type: v3applicationcredential\n    auth:\n"
            "      auth_url: http://127.0.0.1:5000/v3\n      application_credential_id: " +
                cred_id + "\n      application_credential_secret: " + cred_secret +
                "\n    region_name: RegionOne\n");
  auto via_cred = testbed::CliResult{};
  {
    std::string cmd = "env -u OS_CLOUD PATH=/usr/sbin:/usr/bin:/bin OS_CLIENT_CONFIG_FILE=" +
                      box.Path("appcred/clouds.yaml") +
                      " openstack --os-cloud appcred network show " + prefix + "-net -f json 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    REQUIRE(p != nullptr);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) via_cred.out.append(buf, n);
    via_cred.status = pclose(p);
  }
  INFO(via_cred.out);
  CHECK(via_cred.status == 0);

  // Out-of-band changes: the server renamed, a rule deleted.
  REQUIRE(
      testbed::OpenStackCli("server set --name " + prefix + "-renamed " + prefix + "-mgmtcluster")
          .status == 0);
  Value rules = testbed::OpenStackJson("security group rule list " + prefix + "-allow-icmp");
  REQUIRE(rules.is_array());
  std::string icmp_rule;
  for (const Value& r : rules) {
    if (scenario::Text(r, "IP Protocol") == "icmp") icmp_rule = scenario::Text(r, "ID");
  }
  REQUIRE_FALSE(icmp_rule.empty());
  REQUIRE(testbed::OpenStackCli("security group rule delete " + icmp_rule).status == 0);
  RunResult drift = box.Run(scenario::MgmtArgs({"drift"}, prefix));
  INFO(drift.all());
  CHECK(drift.exit_code == 2);
  CHECK(drift.out.find("openstack.server.server") != std::string::npos);
  CHECK(drift.out.find("name") != std::string::npos);
  CHECK(drift.out.find("openstack.security_group_rule.sg_icmp_rule") != std::string::npos);

  // Apply repairs both; then the plan is empty again.
  RunResult repair = box.Run(scenario::MgmtArgs({"apply", "--auto-approve"}, prefix));
  INFO(repair.all());
  CHECK(repair.exit_code == 0);
  CHECK(box.Run(scenario::MgmtArgs({"plan", "--detailed-exitcode"}, prefix)).exit_code == 0);

  RunResult destroy = box.Run(scenario::MgmtArgs({"destroy", "--auto-approve"}, prefix));
  INFO(destroy.all());
  CHECK(destroy.exit_code == 0);
  auto left = scenario::CountOwned(stack, prefix);
  INFO("owned objects after destroy: " << scenario::Describe(left));
  CHECK(left == Zero());
}

TEST_CASE("openstack-mgmt killed with SIGKILL during apply converges without duplicates",
          "[openstack][scenario][crash]") {
  if (!testbed::Available()) FAIL(testbed::kNotUp);
  scenario::EnsureImage();
  Sandbox box;
  std::string stack = testbed::UniqueStack("mgmtkill");
  std::string prefix = "ck" + std::to_string(getpid());
  scenario::PrepareMgmtStack(box, stack);

  // Kill it while the server is being created (well after the network objects).
  pid_t pid = box.Spawn(scenario::MgmtArgs({"apply", "--auto-approve"}, prefix), "killed");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    std::string log = box.Read("killed.out") + box.Read("killed.err");
    if (log.find("openstack.server.server: Creating") != std::string::npos) break;
  }
  kill(-pid, SIGKILL);
  Sandbox::Wait(pid);

  // The killed run's lock is still live, but on this host its pid is provably gone:
  // the next run takes it over at once (state/store_locks.cc), no force-unlock needed.
  RunResult again = box.Run(scenario::MgmtArgs({"apply", "--auto-approve"}, prefix));
  INFO(box.Read("killed.out") + box.Read("killed.err") + again.all());
  CHECK(again.exit_code == 0);
  CHECK(again.all().find("from a dead run") != std::string::npos);
  auto after = scenario::CountOwned(stack, prefix);
  INFO("owned objects after the re-run: " << scenario::Describe(after));
  CHECK(after == kExpected);
  CHECK(box.Run(scenario::MgmtArgs({"plan", "--detailed-exitcode"}, prefix)).exit_code == 0);

  RunResult destroy = box.Run(scenario::MgmtArgs({"destroy", "--auto-approve"}, prefix));
  INFO(destroy.all());
  CHECK(destroy.exit_code == 0);
  auto left = scenario::CountOwned(stack, prefix);
  INFO("owned objects after destroy: " << scenario::Describe(left));
  CHECK(left == Zero());
}

}  // namespace
}  // namespace capstan
