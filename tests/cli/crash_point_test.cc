// CAPSTAN_CRASH_AT against the fakecloud plugin: a destroy killed at its journal points.
//
/// The crash matrix (tests/integration/openstack/crash_matrix.h) runs these kills against
/// the real test bed; this is the fast pin for the case it found: a destroy killed at
/// `after-call` (the DELETE went through, the state row not yet removed) left a row that
/// the next destroy planned nothing for, so it exited 0 with the object still listed.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/cli/harness.h"
#include "tests/cli/stacks.h"

namespace capstan::clitest {
namespace {

int CloudObjects(Sandbox& sb) {
  int n = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(sb.Path("cloud"), ec)) {
    if (e.is_regular_file() && e.path().extension() == ".json") ++n;
  }
  return n;
}

size_t StateEntries(Sandbox& sb) {
  RunResult list = sb.Run({"state", "list", "--json"});
  INFO(Describe(list));
  REQUIRE(list.exit_code == 0);
  return nlohmann::json::parse(list.out).size();
}

/// Removes the killed run's lock the documented way: force-unlock with the id the
/// refusal names.
void ForceUnlock(Sandbox& sb) {
  RunResult wrong = sb.Run({"force-unlock", "x"});
  const std::string hint = "capstan force-unlock ";
  size_t at = wrong.err.find(hint);
  INFO(Describe(wrong));
  REQUIRE(at != std::string::npos);
  std::string id = wrong.err.substr(at + hint.size());
  id = id.substr(0, id.find_first_of(" \n"));
  RunResult unlocked = sb.Run({"force-unlock", id});
  INFO(Describe(unlocked));
  REQUIRE(unlocked.exit_code == 0);
}

/// Applies the five-object chain, then runs a destroy killed at `at`.
void ApplyThenKilledDestroy(Sandbox& sb, const std::string& at) {
  std::filesystem::create_directories(sb.Path("cloud"));
  sb.SetEnv("FAKECLOUD_DIR", sb.Path("cloud"));
  sb.Write("stack.yaml", kFakecloudChain);
  RunResult applied = sb.Run({"apply", "--auto-approve"});
  INFO(Describe(applied));
  REQUIRE(applied.exit_code == 0);
  REQUIRE(CloudObjects(sb) == 5);

  sb.SetEnv("CAPSTAN_CRASH_AT", at);
  RunResult killed = sb.Run({"destroy", "--auto-approve"});
  sb.UnsetEnv("CAPSTAN_CRASH_AT");
  INFO(Describe(killed));
  REQUIRE(killed.exit_code == -SIGKILL);
  CHECK(killed.err.find("CAPSTAN_CRASH_AT: SIGKILL at " + at) != std::string::npos);
  ForceUnlock(sb);
}

}  // namespace

TEST_CASE("destroy killed after its DELETE: the next destroy empties the state", "[cli][crash]") {
  if (!HaveFakecloud()) {
    WARN("capstan-provider-fakecloud is not built; skipping");
    return;
  }
  Sandbox sb;
  ApplyThenKilledDestroy(sb, "fakecloud.object.o3:after-call");
  CHECK(CloudObjects(sb) == 2);  // o5, o4 and o3 deleted; o3's row still in state
  CHECK(StateEntries(sb) == 3);

  RunResult again = sb.Run({"destroy", "--auto-approve"});
  INFO(Describe(again));
  CHECK(again.exit_code == 0);
  CHECK(again.out.find("fakecloud.object.o3 is gone already") != std::string::npos);
  CHECK(again.out.find("1 forgotten (already gone)") != std::string::npos);
  CHECK(CloudObjects(sb) == 0);
  CHECK(StateEntries(sb) == 0);
  CHECK(sb.Run({"state", "check"}).exit_code == 0);
}

TEST_CASE("destroy killed after its DELETE: plan reports the object gone and apply recreates it",
          "[cli][crash]") {
  if (!HaveFakecloud()) {
    WARN("capstan-provider-fakecloud is not built; skipping");
    return;
  }
  Sandbox sb;
  ApplyThenKilledDestroy(sb, "fakecloud.object.o3:after-call");

  RunResult plan = sb.Run({"plan", "--detailed-exitcode"});
  INFO(Describe(plan));
  CHECK(plan.exit_code == 2);
  CHECK(plan.out.find("fakecloud.object.o3 has been deleted") != std::string::npos);
  CHECK(plan.out.find("fakecloud.object.o3 will be created") != std::string::npos);

  RunResult apply = sb.Run({"apply", "--auto-approve"});
  INFO(Describe(apply));
  CHECK(apply.exit_code == 0);
  CHECK(CloudObjects(sb) == 5);
  CHECK(StateEntries(sb) == 5);
  RunResult settled = sb.Run({"plan", "--detailed-exitcode"});
  INFO(Describe(settled));
  CHECK(settled.exit_code == 0);
}

TEST_CASE("destroy killed before or after a commit: the next destroy empties the state",
          "[cli][crash]") {
  if (!HaveFakecloud()) {
    WARN("capstan-provider-fakecloud is not built; skipping");
    return;
  }
  for (const char* point : {"before-call", "after-commit"}) {
    DYNAMIC_SECTION(point) {
      Sandbox sb;
      ApplyThenKilledDestroy(sb, std::string("fakecloud.object.o3:") + point);
      RunResult again = sb.Run({"destroy", "--auto-approve"});
      INFO(Describe(again));
      CHECK(again.exit_code == 0);
      CHECK(CloudObjects(sb) == 0);
      CHECK(StateEntries(sb) == 0);
    }
  }
}

}  // namespace capstan::clitest
