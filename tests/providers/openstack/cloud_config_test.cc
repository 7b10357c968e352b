// Tests for cloud resolution: clouds.yaml/secure.yaml discovery and merge, OS_* variables,
// validation errors (which must never leak secrets) and the provider-config overlay.
#include "providers/openstack/cloud_config.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "providers/openstack/cloud_config_files.h"
#include "tests/providers/temp_dir.h"

namespace capstan::openstack {
namespace {

namespace fs = std::filesystem;
using capstan::testing::ReadFile;
using capstan::testing::TempDir;
using capstan::testing::WriteFile;

const std::string kTestdata = CAPSTAN_SOURCE_DIR "/tests/providers/openstack/testdata";

/// A sandbox with a working directory, a home and one system dir, all empty.
struct Sandbox {
  TempDir tmp;
  Environment env;
  Sandbox() {
    for (const char* d : {"cwd", "home/.config/openstack", "etc/openstack"}) {
      fs::create_directories(tmp / d);
    }
    env.cwd = tmp / "cwd";
    env.home = tmp / "home";
    env.system_dirs = {tmp / "etc/openstack"};
  }
  std::string UserDir() const { return tmp / "home/.config/openstack"; }
  std::string EtcDir() const { return tmp / "etc/openstack"; }
  void Write(const std::string& path, const std::string& text) {
    fs::create_directories(fs::path(path).parent_path());
    WriteFile(path, text);
  }
  /// Copies the testdata clouds.yaml and secure.yaml into `dir`.
  void CopyTestdata(const std::string& dir) {
    WriteFile(dir + "/clouds.yaml", ReadFile(kTestdata + "/clouds.yaml"));
    WriteFile(dir + "/secure.yaml", ReadFile(kTestdata + "/secure.yaml"));
  }
};

std::string OneCloud(const std::string& name, const std::string& url) {
  return "clouds:\n  " + name + ":\n    auth:\n      auth_url: " + url +
         "\n      username: u\n      password: hunter2-" + name + "\n      project_name: p\n";
}

/// Fails the test when any diagnostic text contains `secret`.
void CheckNoSecret(const Diagnostics& d, const std::string& secret) {
  INFO(d.ToString());
  CHECK(d.ToString().find(secret) == std::string::npos);
}

TEST_CASE("clouds.yaml in the working directory wins over the user and system dirs") {
  Sandbox s;
  s.Write(s.env.cwd + "/clouds.yaml", OneCloud("c", "http://cwd:5000"));
  s.Write(s.UserDir() + "/clouds.yaml", OneCloud("c", "http://home:5000"));
  s.Write(s.EtcDir() + "/clouds.yaml", OneCloud("c", "http://etc:5000"));
  auto r = ResolveCloud("c", s.env);
  REQUIRE(r.ok());
  CHECK(r->auth_url == "http://cwd:5000/v3");
  CHECK(r->source == s.env.cwd + "/clouds.yaml");
}

TEST_CASE("the user config dir is searched before the system dirs") {
  Sandbox s;
  s.Write(s.UserDir() + "/clouds.yml", OneCloud("c", "http://home:5000"));
  s.Write(s.EtcDir() + "/clouds.yaml", OneCloud("c", "http://etc:5000"));
  auto r = ResolveCloud("c", s.env);
  REQUIRE(r.ok());
  CHECK(r->auth_url == "http://home:5000/v3");

  fs::remove(s.UserDir() + "/clouds.yml");
  r = ResolveCloud("c", s.env);
  REQUIRE(r.ok());
  CHECK(r->auth_url == "http://etc:5000/v3");
}

TEST_CASE("XDG_CONFIG_HOME/openstack is searched before ~/.config/openstack") {
  Sandbox s;
  s.Write(s.tmp / "xdg/openstack/clouds.yaml", OneCloud("c", "http://xdg:5000"));
  s.Write(s.UserDir() + "/clouds.yaml", OneCloud("c", "http://home:5000"));
  s.env.vars["XDG_CONFIG_HOME"] = s.tmp / "xdg";
  auto r = ResolveCloud("c", s.env);
  REQUIRE(r.ok());
  CHECK(r->auth_url == "http://xdg:5000/v3");
}

TEST_CASE("only the first clouds file found is read, clouds from later dirs are invisible") {
  Sandbox s;
  s.Write(s.env.cwd + "/clouds.yaml", OneCloud("a", "http://a:5000"));
  s.Write(s.EtcDir() + "/clouds.yaml", OneCloud("b", "http://b:5000"));
  auto r = ResolveCloud("b", s.env);
  REQUIRE_FALSE(r.ok());
  CHECK(r.diags().items()[0].summary == "cloud 'b' not found");
}

TEST_CASE("OS_CLIENT_CONFIG_FILE replaces the search for clouds.yaml") {
  Sandbox s;
  s.Write(s.env.cwd + "/clouds.yaml", OneCloud("c", "http://cwd:5000"));
  s.Write(s.tmp / "elsewhere/my-clouds.yaml", OneCloud("c", "http://override:5000"));
  s.env.vars["OS_CLIENT_CONFIG_FILE"] = s.tmp / "elsewhere/my-clouds.yaml";
  auto r = ResolveCloud("c", s.env);
  REQUIRE(r.ok());
  CHECK(r->auth_url == "http://override:5000/v3");
}

TEST_CASE("OS_CLIENT_CONFIG_FILE naming a missing file is an error naming the variable") {
  Sandbox s;
  s.Write(s.env.cwd + "/clouds.yaml", OneCloud("c", "http://cwd:5000"));
  s.env.vars["OS_CLIENT_CONFIG_FILE"] = "nope.yaml";
  auto r = ResolveCloud("c", s.env);
  REQUIRE_FALSE(r.ok());
  const auto& d = r.diags().items()[0];
  CHECK(d.key == "OS_CLIENT_CONFIG_FILE");
  CHECK(d.summary.find(s.env.cwd + "/nope.yaml") != std::string::npos);
}

TEST_CASE("secure.yaml values are deep-merged over clouds.yaml") {
  Sandbox s;
  s.CopyTestdata(s.env.cwd);
  auto r = ResolveCloud("ostb-demo", s.env);
  REQUIRE(r.ok());
  CHECK(r->username == "demo");
  CHECK(r->password == "demo-secret");
  CHECK(r->project_name == "demo");
  CHECK(r->user_domain_name == "Default");
  CHECK(r->project_domain_name == "Default");
  CHECK(r->region == "RegionOne");
  CHECK(r->auth_type == "password");
  CHECK(r->auth_url == "http://127.0.0.1:5000/v3");  // normalised from the bare URL
  CHECK(r->source == s.env.cwd + "/clouds.yaml + " + s.env.cwd + "/secure.yaml");
}

TEST_CASE("secure.yaml is found independently of clouds.yaml") {
  Sandbox s;
  WriteFile(s.env.cwd + "/clouds.yaml", ReadFile(kTestdata + "/clouds.yaml"));
  WriteFile(s.EtcDir() + "/secure.yaml", ReadFile(kTestdata + "/secure.yaml"));
  auto r = ResolveCloud("ostb-demo", s.env);
  REQUIRE(r.ok());
  CHECK(r->password == "demo-secret");
}

TEST_CASE("secure.yaml overrides a value clouds.yaml also sets") {
  Sandbox s;
  s.Write(s.env.cwd + "/clouds.yaml", OneCloud("c", "http://cwd:5000"));
  s.Write(s.env.cwd + "/secure.yaml", "clouds:\n  c:\n    auth:\n      password: from-secure\n");
  auto r = ResolveCloud("c", s.env);
  REQUIRE(r.ok());
  CHECK(r->password == "from-secure");
  CHECK(r->username == "u");  // siblings from clouds.yaml survive the merge
}

TEST_CASE("application credential cloud: inferred fields, first of regions, cacert") {
  Sandbox s;
  s.CopyTestdata(s.UserDir());
  auto r = ResolveCloud("scs-appcred", s.env);
  REQUIRE(r.ok());
  CHECK(r->auth_type == "v3applicationcredential");
  CHECK(r->app_cred_id == "7e3c1b2a9f0d4c6e8a5b3d1f2e4c6a8b");
  CHECK(r->app_cred_secret == "Zm9vYmFyLXNlY3JldC1kby1ub3QtbGVhaw");
  CHECK(r->auth_url == "https://keystone.example.com:5000/v3");  // trailing slash dropped
  CHECK(r->region == "fra1");
  CHECK(r->cacert == "/etc/ssl/scs-ca.pem");
  CHECK(r->verify);
  CHECK(r->interface == "public");
}

TEST_CASE("an explicit cloud name beats OS_CLOUD, and OS_CLOUD is used without one") {
  Sandbox s;
  s.CopyTestdata(s.env.cwd);
  s.env.vars["OS_CLOUD"] = "ostb-demo";
  auto named = ResolveCloud("ostb-admin", s.env);
  REQUIRE(named.ok());
  CHECK(named->name == "ostb-admin");
  auto from_env = ResolveCloud("", s.env);
  REQUIRE(from_env.ok());
  CHECK(from_env->name == "ostb-demo");
}

TEST_CASE("plain OS_* variables make a cloud when no name and no OS_CLOUD is given") {
  Sandbox s;
  s.CopyTestdata(s.env.cwd);  // present but not selected
  s.env.vars = {{"OS_AUTH_URL", "https://id.example.com:5000/"},
                {"OS_USERNAME", "alice"},
                {"OS_PASSWORD", "s3cret"},
                {"OS_PROJECT_ID", "p-123"},
                {"OS_USER_DOMAIN_NAME", "corp"},
                {"OS_REGION_NAME", "RegionTwo"},
                {"OS_INTERFACE", "internal"},
                {"OS_CACERT", "/ca.pem"},
                {"OS_INSECURE", "true"}};
  auto r = ResolveCloud("", s.env);
  REQUIRE(r.ok());
  CHECK(r->name == "envvars");
  CHECK(r->source == "environment (OS_*)");
  CHECK(r->auth_type == "password");
  CHECK(r->auth_url == "https://id.example.com:5000/v3");
  CHECK(r->username == "alice");
  CHECK(r->password == "s3cret");
  CHECK(r->project_id == "p-123");
  CHECK(r->user_domain_name == "corp");
  CHECK(r->region == "RegionTwo");
  CHECK(r->interface == "internal");
  CHECK(r->cacert == "/ca.pem");
  CHECK_FALSE(r->verify);
}

TEST_CASE("OS_APPLICATION_CREDENTIAL_* variables infer v3applicationcredential") {
  Sandbox s;
  s.env.vars = {{"OS_AUTH_URL", "http://127.0.0.1:5000/v3"},
                {"OS_APPLICATION_CREDENTIAL_ID", "ac-1"},
                {"OS_APPLICATION_CREDENTIAL_SECRET", "ac-secret"}};
  auto r = ResolveCloud("", s.env);
  REQUIRE(r.ok());
  CHECK(r->auth_type == "v3applicationcredential");
  CHECK(r->app_cred_id == "ac-1");
  CHECK(r->app_cred_secret == "ac-secret");
}

TEST_CASE("a missing OS_* credential is reported by its variable name") {
  Sandbox s;
  s.env.vars = {
      {"OS_AUTH_URL", "http://k:5000"}, {"OS_USERNAME", "alice"}, {"OS_PROJECT_NAME", "demo"}};
  auto r = ResolveCloud("", s.env);
  REQUIRE_FALSE(r.ok());
  REQUIRE(r.diags().size() == 1);
  CHECK(r.diags().items()[0].key == "OS_PASSWORD");
  CHECK(r.diags().items()[0].summary == "cloud 'envvars' has no password");
}

TEST_CASE("a named cloud ignores OS_* credentials with a warning but takes OS_REGION_NAME") {
  Sandbox s;
  s.CopyTestdata(s.env.cwd);
  s.env.vars = {
      {"OS_CLOUD", "ostb-demo"}, {"OS_PASSWORD", "env-password"}, {"OS_REGION_NAME", "RegionTwo"}};
  auto r = ResolveCloud("", s.env);
  REQUIRE(r.ok());
  CHECK(r->password == "demo-secret");
  CHECK(r->region == "RegionTwo");
  REQUIRE(r.diags().size() == 1);
  CHECK(r.diags().items()[0].severity == Severity::kWarning);
  CHECK(r.diags().items()[0].detail.find("OS_PASSWORD") != std::string::npos);
  CheckNoSecret(r.diags(), "env-password");
}

TEST_CASE("the cloud name 'envvars' selects the OS_* cloud") {
  Sandbox s;
  s.env.vars = {{"OS_AUTH_URL", "http://k:5000"},
                {"OS_APPLICATION_CREDENTIAL_ID", "i"},
                {"OS_APPLICATION_CREDENTIAL_SECRET", "x"}};
  auto r = ResolveCloud("envvars", s.env);
  REQUIRE(r.ok());
  CHECK(r->app_cred_id == "i");
}

TEST_CASE("an unknown cloud lists the clouds found and the places searched") {
  Sandbox s;
  s.CopyTestdata(s.env.cwd);
  auto r = ResolveCloud("prod", s.env);
  REQUIRE_FALSE(r.ok());
  const auto& d = r.diags().items()[0];
  CHECK(d.summary == "cloud 'prod' not found");
  CHECK(d.detail.find("clouds found: ostb-admin, ostb-demo, scs-appcred") != std::string::npos);
  CHECK(d.detail.find(s.env.cwd + "/clouds.yaml") != std::string::npos);
  CHECK(d.detail.find(s.UserDir()) != std::string::npos);
  CHECK(d.detail.find(s.EtcDir()) != std::string::npos);
  CheckNoSecret(r.diags(), "admin-secret");
  CheckNoSecret(r.diags(), "demo-secret");
}

TEST_CASE("no clouds.yaml anywhere and nothing selected says how to select a cloud") {
  Sandbox s;
  auto r = ResolveCloud("", s.env);
  REQUIRE_FALSE(r.ok());
  const auto& d = r.diags().items()[0];
  CHECK(d.summary == "no OpenStack cloud selected");
  CHECK(d.detail.find("OS_CLOUD") != std::string::npos);
  CHECK(d.detail.find("clouds found: none") != std::string::npos);
}

TEST_CASE("missing keys in clouds.yaml are named by their clouds.yaml path, secrets never shown") {
  Sandbox s;
  s.Write(s.env.cwd + "/clouds.yaml",
          "clouds:\n  c:\n    auth:\n      username: u\n      password: topsecret-pw\n");
  auto r = ResolveCloud("c", s.env);
  REQUIRE_FALSE(r.ok());
  std::vector<std::string> keys;
  for (const auto& d : r.diags().items()) keys.push_back(d.key);
  CHECK(keys == std::vector<std::string>{"clouds.c.auth.auth_url", "clouds.c.auth.project_name"});
  CHECK(r.diags().items()[0].detail.find(s.env.cwd + "/clouds.yaml") != std::string::npos);
  CheckNoSecret(r.diags(), "topsecret-pw");
}

TEST_CASE("an application credential needs its secret and an id or a name plus a user") {
  Sandbox s;
  s.Write(s.env.cwd + "/clouds.yaml",
          "clouds:\n"
          "  noid:\n    auth_type: v3applicationcredential\n"
          "    auth:\n      auth_url: http://k\n      application_credential_secret: sekrit\n"
          "  nouser:\n    auth_type: v3applicationcredential\n"
          "    auth:\n      auth_url: http://k\n      application_credential_name: n\n"
          "      application_credential_secret: sekrit\n"
          "  byname:\n    auth_type: v3applicationcredential\n"
          "    auth:\n      auth_url: http://k\n      application_credential_name: n\n"
          "      application_credential_secret: sekrit\n      username: bob\n");
  auto noid = ResolveCloud("noid", s.env);
  REQUIRE_FALSE(noid.ok());
  CHECK(noid.diags().items()[0].key == "clouds.noid.auth.application_credential_id");
  CheckNoSecret(noid.diags(), "sekrit");
  auto nouser = ResolveCloud("nouser", s.env);
  REQUIRE_FALSE(nouser.ok());
  CHECK(nouser.diags().items()[0].key == "clouds.nouser.auth.user_id");
  auto byname = ResolveCloud("byname", s.env);
  REQUIRE(byname.ok());
  CHECK(byname->user_domain_id == "default");  // the CLI's default domain
}

TEST_CASE("auth_type v3password is password, unsupported auth types are rejected") {
  Sandbox s;
  s.Write(s.env.cwd + "/clouds.yaml",
          "clouds:\n"
          "  v3p:\n    auth_type: v3password\n    auth: {auth_url: 'http://k', username: u, "
          "password: p, project_id: x}\n"
          "  tok:\n    auth_type: v3token\n    auth: {auth_url: 'http://k', token: t}\n");
  auto v3p = ResolveCloud("v3p", s.env);
  REQUIRE(v3p.ok());
  CHECK(v3p->auth_type == "password");
  auto tok = ResolveCloud("tok", s.env);
  REQUIRE_FALSE(tok.ok());
  CHECK(tok.diags().items()[0].summary == "auth_type 'v3token' is not supported");
  CHECK(tok.diags().items()[0].key == "clouds.tok.auth_type");
}

TEST_CASE("identity_api_version other than 3 is rejected") {
  Sandbox s;
  s.Write(
      s.env.cwd + "/clouds.yaml",
      "clouds:\n  old:\n    identity_api_version: 2\n    auth: {auth_url: 'http://k:5000/v2.0', "
      "username: u, password: p, project_name: x}\n");
  auto r = ResolveCloud("old", s.env);
  REQUIRE_FALSE(r.ok());
  CHECK(r.diags().items()[0].key == "clouds.old.identity_api_version");
}

TEST_CASE("verify false, insecure true and a verify path are understood") {
  Sandbox s;
  s.Write(s.env.cwd + "/clouds.yaml",
          "clouds:\n"
          "  a:\n    verify: false\n    auth: {auth_url: 'http://k', username: u, password: p, "
          "project_id: x}\n"
          "  b:\n    insecure: yes\n    auth: {auth_url: 'http://k', username: u, password: p, "
          "project_id: x}\n"
          "  c:\n    verify: /etc/ca.pem\n    auth: {auth_url: 'http://k', username: u, password: "
          "p, project_id: x}\n");
  CHECK_FALSE(ResolveCloud("a", s.env)->verify);
  CHECK_FALSE(ResolveCloud("b", s.env)->verify);
  auto c = ResolveCloud("c", s.env);
  REQUIRE(c.ok());
  CHECK(c->verify);
  CHECK(c->cacert == "/etc/ca.pem");
}

TEST_CASE("interface accepts the legacy publicURL spelling and rejects nonsense") {
  Sandbox s;
  s.Write(s.env.cwd + "/clouds.yaml",
          "clouds:\n"
          "  legacy:\n    endpoint_type: internalURL\n    auth: {auth_url: 'http://k', username: "
          "u, password: p, project_id: x}\n"
          "  bad:\n    interface: private\n    auth: {auth_url: 'http://k', username: u, "
          "password: p, project_id: x}\n");
  CHECK(ResolveCloud("legacy", s.env)->interface == "internal");
  auto bad = ResolveCloud("bad", s.env);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.diags().items()[0].key == "clouds.bad.interface");
}

TEST_CASE("domain_name stands in for both user and project domain, tenant_name for project") {
  Sandbox s;
  s.Write(s.env.cwd + "/clouds.yaml",
          "clouds:\n  c:\n    auth:\n      auth_url: http://k\n      username: u\n"
          "      password: p\n      tenant_name: legacy\n      domain_name: corp\n");
  auto r = ResolveCloud("c", s.env);
  REQUIRE(r.ok());
  CHECK(r->project_name == "legacy");
  CHECK(r->user_domain_name == "corp");
  CHECK(r->project_domain_name == "corp");
  CHECK(r->user_domain_id.empty());
}

TEST_CASE("users and projects given by name default to the domain with id 'default'") {
  Sandbox s;
  s.Write(s.env.cwd + "/clouds.yaml", OneCloud("c", "http://k"));
  auto r = ResolveCloud("c", s.env);
  REQUIRE(r.ok());
  CHECK(r->user_domain_id == "default");
  CHECK(r->project_domain_id == "default");
}

TEST_CASE("a malformed clouds.yaml reports file, line and column but not its content") {
  Sandbox s;
  s.Write(s.env.cwd + "/clouds.yaml",
          "clouds:\n  c:\n    auth:\n      password: [leaked-pw\n      username: u\n");
  auto r = ResolveCloud("c", s.env);
  REQUIRE_FALSE(r.ok());
  const auto& d = r.diags().items()[0];
  CHECK(d.summary == "cannot parse " + s.env.cwd + "/clouds.yaml");
  CHECK(d.where.line > 0);
  CheckNoSecret(r.diags(), "leaked-pw");
}

TEST_CASE("NormalizeAuthUrl makes every auth_url end in /v3") {
  CHECK(NormalizeAuthUrl("http://k:5000") == "http://k:5000/v3");
  CHECK(NormalizeAuthUrl("http://k:5000/") == "http://k:5000/v3");
  CHECK(NormalizeAuthUrl("http://k:5000/v3") == "http://k:5000/v3");
  CHECK(NormalizeAuthUrl("http://k:5000/v3//") == "http://k:5000/v3");
  CHECK(NormalizeAuthUrl("https://cloud/identity") == "https://cloud/identity/v3");
  CHECK(NormalizeAuthUrl("http://k:5000/v2.0/") == "http://k:5000/v3");
}

TEST_CASE("DeepMerge merges nested objects and replaces scalars and arrays") {
  Value base = {{"clouds", {{"a", {{"auth", {{"u", "1"}, {"p", "x"}}}, {"r", {"a", "b"}}}}}}};
  DeepMerge(base, {{"clouds", {{"a", {{"auth", {{"p", "y"}}}, {"r", {"c"}}}}}}});
  CHECK(base == Value({{"clouds", {{"a", {{"auth", {{"u", "1"}, {"p", "y"}}}, {"r", {"c"}}}}}}}));
}

// ---- provider-config overlay ----

CloudConfig Base() {
  CloudConfig c;
  c.name = "base";
  c.auth_type = "password";
  c.auth_url = "http://k:5000/v3";
  c.username = "u";
  c.password = "base-pw";
  c.user_domain_id = "default";
  c.project_name = "p";
  c.project_domain_id = "default";
  c.region = "RegionOne";
  c.source = "/x/clouds.yaml";
  return c;
}

TEST_CASE("the provider block overrides region, interface, cacert and insecure") {
  auto r = OverlayProviderConfig(Base(), {{"region", "RegionTwo"},
                                          {"interface", "internal"},
                                          {"cacert", "/ca.pem"},
                                          {"insecure", true}});
  REQUIRE(r.ok());
  CHECK(r->region == "RegionTwo");
  CHECK(r->interface == "internal");
  CHECK(r->cacert == "/ca.pem");
  CHECK_FALSE(r->verify);
  CHECK(r->password == "base-pw");
  CHECK(r->source == "/x/clouds.yaml + providers.openstack (region, interface, cacert, insecure)");
}

TEST_CASE("an empty or null provider block leaves the cloud as resolved") {
  auto a = OverlayProviderConfig(Base(), Value::object());
  auto b = OverlayProviderConfig(Base(), nullptr);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(a->source == "/x/clouds.yaml");
  CHECK(b->region == "RegionOne");
}

TEST_CASE("application credentials in the provider block switch the auth type") {
  auto r = OverlayProviderConfig(
      Base(), {{"application_credential_id", "ac"}, {"application_credential_secret", "s"}});
  REQUIRE(r.ok());
  CHECK(r->auth_type == "v3applicationcredential");
  CHECK(r->app_cred_id == "ac");
}

TEST_CASE("the provider block rejects unknown keys, wrong types and unknown values") {
  auto unknown = OverlayProviderConfig(Base(), {{"regoin", "x"}});
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.diags().items()[0].key == "providers.openstack.regoin");
  CHECK(unknown.diags().items()[0].detail.find("region") != std::string::npos);

  auto typed = OverlayProviderConfig(Base(), {{"verify", "no"}, {"password", 42}});
  REQUIRE_FALSE(typed.ok());
  CHECK(typed.diags().size() == 2);

  auto later = OverlayProviderConfig(Base(), {{"region", Unknown()}});
  REQUIRE_FALSE(later.ok());
  CHECK(later.diags().items()[0].summary.find("not known until apply") != std::string::npos);
}

TEST_CASE("the provider block's cloud key selects the clouds.yaml entry") {
  Sandbox s;
  s.CopyTestdata(s.env.cwd);
  s.env.vars["OS_CLOUD"] = "ostb-admin";
  auto r = ResolveProviderConfig({{"cloud", "ostb-demo"}, {"region", "RegionX"}}, s.env);
  REQUIRE(r.ok());
  CHECK(r->name == "ostb-demo");
  CHECK(r->password == "demo-secret");
  CHECK(r->region == "RegionX");
}

TEST_CASE("a provider block without cloud falls back to OS_CLOUD") {
  Sandbox s;
  s.CopyTestdata(s.env.cwd);
  s.env.vars["OS_CLOUD"] = "ostb-admin";
  auto r = ResolveProviderConfig(Value::object(), s.env);
  REQUIRE(r.ok());
  CHECK(r->name == "ostb-admin");
}

TEST_CASE("a provider block can carry complete inline credentials without any cloud") {
  Sandbox s;
  auto r = ResolveProviderConfig({{"auth_url", "http://k:5000"},
                                  {"application_credential_id", "ac"},
                                  {"application_credential_secret", "inline-secret"}},
                                 s.env);
  REQUIRE(r.ok());
  CHECK(r->auth_type == "v3applicationcredential");
  CHECK(r->auth_url == "http://k:5000/v3");
}

TEST_CASE("an incomplete inline provider block names the provider key, not the secret") {
  Sandbox s;
  auto r = ResolveProviderConfig(
      {{"auth_url", "http://k:5000"}, {"application_credential_secret", "inline-secret"}}, s.env);
  REQUIRE_FALSE(r.ok());
  CHECK(r.diags().items()[0].key == "providers.openstack.application_credential_id");
  CheckNoSecret(r.diags(), "inline-secret");
}

TEST_CASE("a provider cloud that does not exist is reported as such") {
  Sandbox s;
  s.CopyTestdata(s.env.cwd);
  auto r = ResolveProviderConfig({{"cloud", "nope"}}, s.env);
  REQUIRE_FALSE(r.ok());
  CHECK(r.diags().items()[0].summary == "cloud 'nope' not found");
}

TEST_CASE("a clouds.yaml whose alias refers to its own mapping is an error and no crash") {
  // Found by clouds_yaml_fuzz: yaml-cpp builds a cyclic node graph for this; converting it
  // recursed until the stack overflowed.
  auto r =
      ParseYamlDocument("clouds:\n  c: &base\n    <<: *base\n    region_name: R\n", "clouds.yaml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.diags().items()[0].summary.find("nested more than 64 levels") != std::string::npos);
}

TEST_CASE("a clouds.yaml alias bomb is refused before it expands") {
  std::string doc = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= 8; ++i) {
    std::string prev = "*a" + std::to_string(i - 1);
    doc += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + prev;
    for (int k = 0; k < 9; ++k) doc += ", " + prev;
    doc += "]\n";
  }
  auto r = ParseYamlDocument(doc, "clouds.yaml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.diags().items()[0].summary.find("more than 100000 values") != std::string::npos);
}

TEST_CASE("a clouds.yaml with shared anchors within the limits still reads") {
  auto r = ParseYamlDocument(
      "base: &base {region_name: R}\nclouds:\n  a: *base\n  b: {<<: *base, interface: public}\n",
      "clouds.yaml");
  REQUIRE(r.ok());
  CHECK((*r)["clouds"]["a"]["region_name"] == "R");
}

}  // namespace
}  // namespace capstan::openstack
