// The transport helpers every resource type uses, and the local transport.
//
/// The local transport runs programs with providers/subprocess (no shell) and writes files
/// with the mode set at open time, so a secret file is never readable by others, not even
/// for an instant. Its environment's PATH is honoured when looking up a program (the
/// parent's PATH is not what the host was configured with), which is how tests put their
/// stub kind/helm/clusterctl first.
#include "providers/host/transport.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "providers/subprocess.h"

namespace capstan::host {

std::string ShellQuote(std::string_view s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

Result<CommandResult> RunProcessFor(ProcessOptions p, const Command& cmd, const RunOptions& opts) {
  p.stdin_data = cmd.stdin_data;
  p.cancel = opts.cancel;
  if (opts.on_line) {
    p.on_stdout_line = [&opts](const std::string& l) { opts.on_line(l, false); };
    p.on_stderr_line = [&opts](const std::string& l) { opts.on_line(l, true); };
  }
  auto res = RunProcess(p);
  if (!res) return res.diags();
  CommandResult r;
  r.exit_code = res->exit_code;
  r.cancelled = res->cancelled;
  r.out = std::move(res->out);
  r.err = std::move(res->err);
  r.how = res->Describe();
  return r;
}

Result<CommandResult> RunChecked(Transport& t, const Command& cmd, const RunOptions& opts,
                                 const std::string& what) {
  auto ran = t.Run(cmd, opts);
  if (!ran) {
    Diagnostics d;
    for (const auto& item : ran.diags().items()) {
      d.Error(what + " failed on " + t.Name() + ": " + item.summary, item.detail);
    }
    return d;
  }
  if (ran->success()) return ran;
  std::string detail = "The command `" + (cmd.argv.empty() ? "" : cmd.argv[0]) + "` " + ran->how +
                       " on " + t.Name() + ".";
  if (ran->cancelled) detail += " It was cancelled.";
  std::string tail = LastLines(ran->err.empty() ? ran->out : ran->err, 20);
  if (!tail.empty()) detail += "\nLast lines of its output:\n" + tail;
  if (ran->exit_code == 127 && !cmd.argv.empty()) {
    detail += "\nExit status 127 means the shell did not find `" + cmd.argv[0] +
              "`: install it on the host or add its directory to the host's env.PATH.";
  }
  return Result<CommandResult>::Fail(what + " failed on " + t.Name() + ": " + ran->how, detail);
}

Status UploadFile(Transport& t, const std::string& local_path, const std::string& remote_path) {
  Status st;
  struct stat sb;
  if (stat(local_path.c_str(), &sb) != 0) {
    st.Error("cannot upload " + local_path, strerror(errno));
    return st;
  }
  std::ifstream in(local_path, std::ios::binary);
  std::ostringstream buf;
  buf << in.rdbuf();
  if (!in.good() && !in.eof()) {
    st.Error("cannot read " + local_path);
    return st;
  }
  return t.Upload(remote_path, buf.str(), static_cast<int>(sb.st_mode & 07777));
}

namespace {

/// `name` found on the colon-separated `path` ("" when not there); a name with a slash as is.
std::string LookUp(const std::string& name, const std::string& path) {
  if (name.find('/') != std::string::npos) return name;
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

class NoForward : public PortForward {
 public:
  explicit NoForward(int port) : port_(port) {}
  int local_port() const override { return port_; }

 private:
  int port_;
};

class LocalTransport : public Transport {
 public:
  explicit LocalTransport(std::map<std::string, std::string> env) : env_(std::move(env)) {}

  std::string Name() const override { return "local"; }

  Result<CommandResult> Run(const Command& cmd, const RunOptions& opts) override {
    ProcessOptions p;
    p.argv = cmd.argv;
    p.env = env_;
    for (const auto& [k, v] : cmd.env) p.env[k] = v;
    auto path = p.env.find("PATH");
    if (!p.argv.empty() && path != p.env.end()) {
      std::string found = LookUp(p.argv[0], path->second);
      if (found.empty()) {
        return Result<CommandResult>::Fail("cannot start " + p.argv[0],
                                           "Not found on the host's PATH (" + path->second +
                                               "): install it or fix env.PATH of the host.");
      }
      p.argv[0] = found;
    }
    return RunProcessFor(std::move(p), cmd, opts);
  }

  Status Upload(const std::string& path, std::string_view content, int mode) override {
    Status st;
    std::string tmp = path + ".capstan-tmp";
    ::unlink(tmp.c_str());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode & 0700);
    if (fd < 0) {
      st.Error("cannot write " + path + " on local host", strerror(errno));
      return st;
    }
    size_t done = 0;
    while (done < content.size()) {
      ssize_t w = ::write(fd, content.data() + done, content.size() - done);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) break;
      done += static_cast<size_t>(w);
    }
    bool ok = done == content.size() && ::fchmod(fd, static_cast<mode_t>(mode)) == 0;
    ok = ::close(fd) == 0 && ok;
    if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
      st.Error("cannot write " + path + " on local host", strerror(errno));
      ::unlink(tmp.c_str());
    }
    return st;
  }

  Result<std::unique_ptr<PortForward>> Forward(int, const std::string&, int remote_port) override {
    return std::unique_ptr<PortForward>(std::make_unique<NoForward>(remote_port));
  }

  Result<std::string> HostKey() override { return std::string(); }

 private:
  std::map<std::string, std::string> env_;
};

}  // namespace

std::unique_ptr<Transport> NewLocalTransport(std::map<std::string, std::string> env) {
  return std::make_unique<LocalTransport>(std::move(env));
}

}  // namespace capstan::host
