// Tests for ListAll and SendJson against scripted servers on 127.0.0.1: Neutron/Nova
// `_links`, Glance `next`, marker paging, link rebasing, and the errors they report.
#include <catch2/catch.hpp>

#include "providers/openstack/http.h"
#include "tests/providers/openstack/http_test_server.h"

namespace capstan::openstack {
namespace {

using openstack::testing::ScriptedServer;

HttpOptions NoRetry() {
  HttpOptions o;
  o.max_retries = 0;
  return o;
}

/// Serves /v2.0/networks in three pages of two via networks_links, with `link_base` as the
/// origin the links name.
void ServeNeutronPages(ScriptedServer& s, const std::string* link_base) {
  s.server.Get("/v2.0/networks", [&s, link_base](const httplib::Request& req,
                                                 httplib::Response& res) {
    s.Note(req);
    std::string marker = req.get_param_value("marker");
    int page = marker.empty() ? 0 : marker == "n2" ? 1 : 2;
    Value body;
    body["networks"] = {{{"id", "n" + std::to_string(page * 2 + 1)}},
                        {{"id", "n" + std::to_string(page * 2 + 2)}}};
    body["networks_links"] = Value::array();
    if (page < 2) {
      body["networks_links"].push_back({{"rel", "next"},
                                        {"href", *link_base + "/v2.0/networks?limit=2&marker=n" +
                                                     std::to_string(page * 2 + 2)}});
    }
    if (page > 0) body["networks_links"].push_back({{"rel", "previous"}, {"href", "x"}});
    res.set_content(body.dump(), "application/json");
  });
}

std::vector<std::string> Ids(const std::vector<Value>& items) {
  std::vector<std::string> ids;
  for (const Value& v : items) ids.push_back(v.value("id", "?"));
  return ids;
}

TEST_CASE("ListAll follows networks_links rel=next across three pages") {
  ScriptedServer s;
  std::string base;
  ServeNeutronPages(s, &base);
  s.Start();
  base = s.Url("");
  HttpClient client(NoRetry());
  auto r = ListAll(client, {"GET", s.Url("/v2.0/networks?limit=2")}, "networks");
  INFO(r.diags().ToString());
  REQUIRE(r.ok());
  CHECK(Ids(*r) == std::vector<std::string>{"n1", "n2", "n3", "n4", "n5", "n6"});
  CHECK(s.hits() == 3);
}

TEST_CASE("ListAll rebases next links that name another host onto the request's origin") {
  ScriptedServer s;
  const std::string elsewhere = "http://internal.invalid:9696";
  ServeNeutronPages(s, &elsewhere);
  s.Start();
  HttpClient client(NoRetry());
  auto r = ListAll(client, {"GET", s.Url("/v2.0/networks?limit=2")}, "networks");
  INFO(r.diags().ToString());
  REQUIRE(r.ok());
  CHECK(r->size() == 6);
  CHECK(s.hits() == 3);
}

TEST_CASE("ListAll follows Glance's relative next path and keeps the endpoint's prefix") {
  ScriptedServer s;
  s.server.Get("/image/v2/images", [&](const httplib::Request& req, httplib::Response& res) {
    s.Note(req);
    Value body;
    if (req.get_param_value("marker").empty()) {
      body = {{"images", {{{"id", "i1"}}}}, {"next", "/v2/images?marker=i1"}};
    } else {
      body = {{"images", {{{"id", "i2"}}}}, {"first", "/v2/images"}};
    }
    res.set_content(body.dump(), "application/json");
  });
  s.Start();
  HttpClient client(NoRetry());
  auto r = ListAll(client, {"GET", s.Url("/image/v2/images")}, "images");
  REQUIRE(r.ok());
  CHECK(Ids(*r) == std::vector<std::string>{"i1", "i2"});
}

TEST_CASE("ListAll pages by marker when a full page under limit carries no links") {
  ScriptedServer s;
  std::vector<std::string> markers;
  s.server.Get("/v2.1/os-keypairs", [&](const httplib::Request& req, httplib::Response& res) {
    s.Note(req);
    std::string marker = req.get_param_value("marker");
    markers.push_back(marker);
    Value items = Value::array();
    if (marker.empty()) items = {{{"id", "a"}}, {{"id", "b"}}};
    if (marker == "b") items = {{{"id", "c"}}, {{"id", "d e"}}};
    if (marker == "d e") items = {{{"id", "f"}}};
    res.set_content(Value{{"keypairs", items}}.dump(), "application/json");
  });
  s.Start();
  HttpClient client(NoRetry());
  auto r = ListAll(client, {"GET", s.Url("/v2.1/os-keypairs?limit=2")}, "keypairs");
  REQUIRE(r.ok());
  CHECK(Ids(*r) == std::vector<std::string>{"a", "b", "c", "d e", "f"});
  CHECK(markers == std::vector<std::string>{"", "b", "d e"});
}

TEST_CASE("ListAll without limit or links reads one page") {
  ScriptedServer s;
  s.server.Get("/v3/projects", [&](const httplib::Request& req, httplib::Response& res) {
    s.Note(req);
    res.set_content(R"({"projects": [{"id": "p1"}, {"id": "p2"}], "links": {"next": null}})",
                    "application/json");
  });
  s.Start();
  HttpClient client(NoRetry());
  auto r = ListAll(client, {"GET", s.Url("/v3/projects")}, "projects");
  REQUIRE(r.ok());
  CHECK(r->size() == 2);
  CHECK(s.hits() == 1);
}

TEST_CASE("ListAll reports a page without the collection and a link that loops") {
  ScriptedServer s;
  s.server.Get("/v2.0/ports", [&](const httplib::Request& req, httplib::Response& res) {
    s.Note(req);
    res.set_content(R"({"port": {}})", "application/json");
  });
  s.server.Get("/v2.0/subnets", [&](const httplib::Request& req, httplib::Response& res) {
    s.Note(req);
    res.set_content(R"({"subnets": [{"id": "s"}], "subnets_links": [{"rel": "next", )"
                    R"("href": "/v2.0/subnets"}]})",
                    "application/json");
  });
  s.Start();
  HttpClient client(NoRetry());
  auto missing = ListAll(client, {"GET", s.Url("/v2.0/ports")}, "ports");
  REQUIRE_FALSE(missing.ok());
  CHECK_THAT(missing.diags().ToString(),
             Catch::Contains("GET /v2.0/ports: the response has no \"ports\" list"));
  auto loop = ListAll(client, {"GET", s.Url("/v2.0/subnets")}, "subnets");
  REQUIRE_FALSE(loop.ok());
  CHECK_THAT(loop.diags().ToString(), Catch::Contains("loops"));
}

TEST_CASE("SendJson parses JSON and gives null for an empty body and explains a non-JSON body") {
  ScriptedServer s;
  s.server.Get("/json", [&](const httplib::Request& req, httplib::Response& res) {
    s.Note(req);
    res.set_content(R"({"a": [1, 2]})", "application/json");
  });
  s.server.Delete("/empty", [&](const httplib::Request& req, httplib::Response& res) {
    s.Note(req);
    res.status = 204;
  });
  s.server.Get("/html", [&](const httplib::Request& req, httplib::Response& res) {
    s.Note(req);
    res.set_header("X-OpenStack-Request-Id", "req-html");
    res.set_content("<html><body>proxy error page</body></html>", "text/html");
  });
  s.Start();
  HttpClient client(NoRetry());
  auto j = SendJson(client, {"GET", s.Url("/json")});
  REQUIRE(j.ok());
  CHECK((*j)["a"][1] == 2);
  auto e = SendJson(client, {"DELETE", s.Url("/empty")});
  REQUIRE(e.ok());
  CHECK(e->is_null());
  auto h = SendJson(client, {"GET", s.Url("/html")});
  REQUIRE_FALSE(h.ok());
  const Diagnostic& d = h.diags().items()[0];
  CHECK(d.summary == "GET /html: the response is not JSON");
  CHECK_THAT(d.detail, Catch::Contains("text/html"));
  CHECK_THAT(d.detail, Catch::Contains("proxy error page"));
  CHECK_THAT(d.detail, Catch::Contains("req-html"));
}

}  // namespace
}  // namespace capstan::openstack
