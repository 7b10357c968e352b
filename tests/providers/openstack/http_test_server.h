// ScriptedServer: a cpp-httplib server on 127.0.0.1 for HTTP client tests.
//
/// Each test registers its handlers (the "script"), then Start() binds a random port and
/// serves from a background thread; the destructor stops it. Handlers call Note(req) so
/// tests can count requests (retries) and compare client ports (connection reuse).
#pragma once

#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace capstan::openstack::testing {

class ScriptedServer {
 public:
  ScriptedServer() = default;
  ~ScriptedServer() {
    server.stop();
    if (thread_.joinable()) thread_.join();
  }

  void Start() {
    port_ = server.bind_to_any_port("127.0.0.1");
    REQUIRE(port_ > 0);
    thread_ = std::thread([this] { server.listen_after_bind(); });
    for (int i = 0; i < 500 && !server.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    REQUIRE(server.is_running());
  }

  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int port() const { return port_; }

  /// Handlers call this to count the request and remember its client port.
  void Note(const httplib::Request& req) {
    std::lock_guard<std::mutex> lock(mu_);
    ports_.push_back(req.remote_port);
  }
  int hits() {
    std::lock_guard<std::mutex> lock(mu_);
    return static_cast<int>(ports_.size());
  }
  /// Client ports of the noted requests, in order.
  std::vector<int> ClientPorts() {
    std::lock_guard<std::mutex> lock(mu_);
    return ports_;
  }

  httplib::Server server;

 private:
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::vector<int> ports_;
};

/// A 127.0.0.1 port that refuses connections: bound but never listening, so no other
/// process can take it while the test runs.
class ClosedPort {
 public:
  ClosedPort() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port_ = ntohs(addr.sin_port);
  }
  ~ClosedPort() { ::close(fd_); }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace capstan::openstack::testing
