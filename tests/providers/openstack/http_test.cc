// Tests for HttpClient against scripted HTTP servers on 127.0.0.1: success paths,
// retries, Retry-After, error reports, connection handling, cancellation, threads.
#include "providers/openstack/http.h"

#include <catch2/catch.hpp>
#include <thread>

#include "tests/providers/openstack/http_test_server.h"

namespace capstan::openstack {
namespace {

using openstack::testing::ClosedPort;
using openstack::testing::ScriptedServer;
using std::chrono::milliseconds;

/// Sleep hook that records the requested delays and returns at once.
struct SleepRecorder {
  std::mutex mu;
  std::vector<milliseconds> delays;

  HttpHooks Hooks() {
    HttpHooks h;
    h.sleep = [this](milliseconds d, const std::atomic<bool>* cancel) {
      std::lock_guard<std::mutex> lock(mu);
      delays.push_back(d);
      return !(cancel && cancel->load());
    };
    h.random = [] { return 0.5; };
    return h;
  }
};

HttpOptions Fast(int max_retries = 3) {
  HttpOptions o;
  o.max_retries = max_retries;
  o.base_backoff_ms = 10;
  o.max_backoff_ms = 10000;
  return o;
}

std::string AllText(const Diagnostics& d) { return d.ToString(); }

TEST_CASE("GET sends headers and returns status with lower-cased headers and body and request id") {
  ScriptedServer s;
  std::string seen_token, seen_accept, seen_agent, seen_micro;
  s.server.Get("/v2.0/networks", [&](const httplib::Request& req, httplib::Response& res) {
    s.Note(req);
    seen_token = req.get_header_value("X-Auth-Token");
    seen_accept = req.get_header_value("Accept");
    seen_agent = req.get_header_value("User-Agent");
    seen_micro = req.get_header_value("OpenStack-API-Version");
    res.set_header("X-OpenStack-Request-Id", "req-get-1");
    res.set_content(R"({"networks": []})", "application/json");
  });
  s.Start();
  SleepRecorder rec;
  HttpClient client(Fast(), rec.Hooks());
  HttpRequest req;
  req.url = s.Url("/v2.0/networks");
  req.headers = {{"X-Auth-Token", "tok-123"}};
  req.microversion_header = "OpenStack-API-Version: network 2.0";
  auto r = client.Send(req);
  REQUIRE(r.ok());
  CHECK(r->status == 200);
  CHECK(r->body == R"({"networks": []})");
  CHECK(r->request_id == "req-get-1");
  CHECK(r->Header("content-type") == "application/json");
  CHECK(r->headers.count("x-openstack-request-id") == 1);
  CHECK(seen_token == "tok-123");
  CHECK(seen_accept == "application/json");
  CHECK(seen_agent == "capstan");
  CHECK(seen_micro == "network 2.0");
  CHECK(s.hits() == 1);
  CHECK(rec.delays.empty());
}

TEST_CASE("POST PUT and PATCH send the body with a JSON content type and DELETE sends none") {
  ScriptedServer s;
  std::mutex mu;
  std::vector<std::string> log;
  auto record = [&](const httplib::Request& req, httplib::Response& res) {
    s.Note(req);
    std::lock_guard<std::mutex> lock(mu);
    log.push_back(req.method + " " + req.path + " [" + req.get_header_value("Content-Type") + "] " +
                  req.body);
    res.status = req.method == "DELETE" ? 204 : (req.method == "POST" ? 201 : 200);
    if (req.method != "DELETE") res.set_content(req.body, "application/json");
  };
  s.server.Post("/v2.0/networks", record);
  s.server.Put("/v2.0/networks/n1", record);
  s.server.Patch("/v2/images/i1", record);
  s.server.Delete("/v2.0/networks/n1", record);
  s.Start();
  HttpClient client(Fast());

  HttpRequest post{"POST", s.Url("/v2.0/networks"), {}, R"({"network":{"name":"a"}})"};
  auto r1 = client.Send(post);
  REQUIRE(r1.ok());
  CHECK(r1->status == 201);
  CHECK(r1->body == post.body);

  HttpRequest put{"PUT", s.Url("/v2.0/networks/n1"), {}, R"({"network":{"name":"b"}})"};
  auto r2 = client.Send(put);
  REQUIRE(r2.ok());
  CHECK(r2->status == 200);

  HttpRequest patch{"PATCH",
                    s.Url("/v2/images/i1"),
                    {{"Content-Type", "application/openstack-images-v2.1-json-patch"}},
                    R"([{"op":"add","path":"/a","value":"b"}])"};
  auto r3 = client.Send(patch);
  REQUIRE(r3.ok());

  HttpRequest del{"DELETE", s.Url("/v2.0/networks/n1")};
  auto r4 = client.Send(del);
  REQUIRE(r4.ok());
  CHECK(r4->status == 204);
  CHECK(r4->body.empty());

  REQUIRE(log.size() == 4);
  CHECK(log[0] == R"(POST /v2.0/networks [application/json] {"network":{"name":"a"}})");
  CHECK(log[1] == R"(PUT /v2.0/networks/n1 [application/json] {"network":{"name":"b"}})");
  CHECK(log[2] == R"(PATCH /v2/images/i1 [application/openstack-images-v2.1-json-patch] )"
                  R"([{"op":"add","path":"/a","value":"b"}])");
  CHECK(log[3] == "DELETE /v2.0/networks/n1 [] ");
  auto st = client.stats();
  CHECK(st.requests == 4);
  CHECK(st.retries == 0);
  CHECK(st.requests_by_method["POST"] == 1);
  CHECK(st.requests_by_method["DELETE"] == 1);
}

TEST_CASE("A 503 followed by a 200 is retried once and succeeds") {
  ScriptedServer s;
  s.server.Get("/v2.1/servers", [&](const httplib::Request& req, httplib::Response& res) {
    s.Note(req);
    if (s.hits() == 1) {
      res.status = 503;
      res.set_content("busy", "text/plain");
    } else {
      res.set_content(R"({"servers": []})", "application/json");
    }
  });
  s.Start();
  SleepRecorder rec;
  HttpClient client(Fast(), rec.Hooks());
  auto r = client.Send({"GET", s.Url("/v2.1/servers")});
  REQUIRE(r.ok());
  CHECK(r->status == 200);
  CHECK(s.hits() == 2);
  CHECK(rec.delays.size() == 1);
  auto st = client.stats();
  CHECK(st.requests == 2);
  CHECK(st.retries == 1);
  CHECK(st.requests_by_method["GET"] == 2);
}

TEST_CASE("A 429 with Retry-After in seconds waits exactly the delay the server asked for") {
  ScriptedServer s;
  s.server.Get("/limited", [&](const httplib::Request& req, httplib::Response& res) {
    s.Note(req);
    if (s.hits() == 1) {
      res.status = 429;
      res.set_header("Retry-After", "3");
    } else {
      res.set_content("{}", "application/json");
    }
  });
  s.Start();
  SleepRecorder rec;
  HttpClient client(Fast(), rec.Hooks());
  auto r = client.Send({"GET", s.Url("/limited")});
  REQUIRE(r.ok());
  REQUIRE(rec.delays.size() == 1);
  CHECK(rec.delays[0] == milliseconds(3000));
}

TEST_CASE("Retry-After beyond max_backoff is capped at max_backoff") {
  ScriptedServer s;
  s.server.Get("/limited", [&](const httplib::Request& req, httplib::Response& res) {
    s.Note(req);
    res.status = s.hits() == 1 ? 503 : 200;
    res.set_header("Retry-After", "3600");
  });
  s.Start();
  SleepRecorder rec;
  HttpOptions o = Fast();
  o.max_backoff_ms = 2500;
  HttpClient client(o, rec.Hooks());
  REQUIRE(client.Send({"GET", s.Url("/limited")}).ok());
  REQUIRE(rec.delays.size() == 1);
  CHECK(rec.delays[0] == milliseconds(2500));
}

TEST_CASE("Retry-After as an HTTP date is measured against the injected clock") {
  ScriptedServer s;
  s.server.Get("/limited", [&](const httplib::Request& req, httplib::Response& res) {
    s.Note(req);
    res.status = s.hits() == 1 ? 429 : 200;
    res.set_header("Retry-After", "Wed, 21 Oct 2015 07:28:07 GMT");
  });
  s.Start();
  SleepRecorder rec;
  HttpHooks hooks = rec.Hooks();
  // 2015-10-21T07:28:00Z: the date is 7 s later.
  hooks.now = [] { return std::chrono::system_clock::from_time_t(1445412480); };
  HttpClient client(Fast(), hooks);
  REQUIRE(client.Send({"GET", s.Url("/limited")}).ok());
  REQUIRE(rec.delays.size() == 1);
  CHECK(rec.delays[0] == milliseconds(7000));
}

TEST_CASE("Without Retry-After the backoff grows exponentially with jitter below the cap") {
  ScriptedServer s;
  s.server.Get("/flaky", [&](const httplib::Request& req, httplib::Response& res) {
    s.Note(req);
    res.status = s.hits() <= 3 ? 502 : 200;
  });
  s.Start();
  SleepRecorder rec;
  HttpHooks hooks = rec.Hooks();
  hooks.random = [] { return 0.5; };
  HttpOptions o = Fast(5);
  o.base_backoff_ms = 100;
  HttpClient client(o, hooks);
  REQUIRE(client.Send({"GET", s.Url("/flaky")}).ok());
  REQUIRE(rec.delays.size() == 3);
  CHECK(rec.delays[0] == milliseconds(50));   // 0.5 * 100
  CHECK(rec.delays[1] == milliseconds(100));  // 0.5 * 200
  CHECK(rec.delays[2] == milliseconds(200));  // 0.5 * 400
}

TEST_CASE(
    "A persistent 500 exhausts retries and the error names method and path and status and the "
    "cloud's message and the request id and the attempts") {
  ScriptedServer s;
  s.server.Post("/v2.0/routers", [&](const httplib::Request& req, httplib::Response& res) {
    s.Note(req);
    res.status = 500;
    res.set_header("X-OpenStack-Request-Id", "req-boom-7");
    res.set_content(
        R"({"NeutronError": {"type": "HTTPInternalServerError", )"
        R"("message": "Request Failed: internal server error while processing your request.", )"
        R"("detail": ""}})",
        "application/json");
  });
  s.Start();
  SleepRecorder rec;
  HttpClient client(Fast(2), rec.Hooks());
  auto r = client.Send({"POST", s.Url("/v2.0/routers?fields=id"), {}, "{}"});
  REQUIRE_FALSE(r.ok());
  CHECK(s.hits() == 3);
  CHECK(rec.delays.size() == 2);
  REQUIRE(r.diags().size() == 1);
  const Diagnostic& d = r.diags().items()[0];
  CHECK(d.summary == "POST /v2.0/routers: HTTP 500 Internal Server Error");
  CHECK_THAT(d.detail, Catch::Contains("HTTPInternalServerError: Request Failed: internal "
                                       "server error while processing your request."));
  CHECK_THAT(d.detail, Catch::Contains("req-boom-7"));
  CHECK_THAT(d.detail, Catch::Contains("Gave up after 3 attempts"));
  CHECK(client.stats().retries == 2);
}

TEST_CASE("409 Conflict is retried only when the request asks for it") {
  ScriptedServer s;
  s.server.Put("/v2.0/routers/r1", [&](const httplib::Request& req, httplib::Response& res) {
    s.Note(req);
    if (s.hits() % 2 == 1) {
      res.status = 409;
      res.set_content(R"({"conflictingRequest": {"code": 409, "message": "Router is busy"}})",
                      "application/json");
    } else {
      res.set_content("{}", "application/json");
    }
  });
  s.Start();
  SleepRecorder rec;
  HttpClient client(Fast(), rec.Hooks());
  HttpRequest req{"PUT", s.Url("/v2.0/routers/r1"), {}, "{}"};

  auto plain = client.Send(req);
  REQUIRE_FALSE(plain.ok());
  CHECK(s.hits() == 1);
  CHECK_THAT(AllText(plain.diags()), Catch::Contains("HTTP 409 Conflict"));
  CHECK_THAT(AllText(plain.diags()), Catch::Contains("Router is busy"));

  req.retry_409 = true;
  auto retried = client.Send(req);  // hit 2 answers 200 — start over with a 409 at hit 3
  REQUIRE(retried.ok());
  auto again = client.Send(req);  // hit 3 is a 409, hit 4 succeeds
  REQUIRE(again.ok());
  CHECK(s.hits() == 4);
  CHECK(rec.delays.size() == 1);
}

TEST_CASE("A 404 on DELETE is success with delete_404_ok and an error without it") {
  ScriptedServer s;
  s.server.Delete("/v2.0/ports/p1", [&](const httplib::Request& req, httplib::Response& res) {
    s.Note(req);
    res.status = 404;
    res.set_content(R"({"NeutronError": {"type": "PortNotFound", "message": "Port p1 could )"
                    R"(not be found.", "detail": ""}})",
                    "application/json");
  });
  s.Start();
  HttpClient client(Fast());
  HttpRequest req{"DELETE", s.Url("/v2.0/ports/p1")};
  auto strict = client.Send(req);
  REQUIRE_FALSE(strict.ok());
  CHECK_THAT(AllText(strict.diags()), Catch::Contains("DELETE /v2.0/ports/p1: HTTP 404"));
  CHECK_THAT(AllText(strict.diags()), Catch::Contains("PortNotFound: Port p1 could not be found."));
  req.delete_404_ok = true;
  auto lenient = client.Send(req);
  REQUIRE(lenient.ok());
  CHECK(lenient->status == 404);
  CHECK(s.hits() == 2);  // 404 is never retried
}

TEST_CASE("A 404 on GET is an error unless listed in ok_statuses and 400 is never retried") {
  ScriptedServer s;
  s.server.Get("/v2.1/servers/x", [&](const httplib::Request& req, httplib::Response& res) {
    s.Note(req);
    res.status = 404;
    res.set_header("X-Compute-Request-Id", "req-nova-404");
    res.set_content(R"({"itemNotFound": {"code": 404, "message": "Instance x could not be )"
                    R"(found."}})",
                    "application/json");
  });
  s.server.Post("/v2.1/servers", [&](const httplib::Request& req, httplib::Response& res) {
    s.Note(req);
    res.status = 400;
    res.set_content(R"({"badRequest": {"code": 400, "message": "Invalid flavorRef."}})",
                    "application/json");
  });
  s.Start();
  SleepRecorder rec;
  HttpClient client(Fast(), rec.Hooks());
  HttpRequest get{"GET", s.Url("/v2.1/servers/x")};
  auto err = client.Send(get);
  REQUIRE_FALSE(err.ok());
  CHECK_THAT(AllText(err.diags()), Catch::Contains("Instance x could not be found."));
  CHECK_THAT(AllText(err.diags()), Catch::Contains("req-nova-404"));
  get.ok_statuses = {404};
  auto gone = client.Send(get);
  REQUIRE(gone.ok());
  CHECK(gone->status == 404);
  CHECK(gone->request_id == "req-nova-404");

  auto bad = client.Send({"POST", s.Url("/v2.1/servers"), {}, "{}"});
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(AllText(bad.diags()), Catch::Contains("HTTP 400 Bad Request"));
  CHECK_THAT(AllText(bad.diags()), Catch::Contains("Invalid flavorRef."));
  CHECK(s.hits() == 3);
  CHECK(rec.delays.empty());
}

TEST_CASE("Connection refused is retried and then reported with the method and path and cause") {
  ClosedPort closed;
  SleepRecorder rec;
  HttpClient client(Fast(2), rec.Hooks());
  auto r = client.Send({"GET", closed.Url("/v2.0/networks?limit=5")});
  REQUIRE_FALSE(r.ok());
  CHECK(rec.delays.size() == 2);
  CHECK(client.stats().requests == 3);
  CHECK(client.stats().retries == 2);
  const Diagnostic& d = r.diags().items()[0];
  CHECK_THAT(d.summary, Catch::StartsWith("GET /v2.0/networks: "));
  CHECK_THAT(d.summary, Catch::Contains("connect"));
  CHECK_THAT(d.detail, Catch::Contains("Gave up after 3 attempts"));
}

TEST_CASE("A refused POST is retried too because nothing reached the server") {
  ClosedPort closed;
  SleepRecorder rec;
  HttpClient client(Fast(1), rec.Hooks());
  auto r = client.Send({"POST", closed.Url("/v2.0/networks"), {}, "{}"});
  REQUIRE_FALSE(r.ok());
  CHECK(client.stats().requests == 2);
}

TEST_CASE(
    "A server that closes the connection after every response serves sequential "
    "requests") {
  ScriptedServer s;
  s.server.set_keep_alive_max_count(1);
  s.server.Get("/v3", [&](const httplib::Request& req, httplib::Response& res) {
    s.Note(req);
    res.set_header("Connection", "close");
    res.set_content(R"({"version": {}})", "application/json");
  });
  s.Start();
  HttpClient client(Fast(0));
  for (int i = 0; i < 5; ++i) {
    auto r = client.Send({"GET", s.Url("/v3")});
    REQUIRE(r.ok());
    CHECK(r->status == 200);
  }
  auto ports = s.ClientPorts();
  REQUIRE(ports.size() == 5);
  std::sort(ports.begin(), ports.end());
  CHECK(std::unique(ports.begin(), ports.end()) == ports.end());  // a new connection each
  CHECK(client.stats().retries == 0);
}

TEST_CASE("Sequential requests reuse one connection when the server keeps it alive") {
  ScriptedServer s;
  s.server.Get("/v2.0/networks", [&](const httplib::Request& req, httplib::Response& res) {
    s.Note(req);
    res.set_content(R"({"networks": []})", "application/json");
  });
  s.Start();
  HttpClient client(Fast(0));
  for (int i = 0; i < 4; ++i) REQUIRE(client.Send({"GET", s.Url("/v2.0/networks")}).ok());
  auto ports = s.ClientPorts();
  REQUIRE(ports.size() == 4);
  CHECK(std::count(ports.begin(), ports.end(), ports[0]) == 4);
}

TEST_CASE("The cancel flag aborts a backoff wait") {
  ScriptedServer s;
  s.server.Get("/slow", [&](const httplib::Request& req, httplib::Response& res) {
    s.Note(req);
    res.status = 503;
    res.set_header("Retry-After", "60");
  });
  s.Start();
  HttpOptions o = Fast(1);
  o.max_backoff_ms = 60000;
  HttpClient client(o);  // the real sleep
  std::atomic<bool> cancel{false};
  std::thread canceller([&] {
    std::this_thread::sleep_for(milliseconds(100));
    cancel = true;
  });
  auto r = client.Send({"GET", s.Url("/slow")}, &cancel);
  canceller.join();
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.diags().items()[0].summary, Catch::Equals("GET /slow: cancelled"));
  CHECK(s.hits() == 1);
}

TEST_CASE("The cancel flag aborts a request in flight") {
  ScriptedServer s;
  std::atomic<bool> release{false};
  s.server.Get("/hang", [&](const httplib::Request& req, httplib::Response& res) {
    s.Note(req);
    for (int i = 0; i < 1000 && !release; ++i) std::this_thread::sleep_for(milliseconds(10));
    res.set_content("{}", "application/json");
  });
  s.Start();
  HttpClient client(Fast(3));
  std::atomic<bool> cancel{false};
  std::thread canceller([&] {
    std::this_thread::sleep_for(milliseconds(100));
    cancel = true;
  });
  auto r = client.Send({"GET", s.Url("/hang")}, &cancel);
  canceller.join();
  release = true;
  REQUIRE_FALSE(r.ok());
  CHECK(r.diags().items()[0].summary == "GET /hang: cancelled");
  CHECK(client.stats().requests == 1);
}

TEST_CASE("A request whose cancel flag is already set is never sent") {
  ScriptedServer s;
  s.server.Get("/x", [&](const httplib::Request& req, httplib::Response&) { s.Note(req); });
  s.Start();
  HttpClient client(Fast());
  std::atomic<bool> cancel{true};
  auto r = client.Send({"GET", s.Url("/x")}, &cancel);
  REQUIRE_FALSE(r.ok());
  CHECK(s.hits() == 0);
  CHECK(client.stats().requests == 0);
}

TEST_CASE("Concurrent sends from several threads all succeed and are all counted") {
  ScriptedServer s;
  s.server.Get(R"(/item/(\d+))", [&](const httplib::Request& req, httplib::Response& res) {
    s.Note(req);
    res.set_content(R"({"id": ")" + req.matches[1].str() + R"("})", "application/json");
  });
  s.Start();
  HttpClient client(Fast());
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        std::string id = std::to_string(t * 100 + i);
        auto r = client.Send({"GET", s.Url("/item/" + id)});
        if (r.ok() && r->body == R"({"id": ")" + id + R"("})") ++good;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(good == 40);
  CHECK(client.stats().requests == 40);
  CHECK(s.hits() == 40);
}

TEST_CASE("Errors never contain the token even when the cloud echoes it") {
  const std::string token = "gAAAAABsecret-token-value-1234567890";
  ScriptedServer s;
  s.server.Get("/v2.0/networks", [&](const httplib::Request& req, httplib::Response& res) {
    s.Note(req);
    res.status = 401;
    res.set_content(R"({"error": {"code": 401, "title": "Unauthorized", "message": "token )" +
                        req.get_header_value("X-Auth-Token") + R"( is expired"}})",
                    "application/json");
  });
  s.server.Get("/html", [&](const httplib::Request& req, httplib::Response& res) {
    s.Note(req);
    res.set_content("<html>not json " + req.get_header_value("Authorization") + "</html>",
                    "text/html");
  });
  s.Start();
  HttpClient client(Fast());
  auto r = client.Send({"GET", s.Url("/v2.0/networks"), {{"X-Auth-Token", token}}});
  REQUIRE_FALSE(r.ok());
  std::string text = AllText(r.diags());
  CHECK_THAT(text, Catch::Contains("HTTP 401 Unauthorized"));
  CHECK_THAT(text, Catch::Contains("token <redacted> is expired"));
  CHECK(text.find(token) == std::string::npos);

  auto j = SendJson(client, {"GET", s.Url("/html"), {{"Authorization", "Bearer " + token}}});
  REQUIRE_FALSE(j.ok());
  CHECK(AllText(j.diags()).find(token) == std::string::npos);

  ClosedPort closed;
  HttpClient quick(Fast(0));
  auto refused = quick.Send({"GET", closed.Url("/x"), {{"X-Auth-Token", token}}});
  REQUIRE_FALSE(refused.ok());
  CHECK(AllText(refused.diags()).find(token) == std::string::npos);
}

TEST_CASE("A header value with a line break is rejected before anything is sent") {
  ScriptedServer s;
  s.server.Get("/x", [&](const httplib::Request& req, httplib::Response&) { s.Note(req); });
  s.Start();
  HttpClient client(Fast());
  auto r = client.Send({"GET", s.Url("/x"), {{"X-Auth-Token", "a\r\nX-Evil: 1"}}});
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(AllText(r.diags()), Catch::Contains("line break"));
  CHECK(s.hits() == 0);
}

}  // namespace
}  // namespace capstan::openstack
