// SshTransport (see ssh_transport.h): control master, TOFU host keys, uploads, forwards.
#include "providers/host/ssh_transport.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>

#include "providers/host/host_keys.h"
#include "providers/subprocess.h"

namespace capstan::host {
namespace {

class SshForward : public PortForward {
 public:
  SshForward(int port, std::vector<std::string> cancel) : port_(port), cancel_(std::move(cancel)) {}
  ~SshForward() override {
    ProcessOptions p;
    p.argv = cancel_;
    (void)RunProcess(p);
  }
  int local_port() const override { return port_; }

 private:
  int port_;
  std::vector<std::string> cancel_;
};

class SshTransport : public Transport {
 public:
  explicit SshTransport(SshConfig c) : c_(std::move(c)) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "capstan-ssh-XXXXXX").string();
    if (mkdtemp(tmpl.data()) != nullptr) dir_ = tmpl;  // mkdtemp makes it 0700.
    pinned_ = ParseHostKey(c_.pinned_key);
  }

  ~SshTransport() override {
    if (master_up_) (void)Ssh({"-O", "exit", c_.address});
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }

  std::string Name() const override {
    std::string who = c_.user.empty() ? "" : c_.user + "@";
    return "ssh " + who + c_.address + ":" + std::to_string(c_.port);
  }

  Result<CommandResult> Run(const Command& cmd, const RunOptions& opts) override {
    Status up = EnsureMaster();
    if (up.HasErrors()) return up;
    std::string remote;
    std::map<std::string, std::string> env = c_.env;
    for (const auto& [k, v] : cmd.env) env[k] = v;
    if (!env.empty()) remote = "env";
    for (const auto& [k, v] : env) remote += " " + ShellQuote(k + "=" + v);
    for (const auto& a : cmd.argv) remote += (remote.empty() ? "" : " ") + ShellQuote(a);
    ProcessOptions p;
    p.argv = Base();
    for (const char* a : {"-o", "ControlMaster=no", "-T"}) p.argv.push_back(a);
    p.argv.push_back(c_.address);
    p.argv.push_back(remote);
    return RunProcessFor(std::move(p), cmd, opts);
  }

  Status Upload(const std::string& path, std::string_view content, int mode) override {
    char octal[8];
    snprintf(octal, sizeof octal, "%o", mode & 07777);
    Command cmd;
    cmd.argv = {"sh", "-c",
                std::string("umask 077 && rm -f \"$1.capstan-tmp\" && cat > \"$1.capstan-tmp\" && "
                            "chmod ") +
                    octal + " \"$1.capstan-tmp\" && mv -f \"$1.capstan-tmp\" \"$1\"",
                "sh", path};
    cmd.stdin_data = std::string(content);
    auto ran = RunChecked(*this, cmd, {}, "upload of " + path);
    return ran.ok() ? Status() : ran.diags();
  }

  Result<std::unique_ptr<PortForward>> Forward(int local_port, const std::string& remote_host,
                                               int remote_port) override {
    Status up = EnsureMaster();
    if (up.HasErrors()) return up;
    int port = local_port > 0 ? local_port : FreeLocalPort();
    std::string spec =
        "127.0.0.1:" + std::to_string(port) + ":" + remote_host + ":" + std::to_string(remote_port);
    auto res = Ssh({"-O", "forward", "-L", spec, c_.address});
    if (!res) return res.diags();
    if (!res->success()) {
      return Result<std::unique_ptr<PortForward>>::Fail(
          "cannot forward 127.0.0.1:" + std::to_string(port) + " to " + remote_host + ":" +
              std::to_string(remote_port) + " through " + Name(),
          LastLines(res->err, 10) + "\nIs the local port in use? Choose another one.");
    }
    std::vector<std::string> cancel = Base();
    for (const auto& a :
         {std::string("-O"), std::string("cancel"), std::string("-L"), spec, c_.address}) {
      cancel.push_back(a);
    }
    return std::unique_ptr<PortForward>(std::make_unique<SshForward>(port, std::move(cancel)));
  }

  Result<std::string> HostKey() override {
    Status up = EnsureMaster();
    if (up.HasErrors()) return up;
    return pinned_.ToString();
  }

 private:
  std::vector<std::string> Base() const {
    std::vector<std::string> a = {c_.ssh_program,
                                  "-F",
                                  "/dev/null",
                                  "-o",
                                  "BatchMode=yes",
                                  "-o",
                                  "StrictHostKeyChecking=yes",
                                  "-o",
                                  "UserKnownHostsFile=" + dir_ + "/known_hosts",
                                  "-o",
                                  "GlobalKnownHostsFile=/dev/null",
                                  "-o",
                                  "ControlPath=" + dir_ + "/cm",
                                  "-o",
                                  "ConnectTimeout=" + std::to_string(c_.connect_timeout),
                                  "-o",
                                  "ServerAliveInterval=15",
                                  "-o",
                                  "LogLevel=ERROR",
                                  "-p",
                                  std::to_string(c_.port)};
    if (!pinned_.type.empty()) {
      a.push_back("-o");
      a.push_back("HostKeyAlgorithms=" + HostKeyAlgorithms(pinned_.type));
    }
    if (!c_.user.empty()) {
      a.push_back("-l");
      a.push_back(c_.user);
    }
    return a;
  }

  Result<ProcessResult> Ssh(std::vector<std::string> args) const {
    ProcessOptions p;
    p.argv = Base();
    p.argv.insert(p.argv.end(), args.begin(), args.end());
    return RunProcess(p);
  }

  /// The key the host presents now, of the pinned type (or the preferred type).
  Result<std::vector<host::HostKey>> Scan(const std::string& types) const {
    ProcessOptions p;
    p.argv = {c_.keyscan_program,
              "-T",
              std::to_string(c_.connect_timeout),
              "-p",
              std::to_string(c_.port),
              "-t",
              types,
              c_.address};
    auto res = RunProcess(p);
    if (!res) return res.diags();
    return ParseKeyscan(res->out);
  }

  /// Trust on first use: fetch the host's key, preferring ed25519, then ECDSA, then RSA.
  Status PinOnFirstUse() {
    Status st;
    auto keys = Scan("ed25519,ecdsa,rsa");
    if (!keys) return keys.diags();
    for (const char* pref : {"ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
                             "ecdsa-sha2-nistp521", "ssh-rsa"}) {
      for (const auto& k : *keys) {
        if (pinned_.type.empty() && k.type == pref) pinned_ = k;
      }
    }
    if (pinned_.type.empty()) {
      st.Error("cannot reach " + Name(), "ssh-keyscan got no host key from " + c_.address +
                                             " port " + std::to_string(c_.port) +
                                             ". Is sshd running and the port open?");
    }
    return st;
  }

  Status WriteFile(const std::string& path, const std::string& data, int mode) const {
    Status st;
    ::unlink(path.c_str());
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    bool ok = fd >= 0 && ::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size());
    if (fd >= 0) ok = ::close(fd) == 0 && ok;
    if (!ok) st.Error("cannot write " + path, strerror(errno));
    return st;
  }

  /// Connects the control master once (and again if it went away).
  Status EnsureMaster() {
    std::lock_guard<std::mutex> lock(mu_);
    Status st;
    if (dir_.empty()) {
      st.Error("cannot create a private directory for ssh", strerror(errno));
      return st;
    }
    if (master_up_) {
      auto check = Ssh({"-O", "check", c_.address});
      if (check.ok() && check->success()) return st;
      master_up_ = false;
    }
    if (pinned_.type.empty()) {
      st = PinOnFirstUse();
      if (st.HasErrors()) return st;
    }
    st = WriteFile(dir_ + "/known_hosts",
                   KnownHostsName(c_.address, c_.port) + " " + pinned_.ToString() + "\n", 0600);
    if (st.HasErrors()) return st;
    std::vector<std::string> args = {"-o", "ControlMaster=yes", "-o", "ControlPersist=1800"};
    std::string key_file = dir_ + "/id";
    if (!c_.private_key.empty()) {
      std::string key = c_.private_key;
      if (key.back() != '\n') key += '\n';
      st = WriteFile(key_file, key, 0600);
      if (st.HasErrors()) return st;
      if (c_.on_key_file) c_.on_key_file(key_file);
      for (const auto& a :
           {std::string("-o"), std::string("IdentitiesOnly=yes"), std::string("-i"), key_file}) {
        args.push_back(a);
      }
    }
    args.push_back(c_.address);
    args.push_back("true");
    auto res = Ssh(args);
    ::unlink(key_file.c_str());
    if (res.ok() && res->success()) {
      master_up_ = true;
      return st;
    }
    if (!res.ok()) return res.diags();
    // Did the host key change? Ask the host which key it presents now.
    auto now = Scan(pinned_.type == "ssh-rsa"              ? "rsa"
                    : pinned_.type.substr(0, 5) == "ecdsa" ? "ecdsa"
                                                           : "ed25519");
    if (now.ok()) {
      for (const auto& k : *now) {
        if (k.type == pinned_.type && k.blob != pinned_.blob) {
          st.Error("host key of " + Name() + " has changed: refusing to connect",
                   "Pinned in state: " + Fingerprint(pinned_) + " (" + pinned_.type +
                       ")\nPresented now:   " + Fingerprint(k) + " (" + k.type +
                       ")\nIf the host was rebuilt on purpose, set host_key of its host.node to "
                       "the new key (or `capstan state rm` the host.node to trust it anew); "
                       "otherwise someone may be intercepting the connection.");
          return st;
        }
      }
    }
    st.Error("cannot connect to " + Name() + ": ssh " + res->Describe(), LastLines(res->err, 10));
    return st;
  }

  SshConfig c_;
  std::string dir_;
  host::HostKey pinned_;
  bool master_up_ = false;
  std::mutex mu_;
};

}  // namespace

int FreeLocalPort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  close(fd);
  return port;
}

std::unique_ptr<Transport> NewSshTransport(SshConfig config) {
  return std::make_unique<SshTransport>(std::move(config));
}

}  // namespace capstan::host
