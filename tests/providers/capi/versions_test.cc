// Kubernetes version table, `.x` resolution and the one-minor-at-a-time rule (capi.cluster).
#include "providers/capi/versions.h"

#include <catch2/catch.hpp>

namespace capstan::capi {
namespace {

std::string Resolved(const std::string& text) {
  auto v = ResolveVersion(text);
  return v.ok() ? v->ToString() : "error: " + v.diags().ToString();
}

TEST_CASE("capi versions: .x resolves to the newest patch in the table") {
  CHECK(Resolved("v1.28.x") == "v1.28.11");  // the SCS R6 default
  CHECK(Resolved("v1.29.x") == "v1.29.3");
  CHECK(Resolved("v1.30.x") == "v1.30.13");
  CHECK(Resolved("v1.32.x") == "v1.32.5");
  CHECK(Resolved("v1.30.2") == "v1.30.2");  // a full version is taken as written
}

TEST_CASE("capi versions: malformed versions and unknown minors are errors with a hint") {
  CHECK(Resolved("1.28.3").find("leading \"v\"") != std::string::npos);  // SCS #338
  CHECK(Resolved("v1.28").find("is not a version") != std::string::npos);
  CHECK(Resolved("v1.28.3a").find("is not a version") != std::string::npos);
  std::string unknown = Resolved("v1.19.x");
  CHECK(unknown.find("no known patch release") != std::string::npos);
  CHECK(unknown.find("v1.28.11") != std::string::npos);  // the table is listed
}

TEST_CASE("capi versions: upgrades go one minor at a time and never down") {
  auto v = [](const char* t) { return *ParseVersion(t); };
  CHECK(UpgradeProblem(v("v1.28.11"), v("v1.28.11")).empty());
  CHECK(UpgradeProblem(v("v1.28.3"), v("v1.28.11")).empty());
  CHECK(UpgradeProblem(v("v1.28.11"), v("v1.29.3")).empty());
  CHECK(UpgradeProblem(v("v1.28.11"), v("v1.30.13")) ==
        "skips 1 minor version; upgrade one minor version at a time");
  CHECK(UpgradeProblem(v("v1.28.11"), v("v1.31.9")).find("skips 2 minor versions") == 0);
  CHECK(UpgradeProblem(v("v1.29.3"), v("v1.28.11")).find("downgrade") != std::string::npos);
  CHECK(UpgradeProblem(v("v1.28.11"), v("v1.28.3")).find("downgrade") != std::string::npos);
}

}  // namespace
}  // namespace capstan::capi
