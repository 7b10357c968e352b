// Helpers for the whole-SCS end-to-end test: the management node's tools as stubs reached
// over a real sshd, the fakes' request logs, capstan's --json events.
//
/// The test runs examples/scs-cluster with the OpenStack half against the real test bed
/// and the Kubernetes half on fakes: the stub kind (tests/fakes/bin/) started through a
/// real sshd on 127.0.0.1 (the test bed's Nova servers are fake-virt, no VM to ssh to)
/// starts a fake kube-apiserver with the fake CAPI/CAPO controllers as the kind cluster.
/// These helpers hold what the test reads back afterwards; the logs live outside the
/// sandbox (every *.yaml there would be part of the stack) and outlive `kind delete`.
#pragma once

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/cli/harness.h"
#include "tests/fakes/kube_fake.h"
#include "tests/providers/temp_dir.h"

namespace capstan::e2e {

using capstan::testing::KubectlPath;
using capstan::testing::RunShell;
using capstan::testing::ShellQuote;

/// The directories the stub tools keep their records in, and how to run them here.
struct StubTools {
  capstan::testing::TempDir dir;
  std::string bin = std::string(CAPSTAN_SOURCE_DIR) + "/tests/fakes/bin";
  std::string state() const { return dir / "fake-state"; }
  std::string logs() const { return dir / "logs"; }
  /// The management fake's directory (request log, controllers' log, workload servers).
  std::string kind_logs() const { return logs() + "/kind"; }
  std::string path() const {
    const char* p = getenv("PATH");
    return bin + ":" + (p ? p : "/usr/bin:/bin");
  }
  /// The host.node env that makes the node's kind a CAPI management cluster whose
  /// workload clusters serve the kinds addons need.
  nlohmann::json env() const {
    return {
        {"PATH", path()},
        {"CAPSTAN_FAKE_STATE", state()},
        {"FAKE_KIND_APISERVER_ARGS", "--controllers capi_controllers --controllers addon_kinds"},
        {"FAKE_KIND_LOG_DIR", logs()}};
  }
  /// A command line with that environment (for kind get kubeconfig and cleanup).
  std::string Env() const {
    std::string s = "env";
    const nlohmann::json vars = env();  // items() only refers to it: keep it alive
    for (const auto& [k, v] : vars.items()) s += " " + k + "=" + ShellQuote(v.get<std::string>());
    return s + " ";
  }
  /// The kind cluster's kubeconfig written to a file (the fake's own port, no forward).
  std::string KindKubeconfig() const {
    std::string file = dir / "kind.kubeconfig";
    RunShell(Env() + "kind get kubeconfig --name kind > " + ShellQuote(file));
    return file;
  }
};

/// kubectl against `kubeconfig` with a private discovery cache; `args` is shell text.
inline capstan::testing::CommandResult Kubectl(const std::string& kubeconfig,
                                               const std::string& args) {
  return RunShell(KubectlPath() + " --kubeconfig " + ShellQuote(kubeconfig) + " --cache-dir " +
                  ShellQuote(kubeconfig + ".cache") + " " + args);
}

/// JSON lines of a file (a fake's request log, a controller log).
inline std::vector<nlohmann::json> JsonLines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] != '{') continue;
    auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!j.is_discarded()) out.push_back(std::move(j));
  }
  return out;
}

inline std::vector<nlohmann::json> LogFile(const std::string& path) {
  return JsonLines(clitest::ReadFile(path));
}

inline bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// Time of the first request with `method` whose path ends in `suffix` (and, when given,
/// answered `status`); -1 when there is none.
inline double RequestTime(const std::vector<nlohmann::json>& log, const std::string& method,
                          const std::string& suffix, int status = 0) {
  for (const auto& r : log) {
    if (r.value("method", "") != method || !EndsWith(r.value("path", ""), suffix)) continue;
    if (status != 0 && r.value("status", 0) != status) continue;
    return r.value("t", -1.0);
  }
  return -1;
}

/// Position in the --json event stream (one line per event, in the order things happened)
/// of the first event of `type` for `address` (and `action`); -1 if none. Positions, not
/// run_seconds: one operation's end and the next one's start share a millisecond.
inline int EventIndex(const std::vector<nlohmann::json>& events, const std::string& type,
                      const std::string& address, const std::string& action = "") {
  for (size_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    if (e.value("type", "") != type || e.value("address", "") != address) continue;
    if (!action.empty() && e.value("action", "") != action) continue;
    return static_cast<int>(i);
  }
  return -1;
}

}  // namespace capstan::e2e
