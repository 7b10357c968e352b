// FaultProxy: runs tests/faults/fault_proxy.py in front of the test bed's Keystone.
//
/// The proxy rewrites the token's catalog to itself, so a clouds.yaml whose auth_url names
/// the proxy sends every call capstan makes through it (see docs/reliability.md). The
/// proxy is a child process in its own process group, stopped with its group when the
/// object goes away; its fault log and per-kind counts are files in `dir`.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "engine/value.h"
#include "tests/cli/harness.h"

namespace capstan::faults {

class FaultProxy {
 public:
  /// `faults` is the proxy's --faults list, e.g. "503=0.03,reset_after=0.03".
  FaultProxy(const std::string& dir, int seed, const std::string& faults,
             const std::string& upstream = "http://127.0.0.1:5000")
      : dir_(dir) {
    std::filesystem::create_directories(dir);
    std::string script = std::string(CAPSTAN_SOURCE_DIR) + "/tests/faults/fault_proxy.py";
    std::vector<std::string> args = {"/usr/bin/python3",
                                     script,
                                     "--upstream",
                                     upstream,
                                     "--port-file",
                                     dir + "/port",
                                     "--log",
                                     LogPath(),
                                     "--stats",
                                     dir + "/stats.json",
                                     "--seed",
                                     std::to_string(seed),
                                     "--faults",
                                     faults,
                                     "--retry-after",
                                     "1",
                                     "--latency",
                                     "0.3",
                                     "--stall",
                                     "2"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::string err = dir + "/proxy.err";
    pid_ = fork();
    if (pid_ == 0) {
      setpgid(0, 0);
      FILE* f = freopen(err.c_str(), "w", stderr);
      (void)f;
      execv(argv[0], argv.data());
      _exit(127);
    }
    setpgid(pid_, pid_);
    bool up = clitest::WaitFor([&] { return std::filesystem::exists(dir + "/port"); },
                               std::chrono::seconds(60));
    if (!up) {
      Stop();
      throw std::runtime_error("fault proxy did not start: " + clitest::ReadFile(err));
    }
    port_ = std::stoi(clitest::ReadFile(dir + "/port"));
  }
  ~FaultProxy() { Stop(); }
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  std::string AuthUrl() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v3"; }
  std::string LogPath() const { return dir_ + "/faults.jsonl"; }

  /// {"requests": N, "faults": {kind: count}}; null before the first fault.
  Value Stats() const {
    std::string text = clitest::ReadFile(dir_ + "/stats.json");
    if (text.empty()) return nullptr;
    try {
      return Value::parse(text);
    } catch (...) {
      return nullptr;
    }
  }

  void Stop() {
    if (pid_ > 0) {
      kill(-pid_, SIGTERM);
      clitest::Sandbox::Wait(pid_);
      pid_ = -1;
    }
  }

 private:
  std::string dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

/// A clouds.yaml with one cloud `name`: the demo user of the test bed, reached through
/// `auth_url` (the proxy).
inline std::string DemoCloudsYaml(const std::string& name, const std::string& auth_url) {
  return "clouds:\n  " + name + ":\n    auth:\n      auth_url: " + auth_url +
         "\n      username: demo\n      password: demo-secret\n      project_name: demo\n"
         "      user_domain_name: Default\n      project_domain_name: Default\n"
         "    region_name: RegionOne\n    interface: public\n    identity_api_version: 3\n";
}

}  // namespace capstan::faults
