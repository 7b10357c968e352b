// A real OpenSSH server on 127.0.0.1 for one test (the ssh transport's test bed).
//
/// The ssh transport is only worth testing against the real thing: host key checks,
/// control masters and forwards are ssh's behaviour, not ours. SshdFixture runs
/// /usr/sbin/sshd (Debian package openssh-server) in the foreground as a child on a free
/// high port, with its own freshly generated host key, an AuthorizedKeysFile in its
/// temporary directory holding a fresh client key, no PAM and `StrictModes no`, logging
/// to a file; the login user is the current user (root needs PermitRootLogin
/// prohibit-password). Restart(true) brings it back on the same port with a new host key.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "providers/host/ssh_transport.h"
#include "tests/fakes/kube_fake.h"
#include "tests/providers/temp_dir.h"

namespace capstan::testing {

inline bool HaveSshd() { return access("/usr/sbin/sshd", X_OK) == 0; }

inline bool PortAnswers(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(fd);
  return ok;
}

class SshdFixture {
 public:
  SshdFixture() {
    port_ = host::FreeLocalPort();
    user_ = getpwuid(getuid())->pw_name;
    std::string d = ShellQuote(dir_.path());
    RunShell("ssh-keygen -q -t ed25519 -N '' -C capstan-test -f " + d + "/client_key");
    RunShell("cp " + d + "/client_key.pub " + d + "/authorized_keys");
    ::mkdir("/run/sshd", 0755);  // sshd's privilege separation directory (root only).
    Start(true);
  }
  ~SshdFixture() { Stop(); }

  bool ok() const { return running_; }
  int port() const { return port_; }
  const std::string& user() const { return user_; }
  std::string dir() const { return dir_.path(); }
  std::string client_key() const { return ReadFile(dir_ / "client_key"); }
  /// "ssh-ed25519 AAAA…" of the current host key.
  std::string host_key() const {
    std::string pub = ReadFile(dir_ / "host_key.pub");
    return pub.substr(0, pub.find(' ', pub.find(' ') + 1));
  }
  /// The fingerprint as ssh-keygen prints it ("SHA256:…").
  std::string host_fingerprint() const {
    std::string out = RunShell("ssh-keygen -l -f " + ShellQuote(dir_ / "host_key.pub")).out;
    size_t b = out.find(' ') + 1;
    return out.substr(b, out.find(' ', b) - b);
  }
  std::string log() const { return ReadFile(dir_ / "sshd.log"); }

  /// Stops sshd and starts it again on the same port (with a new host key if asked).
  bool Restart(bool new_host_key) {
    Stop();
    return Start(new_host_key);
  }

 private:
  bool Start(bool new_host_key) {
    std::string d = dir_.path();
    if (new_host_key) {
      std::filesystem::remove(d + "/host_key");
      std::filesystem::remove(d + "/host_key.pub");
      RunShell("ssh-keygen -q -t ed25519 -N '' -C host -f " + ShellQuote(d + "/host_key"));
    }
    WriteFile(d + "/sshd_config",
              "Port " + std::to_string(port_) + "\nListenAddress 127.0.0.1\nHostKey " + d +
                  "/host_key\nAuthorizedKeysFile " + d +
                  "/authorized_keys\nUsePAM no\nStrictModes no\n"
                  "PermitRootLogin prohibit-password\nPasswordAuthentication no\n"
                  "KbdInteractiveAuthentication no\nAllowTcpForwarding yes\nPidFile none\n"
                  "MaxSessions 50\nMaxStartups 50\n");
    pid_ = fork();
    if (pid_ == 0) {
      std::string cfg = d + "/sshd_config", log = d + "/sshd.log";
      execl("/usr/sbin/sshd", "/usr/sbin/sshd", "-D", "-f", cfg.c_str(), "-E", log.c_str(), "-o",
            "UsePAM=no", static_cast<char*>(nullptr));
      _exit(127);
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      if (PortAnswers(port_)) return running_ = true;
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return running_ = false;
  }

  void Stop() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
    running_ = false;
  }

  TempDir dir_;
  int port_ = 0;
  pid_t pid_ = -1;
  bool running_ = false;
  std::string user_;
};

}  // namespace capstan::testing
