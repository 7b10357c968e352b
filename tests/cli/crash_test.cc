// Crash and interrupt tests: a killed or interrupted apply loses and duplicates nothing.
//
/// Uses the fake external plugin capstan-provider-fakecloud (tests/fakes/), which stores
/// objects as JSON files in FAKECLOUD_DIR, adopts objects carrying this stack's marks on
/// create, sleeps FAKECLOUD_LATENCY_MS after persisting an object and before answering,
/// and logs "create <address>" to FAKECLOUD_CALL_LOG when a call starts. That sleep is
/// the window the tests aim at: the object exists in the "cloud", capstan does not know.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/cli/harness.h"
#include "tests/cli/stacks.h"

namespace capstan::clitest {
namespace {

int CountObjects(const std::string& dir) {
  int n = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.is_regular_file() && e.path().extension() == ".json") ++n;
  }
  return n;
}

void SetUpFakecloud(Sandbox& sb, int latency_ms) {
  std::filesystem::create_directories(sb.Path("cloud"));
  sb.SetEnv("FAKECLOUD_DIR", sb.Path("cloud"));
  sb.SetEnv("FAKECLOUD_CALL_LOG", sb.Path("calls.log"));
  sb.SetEnv("FAKECLOUD_LATENCY_MS", std::to_string(latency_ms));
  sb.Write("stack.yaml", kFakecloudChain);
}

/// After a disturbed run: a clean apply finishes, with each object exactly once.
void CheckRecovers(Sandbox& sb) {
  sb.SetEnv("FAKECLOUD_LATENCY_MS", "0");
  RunResult again = sb.Run({"apply", "--auto-approve"});
  INFO(Describe(again));
  CHECK(again.exit_code == 0);
  CHECK(CountObjects(sb.Path("cloud")) == 5);

  RunResult list = sb.Run({"state", "list", "--json"});
  INFO(Describe(list));
  REQUIRE(list.exit_code == 0);
  auto doc = nlohmann::json::parse(list.out);
  std::set<std::string> addresses;
  for (const auto& inst : doc) addresses.insert(inst["address"].get<std::string>());
  CHECK(doc.size() == 5);
  CHECK(addresses.size() == 5);
  for (int i = 1; i <= 5; ++i) {
    CHECK(addresses.count("fakecloud.object.o" + std::to_string(i)) == 1);
  }
  RunResult plan = sb.Run({"plan", "--detailed-exitcode"});
  INFO(Describe(plan));
  CHECK(plan.exit_code == 0);
  CHECK(plan.out.find("No changes") != std::string::npos);
}

}  // namespace

TEST_CASE("SIGKILL during a provider call: the next apply loses and duplicates nothing",
          "[cli][crash]") {
  if (!HaveFakecloud()) {
    WARN("capstan-provider-fakecloud is not built; skipping");
    return;
  }
  Sandbox sb;
  SetUpFakecloud(sb, 1500);
  pid_t pid = sb.Spawn({"apply", "--auto-approve"}, "killed");
  bool in_flight = WaitFor(
      [&] { return sb.Read("calls.log").find("create fakecloud.object.o3") != std::string::npos; });
  // Let the plugin persist o3, then kill capstan and its plugin while it "waits".
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  killpg(pid, SIGKILL);
  int code = Sandbox::Wait(pid);
  INFO("calls:\n"
       << sb.Read("calls.log") << "\nout:\n"
       << sb.Read("killed.out") << "\nerr:\n"
       << sb.Read("killed.err"));
  REQUIRE(in_flight);
  CHECK(code == -SIGKILL);
  CHECK(CountObjects(sb.Path("cloud")) >= 3);  // o3 exists in the cloud, not in state

  // The lock of the killed run is still held; clear it like an operator would.
  RunResult blocked = sb.Run({"plan"});
  (void)blocked;
  RunResult wrong = sb.Run({"force-unlock", "x"});
  std::string hint = "capstan force-unlock ";
  size_t at = wrong.err.find(hint);
  if (at != std::string::npos) {
    std::string id = wrong.err.substr(at + hint.size());
    id = id.substr(0, id.find_first_of(" \n"));
    RunResult unlocked = sb.Run({"force-unlock", id});
    INFO(Describe(unlocked));
    CHECK(unlocked.exit_code == 0);
  }
  CheckRecovers(sb);
  // Exactly one create per object reached the cloud as a new object: o3 was adopted.
  CHECK(Count(sb.Read("calls.log"), "create fakecloud.object.o1") == 1);
}

TEST_CASE("first SIGINT finishes the call in flight, saves, and exits non-zero", "[cli][crash]") {
  if (!HaveFakecloud()) {
    WARN("capstan-provider-fakecloud is not built; skipping");
    return;
  }
  Sandbox sb;
  SetUpFakecloud(sb, 1500);
  pid_t pid = sb.Spawn({"apply", "--auto-approve"}, "interrupted");
  bool in_flight = WaitFor(
      [&] { return sb.Read("calls.log").find("create fakecloud.object.o2") != std::string::npos; });
  kill(pid, SIGINT);  // capstan only: a terminal's Ctrl-C reaches the group, see docs/cli.md
  int code = Sandbox::Wait(pid);
  std::string out = sb.Read("interrupted.out"), err = sb.Read("interrupted.err");
  INFO("calls:\n" << sb.Read("calls.log") << "\nout:\n" << out << "\nerr:\n" << err);
  REQUIRE(in_flight);
  CHECK(code == 1);
  CHECK(err.find("Interrupt") != std::string::npos);
  CHECK(out.find("fakecloud.object.o2: Creation complete") != std::string::npos);
  CHECK(sb.Read("calls.log").find("create fakecloud.object.o3") == std::string::npos);

  // The finished call was saved: o2 is in state, and the lock was released.
  RunResult list = sb.Run({"state", "list"});
  INFO(Describe(list));
  CHECK(list.out.find("fakecloud.object.o2") != std::string::npos);
  RunResult hist = sb.Run({"state", "history", "--json"});
  auto runs = nlohmann::json::parse(hist.out);
  REQUIRE(runs.size() >= 1);
  CHECK(runs[0]["status"] == "interrupted");
  CheckRecovers(sb);
}

}  // namespace capstan::clitest
