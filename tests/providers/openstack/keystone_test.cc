// Tests for the Keystone v3 pieces: auth request bodies, token responses (canned JSON in
// testdata/), catalog endpoint selection, expiry and ISO-8601 parsing.
#include "providers/openstack/keystone.h"

#include <catch2/catch.hpp>

#include "tests/providers/temp_dir.h"

namespace capstan::openstack {
namespace {

using capstan::testing::ReadFile;

std::string Testdata(const std::string& name) {
  return ReadFile(CAPSTAN_SOURCE_DIR "/tests/providers/openstack/testdata/" + name);
}

CloudConfig PasswordCloud() {
  CloudConfig c;
  c.auth_type = "password";
  c.auth_url = "http://127.0.0.1:5000/v3";
  c.username = "demo";
  c.password = "demo-secret";
  c.user_domain_name = "Default";
  c.project_name = "demo";
  c.project_domain_name = "Default";
  return c;
}

Token Parsed(const std::string& file) {
  auto t = ParseTokenResponse(201, "gAAAAABtoken", Testdata(file));
  REQUIRE(t.ok());
  return *t;
}

TEST_CASE("password body names user and project with their domains") {
  Value expected = R"({"auth": {
      "identity": {"methods": ["password"],
                   "password": {"user": {"name": "demo", "domain": {"name": "Default"},
                                         "password": "demo-secret"}}},
      "scope": {"project": {"name": "demo", "domain": {"name": "Default"}}}}})"_json;
  CHECK(PasswordAuthBody(PasswordCloud()) == expected);
}

TEST_CASE("password body prefers ids and then needs no domains") {
  CloudConfig c = PasswordCloud();
  c.user_id = "u-1";
  c.project_id = "p-1";
  Value body = PasswordAuthBody(c);
  CHECK(body["auth"]["identity"]["password"]["user"] ==
        Value({{"id", "u-1"}, {"password", "demo-secret"}}));
  CHECK(body["auth"]["scope"] == Value({{"project", {{"id", "p-1"}}}}));
}

TEST_CASE("password body uses domain ids when only ids are known") {
  CloudConfig c = PasswordCloud();
  c.user_domain_name.clear();
  c.user_domain_id = "default";
  c.project_domain_name.clear();
  c.project_domain_id = "d-9";
  Value body = PasswordAuthBody(c);
  CHECK(body["auth"]["identity"]["password"]["user"]["domain"] == Value({{"id", "default"}}));
  CHECK(body["auth"]["scope"]["project"]["domain"] == Value({{"id", "d-9"}}));
}

TEST_CASE("password body without a project requests an unscoped token") {
  CloudConfig c = PasswordCloud();
  c.project_name.clear();
  CHECK_FALSE(PasswordAuthBody(c)["auth"].contains("scope"));
}

TEST_CASE("application credential body by id carries id and secret and no scope") {
  CloudConfig c;
  c.auth_type = "v3applicationcredential";
  c.app_cred_id = "ac-1";
  c.app_cred_secret = "s3";
  c.project_name = "ignored";  // Keystone forbids a scope with application credentials
  Value expected = R"({"auth": {"identity": {"methods": ["application_credential"],
      "application_credential": {"id": "ac-1", "secret": "s3"}}}})"_json;
  CHECK(AppCredAuthBody(c) == expected);
  CHECK(AuthBody(c) == expected);
}

TEST_CASE("application credential body by name identifies the owning user") {
  CloudConfig c;
  c.app_cred_name = "capstan-mgmt";
  c.app_cred_secret = "s3";
  c.username = "kaas-operator";
  c.user_domain_name = "scs";
  CHECK(AppCredAuthBody(c)["auth"]["identity"]["application_credential"] ==
        Value({{"name", "capstan-mgmt"},
               {"secret", "s3"},
               {"user", {{"name", "kaas-operator"}, {"domain", {{"name", "scs"}}}}}}));
  c.user_id = "u-7";
  CHECK(AppCredAuthBody(c)["auth"]["identity"]["application_credential"]["user"] ==
        Value({{"id", "u-7"}}));
}

TEST_CASE("AuthBody picks the password method for password clouds") {
  CHECK(AuthBody(PasswordCloud())["auth"]["identity"]["methods"] == Value({"password"}));
}

TEST_CASE("a testbed password token parses into value, expiry, ids and catalog") {
  Token t = Parsed("token_password_testbed.json");
  CHECK(t.value == "gAAAAABtoken");
  CHECK(t.expires_at == 1714570496);  // 2024-05-01T13:34:56Z
  CHECK(t.project_id == "9c1e4b7a2d5f8e0a3c6b9d2e5f8a1b4c");
  CHECK(t.user_id == "5f3a1c7e9b2d4e6f8a0c1b3d5e7f9a2c");
  REQUIRE(t.catalog.size() == 7);
  CHECK(t.catalog[0].type == "identity");
  CHECK(t.catalog[0].name == "keystone");
  REQUIRE(t.catalog[0].endpoints.size() == 3);
  CHECK(t.catalog[0].endpoints[1].interface == "internal");
  CHECK(t.catalog[0].endpoints[1].region == "RegionOne");
}

TEST_CASE("an application credential token with a UTC offset parses to the right instant") {
  Token t = Parsed("token_appcred_multiregion.json");
  CHECK(t.expires_at == 1732410900);  // 2024-11-24T02:15:00+01:00
  CHECK(t.project_id == "4b8d2f6a0c1e3a5b7d9f1b3d5f7a9c0e");
}

TEST_CASE("an unscoped token parses with an empty catalog") {
  Token t = Parsed("token_unscoped.json");
  CHECK(t.catalog.empty());
  CHECK(t.project_id.empty());
}

TEST_CASE("HTTP 200 is accepted like 201") {
  CHECK(ParseTokenResponse(200, "tok", Testdata("token_unscoped.json")).ok());
}

TEST_CASE("401 says authentication failed with Keystone's message") {
  auto r = ParseTokenResponse(401, "", Testdata("error_401.json"));
  REQUIRE_FALSE(r.ok());
  const auto& d = r.diags().items()[0];
  CHECK(d.summary == "authentication failed");
  CHECK(d.detail == "The request you have made requires authentication.");
}

TEST_CASE("other error statuses name the status and carry the message") {
  auto r = ParseTokenResponse(404, "", Testdata("error_404_appcred.json"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.diags().items()[0].summary == "Keystone token request failed with HTTP 404");
  CHECK(r.diags().items()[0].detail.find("Could not find Application Credential") == 0);
}

TEST_CASE("a non-JSON error body is shown as a short one-line snippet") {
  std::string html = "<html>\n<body>502 Bad Gateway</body>\n</html>" + std::string(500, ' ');
  auto r = ParseTokenResponse(502, "", html);
  REQUIRE_FALSE(r.ok());
  CHECK(r.diags().items()[0].detail.find('\n') == std::string::npos);
  CHECK(r.diags().items()[0].detail.size() <= 200);
  CHECK(r.diags().items()[0].detail.find("502 Bad Gateway") != std::string::npos);
}

TEST_CASE("success without X-Subject-Token, without a token object or expiry is an error") {
  CHECK_FALSE(ParseTokenResponse(201, "", Testdata("token_unscoped.json")).ok());
  CHECK_FALSE(ParseTokenResponse(201, "tok", "not json").ok());
  CHECK_FALSE(ParseTokenResponse(201, "tok", R"({"token": {}})").ok());
  auto bad = ParseTokenResponse(201, "tok", R"({"token": {"expires_at": "tomorrow"}})");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.diags().items()[0].detail == "cannot parse 'tomorrow' as ISO-8601");
}

TEST_CASE("token errors never contain the token value") {
  auto r = ParseTokenResponse(201, "gAAAAAB-very-secret", R"({"token": {"expires_at": ""}})");
  REQUIRE_FALSE(r.ok());
  CHECK(r.diags().ToString().find("very-secret") == std::string::npos);
}

TEST_CASE("SelectEndpoint finds the public endpoint of a service in the region") {
  Token t = Parsed("token_password_testbed.json");
  CHECK(*SelectEndpoint(t, "compute", "public", "RegionOne") == "http://127.0.0.1:8774/v2.1");
  CHECK(*SelectEndpoint(t, "network", "public", "") == "http://127.0.0.1:9696");
  CHECK(*SelectEndpoint(t, "identity", "internal", "RegionOne") == "http://127.0.0.1:5000/v3");
  CHECK(*SelectEndpoint(t, "identity", "publicURL", "") == "http://127.0.0.1:5000/v3");
}

TEST_CASE("SelectEndpoint treats block-storage and volumev3 as one service") {
  Token testbed = Parsed("token_password_testbed.json");  // registers volumev3
  CHECK(*SelectEndpoint(testbed, "block-storage", "public", "") ==
        "http://127.0.0.1:8776/v3/9c1e4b7a2d5f8e0a3c6b9d2e5f8a1b4c");
  Token scs = Parsed("token_appcred_multiregion.json");  // registers block-storage
  CHECK(*SelectEndpoint(scs, "volumev3", "public", "fra1") ==
        "https://volume.fra1.example.com/v3/4b8d2f6a0c1e3a5b7d9f1b3d5f7a9c0e");
}

TEST_CASE("SelectEndpoint filters by region and strips trailing slashes") {
  Token t = Parsed("token_appcred_multiregion.json");
  CHECK(*SelectEndpoint(t, "compute", "public", "fra1") == "https://compute.fra1.example.com/v2.1");
  CHECK(*SelectEndpoint(t, "compute", "public", "dus2") == "https://compute.dus2.example.com/v2.1");
  CHECK(*SelectEndpoint(t, "compute", "internal", "fra1") ==
        "http://nova-api.fra1.internal:8774/v2.1");
}

TEST_CASE("SelectEndpoint without a region refuses to guess between regions") {
  Token t = Parsed("token_appcred_multiregion.json");
  auto r = SelectEndpoint(t, "compute", "public", "");
  REQUIRE_FALSE(r.ok());
  CHECK(r.diags().items()[0].detail.find("regions: dus2, fra1") == 0);
}

TEST_CASE("SelectEndpoint for a missing service lists the catalog's services") {
  Token t = Parsed("token_password_testbed.json");
  auto r = SelectEndpoint(t, "object-store", "public", "");
  REQUIRE_FALSE(r.ok());
  CHECK(r.diags().items()[0].summary == "the catalog has no 'object-store' service");
  CHECK(r.diags().items()[0].detail ==
        "catalog offers: compute (nova), identity (keystone), image (glance), load-balancer "
        "(octavia), network (neutron), placement (placement), volumev3 (cinderv3)");
}

TEST_CASE("SelectEndpoint with no matching interface or region lists the endpoints") {
  Token t = Parsed("token_appcred_multiregion.json");
  auto r = SelectEndpoint(t, "network", "public", "dus2");
  REQUIRE_FALSE(r.ok());
  CHECK(r.diags().items()[0].summary ==
        "service 'network' has no public endpoint in region 'dus2'");
  CHECK(r.diags().items()[0].detail ==
        "catalog offers network: public fra1 https://network.fra1.example.com");
  auto admin = SelectEndpoint(t, "compute", "admin", "");
  REQUIRE_FALSE(admin.ok());
  CHECK(admin.diags().items()[0].summary == "service 'compute' has no admin endpoint");
}

TEST_CASE("SelectEndpoint on an unscoped token hints at the missing project scope") {
  Token t = Parsed("token_unscoped.json");
  auto r = SelectEndpoint(t, "compute", "public", "");
  REQUIRE_FALSE(r.ok());
  CHECK(r.diags().items()[0].detail.find("project-scoped") != std::string::npos);
}

TEST_CASE("NeedsRefresh is true for a missing token and within the margin of expiry") {
  Token t;
  CHECK(NeedsRefresh(t, 0, 0));
  t.value = "tok";
  t.expires_at = 1000;
  CHECK_FALSE(NeedsRefresh(t, 899, 100));
  CHECK(NeedsRefresh(t, 900, 100));
  CHECK(NeedsRefresh(t, 1000, 0));
  CHECK_FALSE(NeedsRefresh(t, 999, 0));
  CHECK(NeedsRefresh(t, 2000, 0));
}

TEST_CASE("ParseIso8601 handles Keystone's forms and rejects malformed ones") {
  CHECK(ParseIso8601("2024-05-01T13:34:56.000000Z") == 1714570496);
  CHECK(ParseIso8601("2024-05-01T13:34:56Z") == 1714570496);
  CHECK(ParseIso8601("2024-05-01T13:34:56") == 1714570496);  // no zone = UTC
  CHECK(ParseIso8601("2024-05-01T15:34:56+02:00") == 1714570496);
  CHECK(ParseIso8601("2024-05-01T10:34:56-0300") == 1714570496);
  CHECK(ParseIso8601("1999-12-31T23:59:59Z") == 946684799);
  CHECK(ParseIso8601("2038-01-19T03:14:08Z") == 2147483648LL);  // past 32-bit time_t
  CHECK(ParseIso8601("1970-01-01") == 0);
  CHECK_FALSE(ParseIso8601(""));
  CHECK_FALSE(ParseIso8601("2024-05-01T13:34"));
  CHECK_FALSE(ParseIso8601("2024-13-01T00:00:00Z"));
  CHECK_FALSE(ParseIso8601("2024-05-01T13:34:56.Z"));
  CHECK_FALSE(ParseIso8601("2024-05-01T13:34:56Zjunk"));
  CHECK_FALSE(ParseIso8601("2024-05-01T13:34:56+2"));
}

}  // namespace
}  // namespace capstan::openstack
