// A request that reached the server but whose answer was lost: the HTTP client must not
// repeat a POST blindly, must say the outcome is unknown, and may repeat a POST marked
// repeatable (the token request). The fault proxy's `reset_after` in miniature.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <string>
#include <thread>

#include "providers/openstack/http.h"

namespace capstan::openstack {
namespace {

/// A raw TCP server on 127.0.0.1: reads each request in full, then closes the connection
/// without answering for the first `drop` requests and answers 201 afterwards.
class LosingServer {
 public:
  explicit LosingServer(int drop) : drop_(drop) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port_ = ntohs(addr.sin_port);
    REQUIRE(::listen(fd_, 8) == 0);
    thread_ = std::thread([this] { Serve(); });
  }
  ~LosingServer() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int received() const { return received_; }

 private:
  void Serve() {
    while (!stop_) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string req;
      char buf[4096];
      while (req.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = ::read(c, buf, sizeof buf);
        if (n <= 0) break;
        req.append(buf, static_cast<size_t>(n));
      }
      size_t head = req.find("\r\n\r\n");
      size_t cl = req.find("Content-Length: ");
      if (head != std::string::npos && cl != std::string::npos) {
        size_t want = head + 4 + std::stoul(req.substr(cl + 16));
        while (req.size() < want) {
          ssize_t n = ::read(c, buf, sizeof buf);
          if (n <= 0) break;
          req.append(buf, static_cast<size_t>(n));
        }
      }
      ++received_;
      if (received_ > drop_) {
        std::string body = R"({"ok": true})";
        std::string resp =
            "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n"
            "Connection: close\r\nContent-Length: " +
            std::to_string(body.size()) + "\r\n\r\n" + body;
        ssize_t w = ::write(c, resp.data(), resp.size());
        (void)w;
      }
      ::close(c);
    }
  }

  int fd_ = -1;
  int port_ = 0;
  int drop_;
  std::atomic<int> received_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

HttpClient Client() {
  HttpOptions o;
  o.max_retries = 3;
  o.base_backoff_ms = 1;
  HttpHooks h;
  h.sleep = [](std::chrono::milliseconds, const std::atomic<bool>*) { return true; };
  return HttpClient(o, h);
}

TEST_CASE("A POST whose answer was lost is not repeated and is reported as outcome unknown",
          "[http][faults]") {
  LosingServer s(1);
  HttpClient client = Client();
  auto r = client.Send({"POST", s.Url("/v2.0/networks"), {}, R"({"network": {}})"});
  REQUIRE_FALSE(r.ok());
  CHECK(s.received() == 1);  // the server got it once: no blind second create
  CHECK(OutcomeUnknown(r.diags()));
  CHECK_THAT(r.diags().ToString(), Catch::Contains("outcome is unknown"));
}

TEST_CASE("A repeatable POST whose answer was lost is sent again", "[http][faults]") {
  LosingServer s(1);
  HttpClient client = Client();
  HttpRequest req{"POST", s.Url("/v3/auth/tokens"), {}, "{}"};
  req.repeatable = true;
  auto r = client.Send(req);
  INFO(r.diags().ToString());
  REQUIRE(r.ok());
  CHECK(r->status == 201);
  CHECK(s.received() == 2);
}

TEST_CASE("A GET whose answer was lost is repeated and a definite 4xx is not outcome unknown",
          "[http][faults]") {
  LosingServer s(2);
  HttpClient client = Client();
  auto r = client.Send({"GET", s.Url("/v2.0/networks")});
  INFO(r.diags().ToString());
  REQUIRE(r.ok());
  CHECK(s.received() == 3);

  Diagnostics bad;
  bad.Error("POST /v2.0/networks: HTTP 400 Bad Request", "Invalid input");
  CHECK_FALSE(OutcomeUnknown(bad));
  Diagnostics busy;
  busy.Error("POST /v2.0/networks: HTTP 503 Service Unavailable", "Gave up after 6 attempts.");
  CHECK(OutcomeUnknown(busy));
}

}  // namespace
}  // namespace capstan::openstack
