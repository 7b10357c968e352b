// Subprocess implementation: posix_spawnp, one poll loop, process-group signals.
#include "providers/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

extern char** environ;

namespace capstan {
namespace {

using Clock = std::chrono::steady_clock;

/// Parent ends of the pipes to a freshly spawned child (-1 when not piped).
struct Spawned {
  pid_t pid = -1;
  int in = -1;
  int out = -1;
  int err = -1;
};

void CloseFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

/// write() that turns a SIGPIPE into EPIPE for this call only: the signal is blocked in
/// this thread, and if the write raised it, the pending signal is consumed before the
/// mask is restored. Other threads and the process-wide disposition are untouched.
ssize_t WriteNoSigpipe(int fd, const char* data, size_t n) {
  sigset_t pipe_set, old_mask, pending;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  sigpending(&pending);
  bool was_pending = sigismember(&pending, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old_mask);
  ssize_t r = ::write(fd, data, n);
  int saved = errno;
  if (r < 0 && saved == EPIPE && !was_pending) {
    timespec zero{0, 0};
    while (sigtimedwait(&pipe_set, nullptr, &zero) < 0 && errno == EINTR) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  errno = saved;
  return r;
}

/// The parent's environment with `extra` added or overriding, as "K=V" strings.
std::vector<std::string> BuildEnv(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    std::string key(kv.substr(0, kv.find('=')));
    if (!extra.count(key)) env.emplace_back(kv);
  }
  for (const auto& [k, v] : extra) env.push_back(k + "=" + v);
  return env;
}

std::vector<char*> CStrings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

/// Starts the child in its own process group with stdin/stdout (and stderr when
/// `pipe_stderr`) connected to fresh pipes; every other descriptor is closed in it.
Result<Spawned> Spawn(const ProcessOptions& opts, bool pipe_stderr) {
  if (opts.argv.empty()) return Result<Spawned>::Fail("cannot start a process: empty argv");
  int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
  auto close_all = [&] {
    for (int* p : {in, out, err}) {
      CloseFd(p[0]);
      CloseFd(p[1]);
    }
  };
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 ||
      (pipe_stderr && pipe2(err, O_CLOEXEC) != 0)) {
    int e = errno;
    close_all();
    return Result<Spawned>::Fail("cannot create pipes for " + opts.argv[0], strerror(e));
  }

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  if (pipe_stderr) posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  posix_spawn_file_actions_addclosefrom_np(&fa, 3);
  if (!opts.working_dir.empty()) {
    posix_spawn_file_actions_addchdir_np(&fa, opts.working_dir.c_str());
  }

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t empty, defaults;
  sigemptyset(&empty);
  posix_spawnattr_setsigmask(&attr, &empty);
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGCHLD, SIGUSR1, SIGUSR2}) {
    sigaddset(&defaults, sig);
  }
  posix_spawnattr_setsigdefault(&attr, &defaults);

  std::vector<std::string> argv_store = opts.argv;
  std::vector<std::string> env_store = BuildEnv(opts.env);
  std::vector<char*> argv = CStrings(argv_store);
  std::vector<char*> envp = CStrings(env_store);

  Spawned s;
  int rc = posix_spawnp(&s.pid, argv[0], &fa, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  CloseFd(in[0]);
  CloseFd(out[1]);
  CloseFd(err[1]);
  if (rc != 0) {
    close_all();
    std::string detail = strerror(rc);
    if (!opts.working_dir.empty()) detail += " (working directory " + opts.working_dir + ")";
    return Result<Spawned>::Fail("cannot start " + opts.argv[0], detail);
  }
  s.in = in[1];
  s.out = out[0];
  s.err = err[0];
  return s;
}

void SetNonBlocking(int fd) {
  if (fd >= 0) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/// Accumulates one output stream and hands complete lines to a callback.
struct Stream {
  int fd = -1;
  std::string* sink = nullptr;
  const std::function<void(const std::string&)>* on_line = nullptr;
  std::string partial;

  void Feed(const char* data, size_t n) {
    sink->append(data, n);
    if (!*on_line) return;
    partial.append(data, n);
    size_t pos;
    while ((pos = partial.find('\n')) != std::string::npos) {
      (*on_line)(partial.substr(0, pos));
      partial.erase(0, pos + 1);
    }
  }
  void Flush() {
    if (*on_line && !partial.empty()) (*on_line)(partial);
    partial.clear();
  }
  /// Reads what is available; returns true if any bytes arrived. Closes on EOF/error.
  bool Drain() {
    bool got = false;
    char buf[65536];
    while (fd >= 0) {
      ssize_t r = ::read(fd, buf, sizeof buf);
      if (r > 0) {
        Feed(buf, static_cast<size_t>(r));
        got = true;
      } else if (r < 0 && errno == EINTR) {
        continue;
      } else if (r < 0 && errno == EAGAIN) {
        break;
      } else {
        CloseFd(fd);
      }
    }
    return got;
  }
};

}  // namespace

std::string DescribeWaitStatus(int st) {
  if (WIFEXITED(st)) return "exited with status " + std::to_string(WEXITSTATUS(st));
  if (WIFSIGNALED(st)) {
    int sig = WTERMSIG(st);
    return "killed by signal " + std::to_string(sig) + " (" + strsignal(sig) + ")";
  }
  return "ended with wait status " + std::to_string(st);
}

std::string ProcessResult::Describe() const {
  if (term_signal != 0) {
    return "killed by signal " + std::to_string(term_signal) + " (" + strsignal(term_signal) + ")";
  }
  return "exited with status " + std::to_string(exit_code);
}

std::string LastLines(std::string_view text, size_t n) {
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  size_t start = text.size();
  for (size_t lines = 0; lines < n && start > 0; ++lines) {
    size_t nl = text.rfind('\n', start - 1);
    start = nl == std::string_view::npos ? 0 : nl;
    if (nl == std::string_view::npos) break;
  }
  if (start < text.size() && text[start] == '\n') ++start;
  return std::string(text.substr(start));
}

Result<ProcessResult> RunProcess(const ProcessOptions& opts) {
  auto spawned = Spawn(opts, /*pipe_stderr=*/true);
  if (!spawned) return spawned.diags();
  Spawned s = *spawned;
  ProcessResult res;
  Stream out{s.out, &res.out, &opts.on_stdout_line, {}};
  Stream err{s.err, &res.err, &opts.on_stderr_line, {}};
  SetNonBlocking(s.in);
  SetNonBlocking(s.out);
  SetNonBlocking(s.err);
  if (opts.stdin_data.empty()) CloseFd(s.in);

  size_t written = 0;
  std::optional<int> status;
  bool term_sent = false, kill_sent = false;
  Clock::time_point term_at, last_activity = Clock::now();
  // After the child exits, grandchildren may still hold the pipes open (a daemon it
  // started); stop reading once they have been quiet this long.
  const auto linger = std::chrono::milliseconds(250);

  while (true) {
    pollfd fds[3];
    nfds_t n = 0;
    if (s.in >= 0) fds[n++] = {s.in, POLLOUT, 0};
    if (out.fd >= 0) fds[n++] = {out.fd, POLLIN, 0};
    if (err.fd >= 0) fds[n++] = {err.fd, POLLIN, 0};
    if (n == 0 && status) break;
    int pr = poll(n ? fds : nullptr, n, 50);
    if (pr < 0 && errno != EINTR) break;
    for (nfds_t i = 0; pr > 0 && i < n; ++i) {
      if (!fds[i].revents) continue;
      if (fds[i].fd == s.in) {
        ssize_t w = WriteNoSigpipe(s.in, opts.stdin_data.data() + written,
                                   opts.stdin_data.size() - written);
        if (w > 0) written += static_cast<size_t>(w);
        if ((w < 0 && errno != EAGAIN && errno != EINTR) || written == opts.stdin_data.size()) {
          CloseFd(s.in);
        }
      } else if (fds[i].fd == out.fd) {
        if (out.Drain()) last_activity = Clock::now();
      } else if (fds[i].fd == err.fd) {
        if (err.Drain()) last_activity = Clock::now();
      }
    }
    if (!status) {
      int st;
      if (waitpid(s.pid, &st, WNOHANG) == s.pid) {
        status = st;
        last_activity = Clock::now();
        CloseFd(s.in);
      }
    }
    auto now = Clock::now();
    if (opts.cancel && opts.cancel->load() && !term_sent) {
      res.cancelled = true;
      term_sent = true;
      term_at = now;
      kill(-s.pid, SIGTERM);
    }
    if (term_sent && !kill_sent && now - term_at >= opts.kill_grace) {
      kill_sent = true;
      kill(-s.pid, SIGKILL);
    }
    if (status && now - last_activity >= linger) break;
  }
  // A cancelled run leaves nothing behind: sweep any survivors of the group.
  if (res.cancelled) kill(-s.pid, SIGKILL);
  if (!status) {
    int st = 0;
    while (waitpid(s.pid, &st, 0) < 0 && errno == EINTR) {
    }
    status = st;
  }
  CloseFd(s.in);
  CloseFd(out.fd);
  CloseFd(err.fd);
  out.Flush();
  err.Flush();
  if (WIFEXITED(*status)) res.exit_code = WEXITSTATUS(*status);
  if (WIFSIGNALED(*status)) res.term_signal = WTERMSIG(*status);
  return res;
}

// ---- ChildProcess ----

Result<std::unique_ptr<ChildProcess>> ChildProcess::Start(const ProcessOptions& opts) {
  auto spawned = Spawn(opts, /*pipe_stderr=*/false);
  if (!spawned) return spawned.diags();
  std::unique_ptr<ChildProcess> c(new ChildProcess());
  c->pid_ = spawned->pid;
  c->stdin_fd_ = spawned->in;
  c->stdout_fd_ = spawned->out;
  c->grace_ = opts.kill_grace;
  return c;
}

ChildProcess::~ChildProcess() {
  Terminate(grace_);
  CloseFd(stdin_fd_);
  CloseFd(stdout_fd_);
}

Status ChildProcess::Write(std::string_view data) {
  std::lock_guard<std::mutex> lock(write_mu_);
  Status st;
  size_t done = 0;
  while (done < data.size()) {
    if (stdin_fd_ < 0) {
      st.Error("cannot write to process " + std::to_string(pid_), "its stdin is closed");
      return st;
    }
    ssize_t w = WriteNoSigpipe(stdin_fd_, data.data() + done, data.size() - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      st.Error("cannot write to process " + std::to_string(pid_), strerror(errno));
      return st;
    }
    done += static_cast<size_t>(w);
  }
  return st;
}

void ChildProcess::CloseStdin() {
  std::lock_guard<std::mutex> lock(write_mu_);
  CloseFd(stdin_fd_);
}

std::optional<std::string> ChildProcess::ReadLine(std::optional<std::chrono::milliseconds> timeout,
                                                  bool* timed_out) {
  if (timed_out) *timed_out = false;
  auto deadline = timeout ? Clock::now() + *timeout : Clock::time_point::max();
  while (true) {
    size_t nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return line;
    }
    if (eof_ || stdout_fd_ < 0) {
      if (buffer_.empty()) return std::nullopt;
      std::string line;
      line.swap(buffer_);
      return line;
    }
    int wait_ms = -1;
    if (timeout) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) {
        if (timed_out) *timed_out = true;
        return std::nullopt;
      }
      wait_ms = static_cast<int>(left.count());
    }
    pollfd p{stdout_fd_, POLLIN, 0};
    int pr = poll(&p, 1, wait_ms);
    if (pr < 0 && errno == EINTR) continue;
    if (pr == 0) continue;  // Deadline is re-checked above.
    char buf[65536];
    ssize_t r = ::read(stdout_fd_, buf, sizeof buf);
    if (r > 0) {
      buffer_.append(buf, static_cast<size_t>(r));
    } else if (r < 0 && (errno == EINTR || errno == EAGAIN)) {
      continue;
    } else {
      eof_ = true;
    }
  }
}

std::optional<int> ChildProcess::TryWait() {
  std::lock_guard<std::mutex> lock(wait_mu_);
  if (status_) return status_;
  int st;
  pid_t r = waitpid(pid_, &st, WNOHANG);
  if (r == pid_) status_ = st;
  if (r < 0 && errno == ECHILD) status_ = 0;  // Reaped elsewhere; nothing left to wait for.
  return status_;
}

int ChildProcess::Wait() {
  while (true) {
    if (auto st = TryWait()) return *st;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

int ChildProcess::Terminate(std::chrono::milliseconds grace) {
  CloseStdin();
  auto wait_for = [&](std::chrono::milliseconds d) -> std::optional<int> {
    auto until = Clock::now() + d;
    while (true) {
      if (auto st = TryWait()) return st;
      if (Clock::now() >= until) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  };
  if (auto st = wait_for(grace)) return *st;
  kill(-pid_, SIGTERM);
  if (auto st = wait_for(grace)) return *st;
  kill(-pid_, SIGKILL);
  return Wait();
}

}  // namespace capstan
