// The ssh transport against a real sshd on 127.0.0.1 (label `kube`; no fakes involved).
//
/// Covers what the transport promises: uploads keep mode and content, output is streamed
/// and captured, failures quote stderr, the host key is pinned on first use and a changed
/// key is refused naming both fingerprints, a port forward reaches a server that listens
/// on the host's loopback only, and the private key never shows on any command line (its
/// temporary file is 0600 and gone once the control master is up).
#include "providers/host/ssh_transport.h"

#include <dirent.h>
#include <sys/stat.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

#include "providers/host/host_keys.h"
#include "tests/providers/host/sshd_fixture.h"

namespace capstan::host {
namespace {

using testing::ReadFile;
using testing::SshdFixture;
using testing::TempDir;

SshConfig ConfigFor(const SshdFixture& sshd) {
  SshConfig c;
  c.address = "127.0.0.1";
  c.port = sshd.port();
  c.user = sshd.user();
  c.private_key = sshd.client_key();
  return c;
}

#define REQUIRE_SSHD(sshd)                                       \
  if (!testing::HaveSshd()) {                                    \
    WARN("no /usr/sbin/sshd (package openssh-server); skipped"); \
    return;                                                      \
  }                                                              \
  SshdFixture sshd;                                              \
  INFO(sshd.log());                                              \
  REQUIRE(sshd.ok())

TEST_CASE("ssh transport: upload keeps mode and content", "[kube]") {
  REQUIRE_SSHD(sshd);
  auto t = NewSshTransport(ConfigFor(sshd));
  TempDir dir;
  REQUIRE_FALSE(t->Upload(dir / "secret.txt", "line one\nline two\n", 0640).HasErrors());
  struct stat sb;
  REQUIRE(stat((dir / "secret.txt").c_str(), &sb) == 0);
  CHECK((sb.st_mode & 07777) == 0640);
  CHECK(ReadFile(dir / "secret.txt") == "line one\nline two\n");

  testing::WriteFile(dir / "tool.sh", "#!/bin/sh\necho tool\n");
  chmod((dir / "tool.sh").c_str(), 0751);
  REQUIRE_FALSE(UploadFile(*t, dir / "tool.sh", dir / "copy.sh").HasErrors());
  REQUIRE(stat((dir / "copy.sh").c_str(), &sb) == 0);
  CHECK((sb.st_mode & 07777) == 0751);
  auto ran = t->Run({{dir / "copy.sh"}, {}, ""}, {});
  REQUIRE(ran.ok());
  CHECK(ran->out == "tool\n");
}

TEST_CASE("ssh transport: output lines are streamed and captured, env and stdin arrive", "[kube]") {
  REQUIRE_SSHD(sshd);
  auto t = NewSshTransport(ConfigFor(sshd));
  std::vector<std::string> lines;
  RunOptions o;
  o.on_line = [&](const std::string& l, bool err) { lines.push_back((err ? "E:" : "O:") + l); };
  Command cmd{{"sh", "-c", "echo one; echo two >&2; echo \"$GREETING\"; cat"},
              {{"GREETING", "it's three"}},
              "from stdin\n"};
  auto ran = t->Run(cmd, o);
  REQUIRE(ran.ok());
  CHECK(ran->exit_code == 0);
  CHECK(ran->out == "one\nit's three\nfrom stdin\n");
  CHECK(ran->err == "two\n");
  CHECK(std::count(lines.begin(), lines.end(), "O:one") == 1);
  CHECK(std::count(lines.begin(), lines.end(), "E:two") == 1);
  CHECK(std::count(lines.begin(), lines.end(), "O:from stdin") == 1);
}

TEST_CASE("ssh transport: a failing command's error carries its stderr", "[kube]") {
  REQUIRE_SSHD(sshd);
  auto t = NewSshTransport(ConfigFor(sshd));
  auto ran = RunChecked(*t, {{"sh", "-c", "echo all good; echo disk on fire >&2; exit 3"}, {}, ""},
                        {}, "the test command");
  REQUIRE_FALSE(ran.ok());
  std::string msg = ran.diags().ToString();
  CHECK(msg.find("the test command failed on ssh " + sshd.user() +
                 "@127.0.0.1:" + std::to_string(sshd.port())) != std::string::npos);
  CHECK(msg.find("exited with status 3") != std::string::npos);
  CHECK(msg.find("disk on fire") != std::string::npos);

  auto missing = RunChecked(*t, {{"no-such-tool-xyz"}, {}, ""}, {}, "the missing tool");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.diags().ToString().find("install it on the host") != std::string::npos);
}

TEST_CASE("ssh transport: the host key is pinned on first use, a changed key is refused",
          "[kube]") {
  REQUIRE_SSHD(sshd);
  std::string first_key, first_fp = sshd.host_fingerprint();
  {
    auto t = NewSshTransport(ConfigFor(sshd));
    auto key = t->HostKey();
    REQUIRE(key.ok());
    first_key = *key;
    CHECK(first_key == sshd.host_key());
    CHECK(Fingerprint(ParseHostKey(first_key)) == first_fp);
  }
  // Pinned and unchanged: connects.
  SshConfig pinned = ConfigFor(sshd);
  pinned.pinned_key = first_key;
  REQUIRE(NewSshTransport(pinned)->Run({{"true"}, {}, ""}, {}).ok());

  REQUIRE(sshd.Restart(/*new_host_key=*/true));
  std::string second_fp = sshd.host_fingerprint();
  REQUIRE(second_fp != first_fp);
  auto ran = NewSshTransport(pinned)->Run({{"true"}, {}, ""}, {});
  REQUIRE_FALSE(ran.ok());
  std::string msg = ran.diags().ToString();
  CHECK(msg.find("127.0.0.1:" + std::to_string(sshd.port())) != std::string::npos);
  CHECK(msg.find("has changed") != std::string::npos);
  CHECK(msg.find(first_fp) != std::string::npos);
  CHECK(msg.find(second_fp) != std::string::npos);
}

/// Serves one canned HTTP answer to every connection on 127.0.0.1 until stopped.
class TinyHttpServer {
 public:
  TinyHttpServer() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    listen(fd_, 8);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] {
      while (true) {
        int c = accept(fd_, nullptr, nullptr);
        if (c < 0 || stop_) {
          if (c >= 0) close(c);
          return;
        }
        char buf[1024];
        (void)read(c, buf, sizeof buf);
        const char reply[] = "HTTP/1.0 200 OK\r\nContent-Length: 17\r\n\r\nhello through ssh";
        (void)write(c, reply, sizeof reply - 1);
        close(c);
      }
    });
  }
  ~TinyHttpServer() {
    stop_ = true;
    testing::PortAnswers(port_);  // Wakes accept().
    thread_.join();
    close(fd_);
  }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

std::string HttpGet(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string got;
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
    const char req[] = "GET / HTTP/1.0\r\n\r\n";
    (void)write(fd, req, sizeof req - 1);
    char buf[512];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) got.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return got;
}

TEST_CASE("ssh transport: a port forward reaches a server on the host's loopback", "[kube]") {
  REQUIRE_SSHD(sshd);
  TinyHttpServer http;
  auto t = NewSshTransport(ConfigFor(sshd));
  auto fwd = t->Forward(0, "127.0.0.1", http.port());
  REQUIRE(fwd.ok());
  int port = (*fwd)->local_port();
  CHECK(port != http.port());
  std::string got = HttpGet(port);
  CHECK(got.find("200 OK") != std::string::npos);
  CHECK(got.find("hello through ssh") != std::string::npos);
  fwd->reset();  // Closing the forward frees the port.
  CHECK_FALSE(testing::PortAnswers(port));
}

/// Every process's argv right now, NUL bytes turned into spaces.
std::vector<std::string> AllCommandLines() {
  std::vector<std::string> out;
  DIR* d = opendir("/proc");
  if (d == nullptr) return out;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    std::string cl = ReadFile(std::string("/proc/") + e->d_name + "/cmdline");
    for (char& c : cl) c = c == '\0' ? ' ' : c;
    out.push_back(cl);
  }
  closedir(d);
  return out;
}

TEST_CASE("ssh transport: the private key never appears in argv, its file is 0600 and removed",
          "[kube]") {
  REQUIRE_SSHD(sshd);
  SshConfig c = ConfigFor(sshd);
  // A distinctive piece of the key body, and the secret a command gets on stdin.
  std::string key = c.private_key;
  std::string marker = key.substr(key.find('\n') + 1, 40);
  const std::string secret = "s3cr3t-on-stdin-0123456789";
  std::string key_file;
  int key_mode = -1, dir_mode = -1;
  c.on_key_file = [&](const std::string& path) {
    key_file = path;
    struct stat sb;
    if (stat(path.c_str(), &sb) == 0) key_mode = sb.st_mode & 07777;
    std::string dir = path.substr(0, path.rfind('/'));
    if (stat(dir.c_str(), &sb) == 0) dir_mode = sb.st_mode & 07777;
  };

  std::atomic<bool> done{false};
  std::atomic<int> scans{0};
  std::string leak;
  std::thread scanner([&] {
    while (!done) {
      for (const auto& cl : AllCommandLines()) {
        if (cl.find(marker) != std::string::npos || cl.find(secret) != std::string::npos) {
          leak = cl;
        }
      }
      ++scans;
    }
  });
  auto t = NewSshTransport(c);
  for (int i = 0; i < 5; ++i) {
    auto ran = t->Run({{"sh", "-c", "cat >/dev/null; sleep 0.1"}, {}, secret + "\n"}, {});
    REQUIRE(ran.ok());
    CHECK(ran->exit_code == 0);
  }
  TempDir dir;
  REQUIRE_FALSE(t->Upload(dir / "k", key, 0600).HasErrors());
  done = true;
  scanner.join();
  CHECK(scans > 0);
  CHECK(leak.empty());
  REQUIRE_FALSE(key_file.empty());
  CHECK(key_mode == 0600);
  CHECK(dir_mode == 0700);
  CHECK_FALSE(std::filesystem::exists(key_file));  // Removed once the master is up.
  CHECK(ReadFile(dir / "k") == key);
}

}  // namespace
}  // namespace capstan::host
