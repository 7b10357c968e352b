// Test harness for the end-to-end CLI tests: run the real `capstan` binary.
//
/// The CLI tests exercise the product the way users do — a process with arguments, an
/// environment, a working directory, stdout/stderr and an exit code — so they link
/// nothing but capstan_base and fork/exec CAPSTAN_BINARY_DIR/capstan in a fresh
/// temporary directory per test. stdin is /dev/null (never a terminal), colour is off,
/// and CAPSTAN_STATE_KEY is set so no key file is needed. Spawn() starts a run in its
/// own process group so a test can SIGKILL capstan together with its plugin children.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace capstan::clitest {

inline std::string CapstanBinary() { return std::string(CAPSTAN_BINARY_DIR) + "/capstan"; }
inline std::string FakecloudDir() { return std::string(CAPSTAN_BINARY_DIR) + "/tests"; }
inline bool HaveFakecloud() {
  return access((FakecloudDir() + "/capstan-provider-fakecloud").c_str(), X_OK) == 0;
}

struct RunResult {
  int exit_code = -1;  ///< -signal when killed by a signal.
  std::string out;
  std::string err;
  std::string all() const { return out + err; }
};

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void WriteFile(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

/// A temporary working directory, removed with everything in it at the end of the test.
class Sandbox {
 public:
  Sandbox() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "capstan-cli-XXXXXX").string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    dir_ = mkdtemp(buf.data());
    env_["CAPSTAN_STATE_KEY"] = "cli-test-passphrase";
    env_["NO_COLOR"] = "1";
    env_["PATH"] = FakecloudDir() + ":" + (getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
  }
  ~Sandbox() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  const std::string& dir() const { return dir_; }
  std::string Path(const std::string& rel) const { return dir_ + "/" + rel; }
  void Write(const std::string& rel, const std::string& text) const { WriteFile(Path(rel), text); }
  std::string Read(const std::string& rel) const { return ReadFile(Path(rel)); }
  bool Exists(const std::string& rel) const { return std::filesystem::exists(Path(rel)); }
  void SetEnv(const std::string& k, const std::string& v) { env_[k] = v; }
  void UnsetEnv(const std::string& k) {
    env_.erase(k);
    unset_.push_back(k);
  }

  /// Runs capstan with `args` in the sandbox and waits for it.
  RunResult Run(const std::vector<std::string>& args, const std::string& stdin_text = "") const {
    std::string out_path = dir_ + "/.run.out", err_path = dir_ + "/.run.err";
    std::string in_path = dir_ + "/.run.in";
    WriteFile(in_path, stdin_text);
    pid_t pid = Start(args, in_path, out_path, err_path, /*new_group=*/false);
    RunResult r;
    r.exit_code = Wait(pid);
    r.out = ReadFile(out_path);
    r.err = ReadFile(err_path);
    return r;
  }

  /// Starts capstan in its own process group; output goes to <name>.out/.err.
  pid_t Spawn(const std::vector<std::string>& args, const std::string& name) const {
    return Start(args, "/dev/null", dir_ + "/" + name + ".out", dir_ + "/" + name + ".err",
                 /*new_group=*/true);
  }

  /// Waits for `pid`; returns its exit code, or -signal.
  static int Wait(pid_t pid) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return -WTERMSIG(status);
    return -1;
  }

 private:
  pid_t Start(const std::vector<std::string>& args, const std::string& in_path,
              const std::string& out_path, const std::string& err_path, bool new_group) const {
    std::vector<std::string> env_strings;
    std::map<std::string, std::string> merged;
    for (char** e = environ; *e != nullptr; ++e) {
      std::string kv = *e;
      size_t eq = kv.find('=');
      if (eq != std::string::npos) merged[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    for (const auto& k : unset_) merged.erase(k);
    for (const auto& [k, v] : env_) merged[k] = v;
    for (const auto& [k, v] : merged) env_strings.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::string bin = CapstanBinary();
    std::vector<std::string> argv_strings{bin};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& s : argv_strings) argv.push_back(s.data());
    argv.push_back(nullptr);

    pid_t pid = fork();
    if (pid == 0) {
      if (new_group) setpgid(0, 0);
      int in = open(in_path.c_str(), O_RDONLY);
      int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (in < 0 || out < 0 || err < 0 || chdir(dir_.c_str()) != 0) _exit(127);
      dup2(in, 0);
      dup2(out, 1);
      dup2(err, 2);
      execve(bin.c_str(), argv.data(), envp.data());
      _exit(127);
    }
    if (new_group) setpgid(pid, pid);  // also from the parent: no race with killpg
    return pid;
  }

  std::string dir_;
  std::map<std::string, std::string> env_;
  std::vector<std::string> unset_;
};

/// Polls `cond` every 20 ms until it holds or `timeout` passes.
inline bool WaitFor(const std::function<bool()>& cond,
                    std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return cond();
}

/// Number of non-overlapping occurrences of `needle` in `hay`.
inline int Count(const std::string& hay, const std::string& needle) {
  int n = 0;
  for (size_t pos = hay.find(needle); pos != std::string::npos;
       pos = hay.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

/// Describes a run for failure messages.
inline std::string Describe(const RunResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\n--- stdout\n" + r.out + "\n--- stderr\n" +
         r.err;
}

}  // namespace capstan::clitest
