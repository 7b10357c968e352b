// Tests for the subprocess helper: output capture, stdin, exit codes, cancellation.
#include "providers/subprocess.h"

#include <signal.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

#include "tests/providers/temp_dir.h"

namespace capstan {
namespace {

ProcessOptions Sh(const std::string& script) {
  ProcessOptions o;
  o.argv = {"/bin/sh", "-c", script};
  return o;
}

TEST_CASE("RunProcess captures stdout and stderr separately") {
  auto r = RunProcess(Sh("echo out; echo err >&2; echo out2"));
  REQUIRE(r.ok());
  CHECK(r->out == "out\nout2\n");
  CHECK(r->err == "err\n");
  CHECK(r->exit_code == 0);
  CHECK(r->success());
}

TEST_CASE("RunProcess reports the exit code of a failing command") {
  auto r = RunProcess(Sh("exit 42"));
  REQUIRE(r.ok());
  CHECK(r->exit_code == 42);
  CHECK_FALSE(r->success());
  CHECK(r->Describe() == "exited with status 42");
}

TEST_CASE("RunProcess reports a death by signal") {
  auto r = RunProcess(Sh("kill -KILL $$"));
  REQUIRE(r.ok());
  CHECK(r->exit_code == -1);
  CHECK(r->term_signal == SIGKILL);
  CHECK(r->Describe().find("killed by signal 9") == 0);
}

TEST_CASE("RunProcess fails to start a program that does not exist") {
  ProcessOptions o;
  o.argv = {"capstan-no-such-program-xyz"};
  auto r = RunProcess(o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.diags().ToString().find("capstan-no-such-program-xyz") != std::string::npos);
}

TEST_CASE("RunProcess feeds stdin while reading big outputs without deadlock") {
  // 4 MiB in and out: far beyond a pipe buffer in both directions at once.
  std::string input(4 << 20, 'x');
  for (size_t i = 0; i < input.size(); i += 1000) input[i] = '\n';
  ProcessOptions o;
  o.argv = {"cat"};
  o.stdin_data = input;
  auto r = RunProcess(o);
  REQUIRE(r.ok());
  CHECK(r->out.size() == input.size());
  CHECK(r->out == input);
}

TEST_CASE("RunProcess captures large stderr and stdout interleaved") {
  auto r =
      RunProcess(Sh("i=0; while [ $i -lt 3000 ]; do echo line$i; echo err$i >&2; "
                    "i=$((i+1)); done"));
  REQUIRE(r.ok());
  CHECK(r->out.find("line2999\n") != std::string::npos);
  CHECK(r->err.find("err2999\n") != std::string::npos);
  CHECK(LastLines(r->err, 2) == "err2998\nerr2999");
}

TEST_CASE("RunProcess passes environment additions and the working directory") {
  testing::TempDir dir;
  ProcessOptions o = Sh("printf '%s|%s' \"$CAPSTAN_T_VAR\" \"$(pwd)\"");
  o.env["CAPSTAN_T_VAR"] = "hello world";
  o.working_dir = dir.path();
  auto r = RunProcess(o);
  REQUIRE(r.ok());
  CHECK(r->out == "hello world|" + dir.path());
}

TEST_CASE("RunProcess fails for a missing working directory") {
  ProcessOptions o = Sh("true");
  o.working_dir = "/nonexistent/capstan/dir";
  auto r = RunProcess(o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.diags().ToString().find("/nonexistent/capstan/dir") != std::string::npos);
}

TEST_CASE("RunProcess streams complete stdout lines to the callback") {
  std::vector<std::string> lines;
  ProcessOptions o = Sh("echo one; echo two; printf three");
  o.on_stdout_line = [&](const std::string& l) { lines.push_back(l); };
  auto r = RunProcess(o);
  REQUIRE(r.ok());
  CHECK(lines == std::vector<std::string>{"one", "two", "three"});
}

TEST_CASE("RunProcess cancel kills the whole process group") {
  testing::TempDir dir;
  std::string marker = dir / "survivor";
  std::atomic<bool> cancel{false};
  // A grandchild that would write the marker if it survived.
  ProcessOptions o = Sh("(sleep 2; touch " + marker + ") & sleep 30");
  o.cancel = &cancel;
  o.kill_grace = std::chrono::milliseconds(200);
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    cancel = true;
  });
  auto r = RunProcess(o);
  canceller.join();
  REQUIRE(r.ok());
  CHECK(r->cancelled);
  CHECK(r->term_signal != 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  CHECK_FALSE(std::filesystem::exists(marker));
}

TEST_CASE("RunProcess escalates to SIGKILL when SIGTERM is ignored") {
  std::atomic<bool> cancel{true};
  ProcessOptions o = Sh("trap '' TERM; echo ready; while :; do sleep 1; done");
  o.cancel = &cancel;
  o.kill_grace = std::chrono::milliseconds(100);
  auto r = RunProcess(o);
  REQUIRE(r.ok());
  CHECK(r->cancelled);
  CHECK(r->term_signal == SIGKILL);
}

TEST_CASE("RunProcess survives a child that exits without reading its stdin") {
  ProcessOptions o = Sh("exit 0");
  o.stdin_data = std::string(1 << 20, 'y');
  auto r = RunProcess(o);
  REQUIRE(r.ok());
  CHECK(r->exit_code == 0);
}

TEST_CASE("LastLines returns at most the requested trailing lines") {
  CHECK(LastLines("a\nb\nc\n", 2) == "b\nc");
  CHECK(LastLines("a\nb\nc", 5) == "a\nb\nc");
  CHECK(LastLines("", 3).empty());
}

TEST_CASE("ChildProcess exchanges lines and reports its exit status") {
  auto c = ChildProcess::Start(Sh("while read l; do echo \"got $l\"; done; exit 5"));
  REQUIRE(c.ok());
  auto& child = **c;
  REQUIRE(child.Write("a\nb\n").empty());
  CHECK(child.ReadLine() == std::optional<std::string>("got a"));
  CHECK(child.ReadLine() == std::optional<std::string>("got b"));
  child.CloseStdin();
  CHECK(child.ReadLine() == std::nullopt);
  CHECK(DescribeWaitStatus(child.Wait()) == "exited with status 5");
}

TEST_CASE("ChildProcess ReadLine times out without output") {
  auto c = ChildProcess::Start(Sh("sleep 5"));
  REQUIRE(c.ok());
  bool timed_out = false;
  CHECK((*c)->ReadLine(std::chrono::milliseconds(50), &timed_out) == std::nullopt);
  CHECK(timed_out);
  int st = (*c)->Terminate(std::chrono::milliseconds(50));
  CHECK(DescribeWaitStatus(st).find("killed by signal") == 0);
}

}  // namespace
}  // namespace capstan
