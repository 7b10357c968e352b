// The full crash matrix (ctest label `long`, `make test-long`): every resource of
// examples/openstack-mgmt killed at all three journal points during apply and during
// destroy (crash_matrix.h). One test case per resource, each on its own stack, so
// `ctest -L long -j N` can run them side by side.
#include "tests/integration/openstack/crash_matrix.h"

namespace capstan {
namespace {

void RunOne(const std::string& address, const std::string& stack_prefix) {
  for (const auto& t : crashmatrix::MgmtTargets()) {
    if (t.address == address) {
      crashmatrix::Run({t}, stack_prefix);
      return;
    }
  }
  FAIL("not a target of the matrix: " << address);
}

// Case names say the resource name only: '[' and '"' in an address would be read as a
// Catch2 tag or quote when ctest passes the name back.
#define CRASH_MATRIX_CASE(name, addr, prefix)                                               \
  TEST_CASE("full crash matrix: " name " killed at every journal point", "[long][crash]") { \
    RunOne(addr, prefix);                                                                   \
  }

CRASH_MATRIX_CASE("appcred", "openstack.application_credential.appcred", "cmappcred")
CRASH_MATRIX_CASE("sg_ssh", "openstack.security_group.sg_ssh", "cmsgssh")
CRASH_MATRIX_CASE("sg_ssh_rule", "openstack.security_group_rule.sg_ssh_rule", "cmsgsshrule")
CRASH_MATRIX_CASE("sg_icmp", "openstack.security_group.sg_icmp", "cmsgicmp")
CRASH_MATRIX_CASE("sg_icmp_rule", "openstack.security_group_rule.sg_icmp_rule", "cmsgicmprule")
CRASH_MATRIX_CASE("sg_mgmt", "openstack.security_group.sg_mgmt", "cmsgmgmt")
CRASH_MATRIX_CASE("sg_mgmt_ssh for 0.0.0.0/0",
                  "openstack.security_group_rule.sg_mgmt_ssh[\"0.0.0.0/0\"]", "cmsgmgmtssh")
CRASH_MATRIX_CASE("sg_mgmt_icmp", "openstack.security_group_rule.sg_mgmt_icmp", "cmsgmgmticmp")
CRASH_MATRIX_CASE("net", "openstack.network.net", "cmnet")
CRASH_MATRIX_CASE("subnet", "openstack.subnet.subnet", "cmsubnet")
CRASH_MATRIX_CASE("router", "openstack.router.router", "cmrouter")
CRASH_MATRIX_CASE("keypair", "openstack.keypair.keypair", "cmkeypair")
CRASH_MATRIX_CASE("port", "openstack.port.port", "cmport")
CRASH_MATRIX_CASE("server", "openstack.server.server", "cmserver")
CRASH_MATRIX_CASE("fip", "openstack.floating_ip.fip", "cmfip")

}  // namespace
}  // namespace capstan
