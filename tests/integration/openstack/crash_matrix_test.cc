// The crash matrix's representative subset, run by `make test`: the server, the floating
// IP, the router (its interface and gateway) and the application credential, each killed
// at all three journal points during apply and during destroy (crash_matrix.h). The full
// matrix over every resource is tests/integration/openstack/long/ (ctest label `long`).
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

TEST_CASE("crash matrix subset: server and floating IP killed at every journal point",
          "[openstack][crash][matrix]") {
  crashmatrix::Run(Pick({"openstack.server.server", "openstack.floating_ip.fip"}), "cmsub1");
}

TEST_CASE("crash matrix subset: router and application credential killed at every journal point",
          "[openstack][crash][matrix]") {
  crashmatrix::Run(Pick({"openstack.router.router", "openstack.application_credential.appcred"}),
                   "cmsub2");
}

}  // namespace
}  // namespace capstan
