// Watching a run: "Still ..." lines with provider sub-steps, the live view on a terminal,
// the run summary (slowest operations, critical path) and the --json event stream.
//
/// The printers are tested directly (cli/event_printer.cc, live_view.cc and
/// run_summary.cc are compiled into this test) with short intervals; the end-to-end
/// tests run the real binary, in a pipe and on a pseudo-terminal.
#include <pty.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "cli/event_printer.h"
#include "cli/live_view.h"
#include "cli/run_summary.h"
#include "tests/cli/harness.h"

namespace capstan::cli {
namespace {

using namespace std::chrono_literals;

Event Ev(Event::Kind k, const std::string& addr, const std::string& action = "create",
         const std::string& message = "") {
  return Event::Of(k, addr, action, message);
}

int Count(const std::string& hay, const std::string& needle) { return clitest::Count(hay, needle); }

}  // namespace

TEST_CASE("progress gist drops the trailing seconds count only", "[cli][events]") {
  CHECK(ProgressGist("server mgmt: BUILD, 12s") == "server mgmt: BUILD");
  CHECK(ProgressGist("waiting 5s") == "waiting");
  CHECK(ProgressGist("adopting keypair k (same public key)") ==
        "adopting keypair k (same public key)");
  CHECK(ProgressGist("deleting ports") == "deleting ports");
}

TEST_CASE("Still lines come every tick with the latest provider sub-step", "[cli][events]") {
  std::ostringstream out, err;
  {
    HumanEventPrinter p(out, err, /*color=*/false, 300ms);
    p.OnEvent(Ev(Event::Kind::kOpStart, "openstack.server.mgmt"));
    p.OnEvent(Ev(Event::Kind::kOpProgress, "openstack.server.mgmt", "create", "server: BUILD, 1s"));
    p.OnEvent(Ev(Event::Kind::kOpProgress, "openstack.server.mgmt", "create", "server: BUILD, 2s"));
    std::this_thread::sleep_for(750ms);  // ticks at 300 and 600 ms
    p.OnEvent(
        Ev(Event::Kind::kOpProgress, "openstack.server.mgmt", "create", "server: ACTIVE, 3s"));
    Event done = Ev(Event::Kind::kOpDone, "openstack.server.mgmt");
    done.elapsed_seconds = 0.8;
    p.OnEvent(done);
    std::this_thread::sleep_for(400ms);  // no more ticks once done
  }
  const std::string s = out.str();
  INFO(s);
  // The same status polled again is not a new line; a new status is.
  CHECK(Count(s, "openstack.server.mgmt: server: BUILD") == 1);
  CHECK(Count(s, "openstack.server.mgmt: server: ACTIVE, 3s") == 1);
  const int still = Count(s, "Still creating... [");
  CHECK(still >= 1);
  CHECK(still <= 2);
  CHECK(Count(s, "elapsed] (server: BUILD, 2s)") == still);
  CHECK(s.find("Creation complete after 1s") != std::string::npos);
  CHECK(s.find('\x1b') == std::string::npos);
}

TEST_CASE("the live view draws running lines and a footer, finished lines scroll above",
          "[cli][events]") {
  std::ostringstream out, err;
  {
    LiveView v(out, err, /*color=*/false, /*width=*/0, 10ms);
    v.SetTotal(3);
    v.OnEvent(Ev(Event::Kind::kOpStart, "local.file.a"));
    v.OnEvent(Ev(Event::Kind::kOpStart, "local.file.b", "delete"));
    v.OnEvent(Ev(Event::Kind::kOpProgress, "local.file.a", "create", "writing, 1s"));
    v.Redraw();
    const std::string first = out.str();
    INFO(first);
    CHECK(first.find("\x1b[J") != std::string::npos);
    CHECK(first.find("  local.file.a: Creating... 0s (writing, 1s)\n") != std::string::npos);
    CHECK(first.find("  local.file.b: Destroying... 0s\n") != std::string::npos);
    CHECK(first.find("2 running, 0/3 done") != std::string::npos);

    Event done = Ev(Event::Kind::kOpDone, "local.file.a");
    done.elapsed_seconds = 2;
    v.OnEvent(done);
    v.Redraw();
    const std::string second = out.str().substr(first.size());
    INFO(second);
    CHECK(second.rfind("\x1b[3A", 0) == 0);  // up over 2 running lines + footer
    CHECK(second.find("local.file.a: Creation complete after 2s\n") != std::string::npos);
    CHECK(second.find("1 running, 1/3 done") != std::string::npos);
    v.Settle();
  }
  const std::string all = out.str();
  // No colour asked for: cursor movement only, no SGR colour codes.
  CHECK(all.find("\x1b[32m") == std::string::npos);
  CHECK(all.find("\x1b[1m") == std::string::npos);
  CHECK(all.find("\x1b[2m") == std::string::npos);
}

TEST_CASE("the live view colours only when asked and fits lines to the width", "[cli][events]") {
  std::ostringstream out, err;
  {
    LiveView v(out, err, /*color=*/true, /*width=*/30, 10ms);
    v.OnEvent(Ev(Event::Kind::kOpStart, "local.file.a_very_long_resource_name_indeed"));
    v.Redraw();
    Event done = Ev(Event::Kind::kOpDone, "local.file.a_very_long_resource_name_indeed");
    v.OnEvent(done);
    v.Settle();
  }
  const std::string s = out.str();
  CHECK(s.find("\x1b[32m") != std::string::npos);
  CHECK(s.find("…") != std::string::npos);
}

TEST_CASE("the run summary names the slowest operations and the critical path taken",
          "[cli][events]") {
  Plan plan;
  for (const char* a : {"mem.thing.a", "mem.thing.b", "mem.thing.c", "mem.thing.d"}) {
    ResourceChange c;
    c.address = Address::Parse(a).value();
    c.action = Action::kCreate;
    plan.changes.push_back(c);
  }
  plan.exec = {{0, OpKind::kCreate, 0, {}},
               {1, OpKind::kCreate, 1, {0}},
               {2, OpKind::kCreate, 2, {0}},
               {3, OpKind::kCreate, 3, {1, 2}}};
  ApplyReport r;
  r.seconds = 6;
  r.timings = {{"mem.thing.a", "create", 0, 1, true},
               {"mem.thing.c", "create", 1, 1, true},
               {"mem.thing.b", "create", 1, 4, true},
               {"mem.thing.d", "create", 5, 1, true}};
  RunSummary s = SummarizeRun(plan, r, 2);
  REQUIRE(s.slowest.size() == 2);
  CHECK(s.slowest[0].address == "mem.thing.b");
  REQUIRE(s.critical_path.size() == 3);
  CHECK(s.critical_path[0].address == "mem.thing.a");
  CHECK(s.critical_path[1].address == "mem.thing.b");  // d waited for b, not for c
  CHECK(s.critical_path[2].address == "mem.thing.d");
  const std::string text = RenderRunSummary(s);
  CHECK_THAT(text, Catch::Contains("Critical path (6s of 6s):"));
  CHECK_THAT(text, Catch::Contains("  -> mem.thing.b (create, 4s)"));
  nlohmann::json j = RunSummaryToJson(s);
  CHECK(j["critical_path"].size() == 3);
  CHECK(j["slowest"][0]["seconds"] == 4);
  CHECK(RenderRunSummary(SummarizeRun(plan, ApplyReport{})).empty());
}

}  // namespace capstan::cli

namespace capstan::clitest {
namespace {

constexpr const char* kTwoFiles = R"(stack: watch
resources:
  a: {type: local.file, properties: {path: out/a.txt, content: "a\n"}}
  b: {type: local.file, properties: {path: out/b.txt, content: "${a.sha256}\n"}}
)";

/// Runs capstan on a pseudo-terminal (stdout and stderr), returns everything it wrote.
std::string RunOnTerminal(const Sandbox& sb, const std::vector<std::string>& args,
                          const std::vector<std::string>& env, int* exit_code) {
  int master = -1;
  pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
  REQUIRE(pid >= 0);
  if (pid == 0) {
    if (chdir(sb.dir().c_str()) != 0) _exit(127);
    unsetenv("NO_COLOR");
    for (const std::string& kv : env) putenv(const_cast<char*>(kv.c_str()));
    std::vector<std::string> argv_s{CapstanBinary()};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& s : argv_s) argv.push_back(s.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = read(master, buf, sizeof buf);
    if (n <= 0) break;  // EIO once the child is gone
    out.append(buf, static_cast<size_t>(n));
  }
  close(master);
  *exit_code = Sandbox::Wait(pid);
  return out;
}

}  // namespace

TEST_CASE("apply in a pipe: plain lines, no escape codes, a run summary", "[cli][events]") {
  Sandbox sb;
  sb.Write("stack.yaml", kTwoFiles);
  RunResult r = sb.Run({"apply", "--auto-approve"});
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
  CHECK(r.all().find('\x1b') == std::string::npos);
  CHECK(r.out.find("local.file.a: Creating...") != std::string::npos);
  CHECK(r.out.find("Slowest operations:") != std::string::npos);
  CHECK(r.out.find("Critical path (") != std::string::npos);
  // b depends on a: the path taken is a, then b.
  CHECK(r.out.find("    local.file.a (create, ") != std::string::npos);
  CHECK(r.out.find("  -> local.file.b (create, ") != std::string::npos);
}

TEST_CASE("apply --json streams run_start, timed events and a summary with the critical path",
          "[cli][events]") {
  Sandbox sb;
  sb.Write("stack.yaml", kTwoFiles);
  RunResult r = sb.Run({"apply", "--auto-approve", "--json"});
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
  std::istringstream lines(r.out);
  std::vector<std::string> types;
  nlohmann::json summary;
  for (std::string line; std::getline(lines, line);) {
    auto j = nlohmann::json::parse(line);
    CHECK(j.contains("run_seconds"));
    CHECK(j.contains("@timestamp"));
    types.push_back(j["type"]);
    if (j["type"] == "apply_complete") CHECK(j["elapsed_seconds"].is_number());
    if (j["type"] == "run_start") CHECK(j["operations"] == 2);
    if (j["type"] == "summary") summary = j;
  }
  REQUIRE_FALSE(types.empty());
  CHECK(types.back() == "summary");
  CHECK(std::find(types.begin(), types.end(), "run_start") != types.end());
  REQUIRE(summary["critical_path"].size() == 2);
  CHECK(summary["critical_path"][1]["address"] == "local.file.b");
  CHECK(summary["slowest"].size() == 2);
}

TEST_CASE("apply on a terminal draws the live view, without colour under NO_COLOR",
          "[cli][events]") {
  Sandbox sb;
  sb.Write("stack.yaml", kTwoFiles);
  int code = -1;
  std::string out = RunOnTerminal(sb, {"apply", "--auto-approve"},
                                  {"NO_COLOR=1", "TERM=xterm", "CAPSTAN_STATE_KEY=k"}, &code);
  INFO(out);
  CHECK(code == 0);
  CHECK(out.find("\x1b[J") != std::string::npos);  // the live block was drawn and cleared
  CHECK(out.find("Creation complete after") != std::string::npos);
  CHECK(out.find("\x1b[32m") == std::string::npos);
  CHECK(out.find("\x1b[1m") == std::string::npos);

  Sandbox coloured;
  coloured.Write("stack.yaml", kTwoFiles);
  std::string with_colour = RunOnTerminal(coloured, {"apply", "--auto-approve"},
                                          {"TERM=xterm", "CAPSTAN_STATE_KEY=k"}, &code);
  CHECK(code == 0);
  CHECK(with_colour.find("\x1b[32m") != std::string::npos);
}

}  // namespace capstan::clitest
