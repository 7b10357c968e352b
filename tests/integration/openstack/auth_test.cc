// Authentication against the test bed: an application credential made by
// openstack.application_credential works as a cloud login, and each way authentication
// fails ends in one clear paragraph that names the cause and never the secret.
#include <catch2/catch.hpp>
#include <chrono>

#include "providers/openstack/os_provider.h"
#include "tests/integration/openstack/testbed.h"

namespace capstan {
namespace {

using openstack::ApiCall;
using openstack::CloudConfig;
using openstack::Session;

/// A cloud that logs in with an application credential (id + secret).
CloudConfig AppCredCloud(const std::string& id, const std::string& secret) {
  CloudConfig base = testbed::Cloud();
  CloudConfig c;
  c.name = "appcred-test";
  c.auth_type = "v3applicationcredential";
  c.auth_url = base.auth_url;
  c.app_cred_id = id;
  c.app_cred_secret = secret;
  c.region = base.region;
  c.interface = base.interface;
  c.source = "test";
  return c;
}

Result<std::vector<Value>> ListNetworks(Session& s) {
  return s.List(ApiCall::Get("network", "/v2.0/networks"), "networks");
}

TEST_CASE("an application credential made by capstan logs in, and fails once revoked",
          "[openstack][auth]") {
  if (!testbed::Available()) FAIL(testbed::kNotUp);
  auto provider = NewOpenStackProvider();
  setenv("OS_CLIENT_CONFIG_FILE", testbed::CloudsYaml().c_str(), 1);
  REQUIRE_FALSE(provider->Configure(Value{{"cloud", "ostb-demo"}}).HasErrors());
  ResourceType* type = provider->Type("openstack.application_credential");
  REQUIRE(type != nullptr);
  std::string stack = testbed::UniqueStack("auth");
  CallContext ctx = testbed::Ctx(stack, "openstack.application_credential.login");
  auto cred = type->Create(ctx, ApplyDefaults(type->schema(), Value{{"name", stack}}));
  REQUIRE(cred.ok());
  std::string secret = cred->attributes["secret"].get<std::string>();

  {
    Session s(AppCredCloud(cred->id, secret));
    auto nets = ListNetworks(s);
    REQUIRE(nets.ok());
    auto token = s.CurrentToken();
    REQUIRE(token.ok());
    CHECK(token->project_id == cred->attributes["project_id"]);
  }

  REQUIRE_FALSE(type->Delete(ctx, *cred).HasErrors());
  Session revoked(AppCredCloud(cred->id, secret));
  auto nets = ListNetworks(revoked);
  REQUIRE_FALSE(nets.ok());
  std::string msg = nets.diags().ToString();
  INFO(msg);
  CHECK(msg.find("authentication failed") != std::string::npos);
  CHECK(msg.find("appcred-test") != std::string::npos);
  CHECK(msg.find(secret) == std::string::npos);
}

TEST_CASE("a wrong password fails with Keystone's message and without the password",
          "[openstack][auth]") {
  if (!testbed::Available()) FAIL(testbed::kNotUp);
  CloudConfig c = testbed::Cloud();
  c.password = "not-the-Pa55word-xyz";
  Session s(c);
  auto nets = ListNetworks(s);
  REQUIRE_FALSE(nets.ok());
  std::string msg = nets.diags().ToString();
  INFO(msg);
  CHECK(msg.find("authentication failed for cloud \"ostb-demo\"") != std::string::npos);
  CHECK(msg.find("requires authentication") != std::string::npos);  // Keystone's words.
  CHECK(msg.find("not-the-Pa55word-xyz") == std::string::npos);
  CHECK(msg.find("demo-secret") == std::string::npos);
}

TEST_CASE("an unknown cloud name lists the clouds found", "[openstack][auth]") {
  if (!testbed::Available()) FAIL(testbed::kNotUp);
  openstack::Environment env;
  env.vars["OS_CLIENT_CONFIG_FILE"] = testbed::CloudsYaml();
  env.system_dirs.clear();
  auto c = openstack::ResolveCloud("ostb-nope", env);
  REQUIRE_FALSE(c.ok());
  std::string msg = c.diags().ToString();
  INFO(msg);
  CHECK(msg.find("ostb-nope") != std::string::npos);
  CHECK(msg.find("ostb-demo") != std::string::npos);
  CHECK(msg.find("ostb-admin") != std::string::npos);
  CHECK(msg.find("demo-secret") == std::string::npos);
}

TEST_CASE("an unreachable Keystone is named, quickly", "[openstack][auth]") {
  CloudConfig c = testbed::Available() ? testbed::Cloud() : CloudConfig{};
  c.name = "unreachable";
  c.auth_type = "password";
  c.auth_url = "http://127.0.0.1:1/v3";
  c.username = "demo";
  c.password = "pw-never-shown";
  c.user_domain_name = "Default";
  c.project_name = "demo";
  c.project_domain_name = "Default";
  openstack::HttpOptions opts;
  opts.max_retries = 1;
  opts.base_backoff_ms = 10;
  Session s(c, opts);
  auto start = std::chrono::steady_clock::now();
  auto token = s.CurrentToken();
  auto took = std::chrono::steady_clock::now() - start;
  REQUIRE_FALSE(token.ok());
  std::string msg = token.diags().ToString();
  INFO(msg);
  CHECK(msg.find("cannot reach Keystone at http://127.0.0.1:1/v3") != std::string::npos);
  CHECK(msg.find("pw-never-shown") == std::string::npos);
  CHECK(took < std::chrono::seconds(5));
}

}  // namespace
}  // namespace capstan
