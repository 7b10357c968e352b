// The crash matrix's `make test` case: the server and the router (its gateway and
// interface), the riskiest resources of examples/openstack-mgmt, each killed at all three
// journal points during apply and during destroy (crash_matrix.h): 12 kills on one
// stack. Every other resource, and these again, is in the full matrix under
// tests/integration/openstack/long/ (ctest label `long`, `make test-long`).
#include "tests/integration/openstack/crash_matrix.h"

namespace capstan {
namespace {

std::vector<crashmatrix::Target> Pick(const std::vector<std::string>& addresses) {
  std::vector<crashmatrix::Target> out;
  for (const auto& t : crashmatrix::MgmtTargets()) {
    for (const auto& a : addresses) {
      if (t.address == a) out.push_back(t);
    }
  }
  REQUIRE(out.size() == addresses.size());
  return out;
}

TEST_CASE("crash matrix subset: server and router killed at every journal point",
          "[openstack][crash][matrix]") {
  crashmatrix::Run(Pick({"openstack.server.server", "openstack.router.router"}), "cmsub1");
}

}  // namespace
}  // namespace capstan
