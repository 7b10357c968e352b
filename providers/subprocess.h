// Subprocess: run a program without a shell, capture its output, cancel it cleanly.
//
/// Providers that drive command-line tools (local.command, the ssh/kubectl/helm host
/// transport, external plugins) all need the same few things done right, so they live
/// here once:
///  - argv is passed verbatim; a shell runs only when the caller asks for /bin/sh -c.
///    Secrets travel through the environment or stdin, never through argv (which any
///    user can read in /proc).
///  - stdout and stderr are read concurrently with feeding stdin (one poll loop), so a
///    child that writes megabytes before reading its input cannot deadlock us.
///  - Every child leads its own process group; cancellation signals the whole group
///    (SIGTERM, then SIGKILL after a grace period), so `sh -c "a | b"` dies entirely.
///  - SIGPIPE from writing to a child that already exited is swallowed, not fatal.
///
/// RunProcess is the one-shot form. ChildProcess keeps a child running for a
/// request/response conversation (the plugin protocol).
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/result.h"

namespace capstan {

struct ProcessOptions {
  /// argv[0] is looked up on PATH when it contains no slash.
  std::vector<std::string> argv;
  /// Added to (or overriding) the parent's environment.
  std::map<std::string, std::string> env;
  /// Empty: the parent's working directory.
  std::string working_dir;
  /// Written to the child's stdin, which is then closed.
  std::string stdin_data;
  /// When it turns true the process group gets SIGTERM, then SIGKILL after kill_grace.
  const std::atomic<bool>* cancel = nullptr;
  std::chrono::milliseconds kill_grace{2000};
  /// Called for each complete stdout / stderr line (without the newline) as it arrives.
  std::function<void(const std::string&)> on_stdout_line;
  std::function<void(const std::string&)> on_stderr_line;
};

struct ProcessResult {
  int exit_code = -1;   ///< The exit status, or -1 when killed by a signal.
  int term_signal = 0;  ///< The signal that killed the child, 0 if it exited.
  bool cancelled = false;
  std::string out;
  std::string err;

  bool success() const { return exit_code == 0; }
  /// "exited with status 3" or "killed by signal 9 (Killed)".
  std::string Describe() const;
};

/// Runs the command to completion. Fails only when the child cannot be started (no such
/// program, bad working directory); a non-zero exit is a successful Result.
Result<ProcessResult> RunProcess(const ProcessOptions& opts);

/// "exited with status N" / "killed by signal N (name)" for a waitpid() status.
std::string DescribeWaitStatus(int wait_status);

/// The last `n` lines of `text` (for error messages quoting stderr).
std::string LastLines(std::string_view text, size_t n);

/// A long-running child with pipes to its stdin and stdout; stderr is inherited so the
/// child's diagnostics reach the user directly. Writes are serialised; ReadLine is meant
/// for one reader thread. The destructor closes stdin, waits up to the grace period for
/// the child to exit, then kills its process group.
class ChildProcess {
 public:
  /// Starts opts.argv with opts.env / opts.working_dir (stdin_data and the callbacks are
  /// not used here).
  static Result<std::unique_ptr<ChildProcess>> Start(const ProcessOptions& opts);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  /// Writes all of `data` to the child's stdin. Thread-safe.
  Status Write(std::string_view data);
  /// Closes the child's stdin (it sees EOF).
  void CloseStdin();
  /// The next stdout line without its newline; nullopt at EOF. `timeout` bounds the wait
  /// for a line (nullopt = forever); a timeout also returns nullopt and sets *timed_out.
  std::optional<std::string> ReadLine(std::optional<std::chrono::milliseconds> timeout = {},
                                      bool* timed_out = nullptr);
  /// Waits for the child to exit and returns its waitpid() status (cached).
  int Wait();
  /// Waits at most `grace`; if still running sends SIGTERM to the group, waits `grace`
  /// again, then SIGKILL. Returns the waitpid() status.
  int Terminate(std::chrono::milliseconds grace);

 private:
  ChildProcess() = default;
  std::optional<int> TryWait();

  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  std::string buffer_;
  bool eof_ = false;
  std::optional<int> status_;
  std::chrono::milliseconds grace_{2000};
  std::mutex write_mu_;
  std::mutex wait_mu_;
};

}  // namespace capstan
