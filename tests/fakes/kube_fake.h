// Starts the fake kube-apiserver (tests/fakes/kube_apiserver/) for one test and stops it.
//
/// The Kubernetes tests need an API server that both capstan and the real kubectl talk to.
/// KubeFake runs tests/fakes/kube_apiserver/fake_apiserver.py with /usr/bin/python3 (the
/// Debian interpreter, not whatever python3 comes first on PATH) on a free 127.0.0.1 port in a
/// temporary directory, waits until GET /version answers, writes a kubeconfig pointing at it, and
/// stops the process by its pid in the destructor. Kubectl() runs the real kubectl against it with
/// a private discovery cache. Header-only and dependency-free (raw sockets, fork/exec), so any test
/// binary can include it.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace capstan::testing {

/// The real kubectl when present (tests that need it skip cleanly otherwise).
inline std::string KubectlPath() {
  for (const char* p : {"/usr/bin/kubectl", "/usr/local/bin/kubectl"}) {
    if (access(p, X_OK) == 0) return p;
  }
  return "";
}

struct CommandResult {
  int exit_code = -1;
  std::string out;  ///< stdout and stderr together.
};

/// Runs `cmd` through /bin/sh, capturing stdout and stderr.
inline CommandResult RunShell(const std::string& cmd) {
  CommandResult r;
  FILE* p = popen(("(" + cmd + ") 2>&1").c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int st = pclose(p);
  r.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

/// Single-quotes `s` for /bin/sh.
inline std::string ShellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

class KubeFake {
 public:
  struct Tls {};

  /// `extra_args` go to fake_apiserver.py (e.g. "--ready-after 1").
  explicit KubeFake(std::vector<std::string> extra_args = {}) { Start(extra_args, false); }
  /// HTTPS with client-certificate authentication.
  explicit KubeFake(Tls, std::vector<std::string> extra_args = {}) { Start(extra_args, true); }

  ~KubeFake() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  KubeFake(const KubeFake&) = delete;
  KubeFake& operator=(const KubeFake&) = delete;

  bool ok() const { return port_ > 0; }
  int port() const { return port_; }
  std::string server() const {
    return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
  }
  const std::string& dir() const { return dir_; }
  std::string kubeconfig_path() const { return dir_ + "/kubeconfig"; }
  std::string kubeconfig() const { return kubeconfig_; }
  /// The fake's stdout/stderr, for failure messages.
  std::string log() const {
    std::ifstream in(dir_ + "/fake.log");
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }

  /// Runs the real kubectl with this kubeconfig and a private discovery cache; `args` is
  /// shell text (quote it with ShellQuote where needed).
  CommandResult Kubectl(const std::string& args) const {
    return RunShell(KubectlPath() + " --kubeconfig " + ShellQuote(kubeconfig_path()) +
                    " --cache-dir " + ShellQuote(dir_ + "/kube-cache") + " " + args);
  }

 private:
  /// CA, server certificate for IP 127.0.0.1 and client certificate O=system:masters.
  bool MakeCerts(const std::string& d) const {
    std::string q = ShellQuote(d);
    std::string script =
        "set -e; cd " + q +
        "; openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 "
        "-subj /CN=fake-ca; "
        "openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr "
        "-subj /CN=fake-apiserver; "
        "printf 'subjectAltName=IP:127.0.0.1\\nextendedKeyUsage=serverAuth\\n' > server.ext; "
        "openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial "
        "-out server.crt -days 2 -extfile server.ext; "
        "openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr "
        "-subj /O=system:masters/CN=capstan; "
        "printf 'extendedKeyUsage=clientAuth\\n' > client.ext; "
        "openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial "
        "-out client.crt -days 2 -extfile client.ext";
    return RunShell(script).exit_code == 0;
  }

  void Start(std::vector<std::string> extra_args, bool tls) {
    tls_ = tls;
    std::string tmpl = (std::filesystem::temp_directory_path() / "capstan-kube-XXXXXX").string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    dir_ = mkdtemp(buf.data());
    std::string script =
        std::string(CAPSTAN_SOURCE_DIR) + "/tests/fakes/kube_apiserver/fake_apiserver.py";
    std::string port_file = dir_ + "/port";
    std::vector<std::string> args = {"/usr/bin/python3",
                                     script,
                                     "--port",
                                     "0",
                                     "--port-file",
                                     port_file,
                                     "--log",
                                     dir_ + "/requests.jsonl",
                                     "--ready-after",
                                     "1",
                                     "--finalize-after",
                                     "0.5"};
    if (tls_) {
      std::string certs = dir_ + "/tls";
      std::filesystem::create_directories(certs);
      if (!MakeCerts(certs)) return;
      args.push_back("--tls");
      args.push_back(certs);
    }
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    pid_ = fork();
    if (pid_ == 0) {
      int out = open((dir_ + "/fake.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (out >= 0) {
        dup2(out, 1);
        dup2(out, 2);
      }
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      std::ifstream in(port_file);
      if (in >> port_ && port_ > 0 && VersionAnswers()) break;
      port_ = 0;
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (port_ > 0) WriteKubeconfig();
  }

  bool VersionAnswers() const {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port_));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = false;
    bool connected = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    if (connected && tls_) {
      ok = true;  // the port file is written after listen(); no TLS client here to probe
    } else if (connected) {
      const char req[] = "GET /version HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
      if (write(fd, req, sizeof req - 1) == static_cast<ssize_t>(sizeof req - 1)) {
        char buf[64] = {0};
        ssize_t n = read(fd, buf, sizeof buf - 1);
        ok = n > 12 && std::strncmp(buf, "HTTP/1.1 200", 12) == 0;
      }
    }
    close(fd);
    return ok;
  }

  std::string Base64Of(const std::string& file) const {
    std::string out = RunShell("base64 -w0 " + ShellQuote(file)).out;
    while (!out.empty() && isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
    return out;
  }

  void WriteKubeconfig() {
    std::string cluster_extra, user = "{}";
    if (tls_) {
      std::string t = dir_ + "/tls/";
      cluster_extra = "\n    certificate-authority-data: " + Base64Of(t + "ca.crt");
      user = "\n    client-certificate-data: " + Base64Of(t + "client.crt") +
             "\n    client-key-data: " + Base64Of(t + "client.key");
    }
    kubeconfig_ =
        "apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster:\n    server: " +
        server() + cluster_extra +
        "\ncontexts:\n- name: fake\n  context: {cluster: fake, user: capstan}\nusers:\n"
        "- name: capstan\n  user: " +
        user + "\ncurrent-context: fake\n";
    std::ofstream(kubeconfig_path()) << kubeconfig_;
  }

  std::string dir_;
  pid_t pid_ = -1;
  int port_ = 0;
  bool tls_ = false;
  std::string kubeconfig_;
};

}  // namespace capstan::testing
