// The crash matrix: SIGKILL capstan at every journal point of chosen resources of
// examples/openstack-mgmt, during apply and during destroy, and prove each re-run
// converges with nothing duplicated, nothing orphaned and a state that passes check.
//
/// The kill comes from the CAPSTAN_CRASH_AT testing hook (state/crash_point.h), so it
/// lands exactly at `before-call` (journal row durable, cloud untouched), `after-call`
/// (the cloud changed, the state does not know) or `after-commit`. One stack is applied
/// once; then for each target and point:
///
///   destroy --target T, killed at T:point → force-unlock → destroy --target T again;
///     the objects of T's kind are one fewer than in the full stack (gone, not orphaned)
///     and `capstan state list` no longer shows T;
///   apply, killed at T:point → force-unlock → apply again → plan shows no changes,
///     `capstan state check` passes, every kind counts exactly as the full stack.
///
/// Counts come from tests/faults/count_owned.py (openstacksdk, the library under the
/// `openstack` CLI) kept running for the whole matrix, since a CLI start-up per count
/// would cost more than the runs themselves. The full matrix (every resource) is the
/// ctest label `long`; `make test` runs a subset (docs/reliability.md). At the end the
/// stack is destroyed: nothing owned is left and `capstan state list` is empty.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <iostream>
#include <map>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/integration/openstack/scenario.h"

namespace capstan::crashmatrix {

struct Target {
  std::string address;
  std::string kind;  ///< Key of the counts (count_owned.py kinds).
};

/// Every resource instance of examples/openstack-mgmt that is created through the journal
/// (extnet is a lookup: nothing to crash).
inline std::vector<Target> MgmtTargets() {
  return {{"openstack.application_credential.appcred", "application_credential"},
          {"openstack.security_group.sg_ssh", "security_group"},
          {"openstack.security_group_rule.sg_ssh_rule", "security_group_rule"},
          {"openstack.security_group.sg_icmp", "security_group"},
          {"openstack.security_group_rule.sg_icmp_rule", "security_group_rule"},
          {"openstack.security_group.sg_mgmt", "security_group"},
          {"openstack.security_group_rule.sg_mgmt_ssh[\"0.0.0.0/0\"]", "security_group_rule"},
          {"openstack.security_group_rule.sg_mgmt_icmp", "security_group_rule"},
          {"openstack.network.net", "network"},
          {"openstack.subnet.subnet", "subnet"},
          {"openstack.router.router", "router"},
          {"openstack.keypair.keypair", "keypair"},
          {"openstack.port.port", "port"},
          {"openstack.server.server", "server"},
          {"openstack.floating_ip.fip", "floating_ip"}};
}

inline const std::vector<std::string>& Points() {
  static const std::vector<std::string> p = {"before-call", "after-call", "after-commit"};
  return p;
}

inline const std::map<std::string, int>& Expected() { return scenario::MgmtExpected(); }

/// count_owned.py --serve for one stack: a line of kinds in, a JSON object out.
class OwnedCounter {
 public:
  explicit OwnedCounter(const std::string& stack) {
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0) throw std::runtime_error("pipe failed");
    pid_ = fork();
    if (pid_ == 0) {
      dup2(in[0], 0);
      dup2(out[1], 1);
      close(in[1]);
      close(out[0]);
      std::string script = std::string(CAPSTAN_SOURCE_DIR) + "/tests/faults/count_owned.py";
      std::string config = "OS_CLIENT_CONFIG_FILE=" + testbed::CloudsYaml();
      const char* env[] = {"PATH=/usr/sbin:/usr/bin:/bin", config.c_str(), nullptr};
      const char* argv[] = {"/usr/bin/python3", script.c_str(), "--cloud", "ostb-demo",
                            "--stack",          stack.c_str(),  "--serve", nullptr};
      execve(argv[0], const_cast<char* const*>(argv), const_cast<char* const*>(env));
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    to_ = fdopen(in[1], "w");
    from_ = fdopen(out[0], "r");
  }
  ~OwnedCounter() {
    if (to_) fclose(to_);
    if (from_) fclose(from_);
    if (pid_ > 0) clitest::Sandbox::Wait(pid_);
  }
  OwnedCounter(const OwnedCounter&) = delete;
  OwnedCounter& operator=(const OwnedCounter&) = delete;

  /// Counts of `kinds` (all of Expected()'s kinds when empty); -1 for a failed count.
  std::map<std::string, int> Count(std::vector<std::string> kinds = {}) {
    if (kinds.empty()) {
      for (const auto& [k, v] : Expected()) kinds.push_back(k);
    }
    std::string line;
    for (const auto& k : kinds) line += (line.empty() ? "" : ",") + k;
    std::map<std::string, int> out;
    for (const auto& k : kinds) out[k] = -1;
    if (fprintf(to_, "%s\n", line.c_str()) < 0 || fflush(to_) != 0) return out;
    char buf[8192];
    if (!fgets(buf, sizeof buf, from_)) return out;
    try {
      Value v = Value::parse(std::string(buf));
      for (const auto& k : kinds) {
        if (v.contains(k) && v[k].is_number_integer()) out[k] = v[k].get<int>();
      }
    } catch (...) {
    }
    return out;
  }

 private:
  pid_t pid_ = -1;
  FILE* to_ = nullptr;
  FILE* from_ = nullptr;
};

/// Removes the stack's lock left by a killed run (the documented way on: force-unlock
/// with the lock's id, read here from the state database with the sqlite3 shell).
inline bool ForceUnlock(clitest::Sandbox& box, const std::string& stack) {
  std::string cmd = "sqlite3 '" + box.Path(".capstan/state.db") +
                    "' \"SELECT id FROM locks WHERE stack = '" + stack + "'\"";
  std::string id;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[256];
    while (fgets(buf, sizeof buf, p)) id += buf;
    pclose(p);
  }
  while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) id.pop_back();
  if (id.empty()) return true;  // no lock left (nothing to do)
  return box.Run({"force-unlock", id}).exit_code == 0;
}

/// The addresses `capstan state list --json` shows (deposed objects included);
/// {"<state list failed>"} when it fails, so no check can pass on an error.
inline std::vector<std::string> StateAddresses(clitest::Sandbox& box) {
  clitest::RunResult list = box.Run({"state", "list", "--json"});
  std::vector<std::string> out;
  try {
    if (list.exit_code != 0) throw std::runtime_error(list.err);
    for (const auto& inst : Value::parse(list.out))
      out.push_back(inst.at("address").get<std::string>());
  } catch (...) {
    return {"<state list failed>"};
  }
  return out;
}

inline bool Lists(const std::vector<std::string>& addresses, const std::string& address) {
  for (const auto& a : addresses) {
    if (a == address) return true;
  }
  return false;
}

struct Figures {
  int crashes = 0;  ///< Runs killed by the hook.
  int runs = 0;     ///< capstan runs in all.
  int steps = 0;    ///< (target, point, operation) combinations checked.
};

/// Runs the matrix for `targets` at every point on a fresh stack; Catch2 checks inside.
inline Figures Run(const std::vector<Target>& targets, const std::string& stack_prefix) {
  Figures fig;
  if (!testbed::Available()) FAIL(testbed::kNotUp);
  scenario::EnsureImage();
  clitest::Sandbox box;
  std::string stack = testbed::UniqueStack(stack_prefix);
  std::string prefix = "cm" + std::to_string(getpid()) + stack.substr(stack.rfind('-') + 1);
  scenario::PrepareMgmtStack(box, stack);
  OwnedCounter counter(stack);
  auto args = [&](std::vector<std::string> head) {
    for (auto& v : scenario::MgmtVars(prefix)) head.push_back(v);
    return head;
  };
  auto run = [&](const std::vector<std::string>& a) {
    ++fig.runs;
    return box.Run(args(a));
  };

  clitest::RunResult first = run({"apply", "--auto-approve"});
  INFO(first.all());
  if (first.exit_code != 0) run({"destroy", "--auto-approve"});  // leave the test bed clean
  REQUIRE(first.exit_code == 0);
  REQUIRE(counter.Count() == Expected());

  for (const Target& t : targets) {
    for (const std::string& point : Points()) {
      const std::string at = t.address + ":" + point;
      auto killed = [&](const std::string& op, const clitest::RunResult& r) {
        INFO(op << " with CAPSTAN_CRASH_AT=" << at << "\n" << r.all());
        CHECK(r.exit_code == -SIGKILL);
        CHECK(r.err.find("CAPSTAN_CRASH_AT: SIGKILL at " + at) != std::string::npos);
        if (r.exit_code == -SIGKILL) ++fig.crashes;
        CHECK(ForceUnlock(box, stack));
      };

      // Destroy side: the target exists now.
      box.SetEnv("CAPSTAN_CRASH_AT", at);
      clitest::RunResult d1 = run({"destroy", "--auto-approve", "--target", t.address});
      box.UnsetEnv("CAPSTAN_CRASH_AT");
      killed("destroy", d1);
      clitest::RunResult d2 = run({"destroy", "--auto-approve", "--target", t.address});
      {
        INFO("destroy after a kill at " << at << "\n" << d2.all());
        CHECK(d2.exit_code == 0);
        auto n = counter.Count({t.kind});
        CHECK(n[t.kind] == Expected().at(t.kind) - 1);
        // Gone from the state too: a destroy killed after its DELETE once left the row.
        auto listed = StateAddresses(box);
        INFO("state list: " << listed.size() << " entries");
        CHECK_FALSE(Lists(listed, t.address));
        CHECK_FALSE(Lists(listed, "<state list failed>"));
      }
      ++fig.steps;
      std::cout << "crash-matrix: destroy " << at << " killed=" << (d1.exit_code == -SIGKILL)
                << " recovered=" << (d2.exit_code == 0) << std::endl;

      // Apply side: the target (and what depends on it) is missing now.
      box.SetEnv("CAPSTAN_CRASH_AT", at);
      clitest::RunResult a1 = run({"apply", "--auto-approve"});
      box.UnsetEnv("CAPSTAN_CRASH_AT");
      killed("apply", a1);
      clitest::RunResult a2 = run({"apply", "--auto-approve"});
      clitest::RunResult plan = run({"plan", "--detailed-exitcode"});
      clitest::RunResult check = box.Run({"state", "check"});
      auto counts = counter.Count();
      {
        INFO("apply after a kill at " << at << "\n" << a2.all() << plan.all() << check.all());
        INFO("owned: " << scenario::Describe(counts));
        CHECK(a2.exit_code == 0);
        CHECK(plan.exit_code == 0);
        CHECK(check.exit_code == 0);
        CHECK(counts == Expected());
      }
      ++fig.steps;
      std::cout << "crash-matrix: apply " << at << " killed=" << (a1.exit_code == -SIGKILL)
                << " recovered=" << (a2.exit_code == 0 && plan.exit_code == 0)
                << " counts=" << scenario::Describe(counts) << std::endl;
    }
  }

  clitest::RunResult last = run({"destroy", "--auto-approve"});
  INFO(last.all());
  CHECK(last.exit_code == 0);
  auto left = counter.Count();
  INFO("owned after destroy: " << scenario::Describe(left));
  for (const auto& [k, n] : left) {
    INFO(k);
    CHECK(n == 0);
  }
  CHECK(box.Run({"state", "check"}).exit_code == 0);
  auto listed = StateAddresses(box);
  INFO("state list after the last destroy: " << listed.size() << " entries");
  CHECK(listed.empty());
  std::cout << "crash-matrix: " << stack << " steps=" << fig.steps << " crashes=" << fig.crashes
            << " runs=" << fig.runs << " owned-left=" << scenario::Describe(left)
            << " state-left=" << listed.size() << std::endl;
  return fig;
}

}  // namespace capstan::crashmatrix
