// Variables: precedence, conversion, tfvars files, validation, required values, hashing.
#include "engine/config/variables.h"

#include <catch2/catch.hpp>
#include <cstdlib>

#include "tests/engine/config/stack_fixture.h"

namespace capstan {
namespace {

using testing::TempStack;

const char* kVars = R"(stack: v
variables:
  name: {type: string, default: from-default}
  size: {type: number, default: 1}
  tags: {type: list, default: []}
  meta: {type: map, default: {}}
  enabled: {type: bool, default: false}
  secret: {type: string, sensitive: true, default: s3cr3t}
)";

TEST_CASE("variable values take precedence default < var-file < env < --var") {
  TempStack t;
  t.Write("main.yaml", kVars);
  std::string vf = t.Write("../vars-" + std::to_string(getpid()) + ".yaml",
                           "name: from-file\nsize: 2\ntags: [x]\n");
  LoadOptions opts;
  opts.paths = {t.dir()};
  opts.var_files = {vf};
  opts.env_vars = true;
  ::setenv("CAPSTAN_VAR_size", "3", 1);
  ::setenv("CAPSTAN_VAR_tags", "[\"e1\", \"e2\"]", 1);
  opts.vars = {{"tags", "[y, z]"}, {"enabled", "true"}};
  auto r = LoadStack(opts);
  ::unsetenv("CAPSTAN_VAR_size");
  ::unsetenv("CAPSTAN_VAR_tags");
  std::filesystem::remove(vf);
  INFO(r.diags().ToString());
  REQUIRE(r.ok());
  const auto& v = (*r)->variables();
  CHECK(v.at("name") == "from-file");
  CHECK(v.at("size") == 3);
  CHECK(v.at("tags") == Value::array({"y", "z"}));
  CHECK(v.at("enabled") == true);
  CHECK(v.at("meta") == Value::object());
}

TEST_CASE("var strings from --var convert to the declared type") {
  CHECK(*ConvertVarString("42", "number") == 42);
  CHECK(*ConvertVarString("1.5", "number") == 1.5);
  CHECK(*ConvertVarString("false", "bool") == false);
  CHECK(*ConvertVarString("{\"a\": 1}", "map") == Value({{"a", 1}}));
  CHECK(*ConvertVarString("{a: 1}", "map") == Value({{"a", 1}}));
  CHECK(*ConvertVarString("007", "string") == "007");
  CHECK_FALSE(ConvertVarString("abc", "number").ok());
  CHECK_FALSE(ConvertVarString("yes", "bool").ok());
  CHECK_FALSE(ConvertVarString("[1]", "map").ok());
}

TEST_CASE("unknown --var names are errors with a hint") {
  TempStack t;
  t.Write("main.yaml", kVars);
  LoadOptions opts;
  opts.vars = {{"nme", "x"}};
  auto r = t.Load(opts);
  REQUIRE_FALSE(r.ok());
  CHECK(r.diags().ToString().find("undeclared variable \"nme\"") != std::string::npos);
  CHECK(r.diags().ToString().find("Did you mean \"name\"") != std::string::npos);
}

TEST_CASE("a required variable without value says how to set it") {
  TempStack t;
  t.Write("main.yaml", "stack: r\nvariables:\n  password: {type: string}\n");
  auto r = t.Load();
  REQUIRE_FALSE(r.ok());
  const Diagnostic& d = r.diags().items()[0];
  CHECK(d.summary == "No value for required variable \"password\"");
  CHECK(d.where.line == 3);
  CHECK(d.detail.find("--var password=") != std::string::npos);
  CHECK(d.detail.find("CAPSTAN_VAR_password") != std::string::npos);
}

TEST_CASE("type mismatches name the variable but never show sensitive values") {
  TempStack t;
  t.Write("main.yaml", kVars);
  std::string vf = t.Write("../bad-" + std::to_string(getpid()) + ".yaml",
                           "size: [1]\nsecret: [topsecretvalue]\n");
  LoadOptions opts;
  opts.var_files = {vf};
  auto r = t.Load(opts);
  std::filesystem::remove(vf);
  REQUIRE_FALSE(r.ok());
  std::string all = r.diags().ToString();
  CHECK(all.find("Variable \"size\" must be a number, got list") != std::string::npos);
  CHECK(all.find("Variable \"secret\" must be a string") != std::string::npos);
  CHECK(all.find("topsecretvalue") == std::string::npos);
  CHECK(all.find("main.yaml:4:3") != std::string::npos);
}

TEST_CASE("failed validation conditions report the rule's message and location") {
  TempStack t;
  t.Write("main.yaml",
          "stack: v\nvariables:\n  cidr:\n    default: 10.0.0.0/8\n    validation:\n"
          "      - {condition: \"${length(var.cidr) > 12}\", message: cidr too short}\n");
  auto r = t.Load();
  REQUIRE_FALSE(r.ok());
  const Diagnostic& d = r.diags().items()[0];
  CHECK(d.summary == "Invalid value for variable \"cidr\": cidr too short");
  CHECK(d.where.line == 6);
  LoadOptions ok;
  ok.vars = {{"cidr", "10.10.10.0/24"}};
  CHECK(t.Load(ok).ok());
}

TEST_CASE("a SovereignCloudStack environment tfvars file loads as a var file") {
  TempStack t;
  t.Write("main.yaml",
          "stack: scs\nvariables:\n  cloud_provider: {}\n  availability_zone: {}\n"
          "  external: {}\n  kind_flavor: {}\n  controller_flavor: {}\n  worker_flavor: {}\n"
          "  dns_nameservers: {type: list}\n  controller_metadata: {type: map}\n");
  LoadOptions opts;
  opts.var_files = {std::string(CAPSTAN_SOURCE_DIR) +
                    "/tests/engine/config/testdata/scs-environment-gx-scs.tfvars"};
  auto r = t.Load(opts);
  INFO(r.diags().ToString());
  REQUIRE(r.ok());
  const auto& v = (*r)->variables();
  CHECK(v.at("cloud_provider") == "gx-scs");
  CHECK(v.at("worker_flavor") == "SCS-2V:4:20");
  CHECK(v.at("dns_nameservers") == Value::array({"62.138.222.111", "62.138.222.222"}));
  CHECK(v.at("controller_metadata") == Value({{"ps_restart_after_maint", "true"}}));
}

TEST_CASE("tfvars values are typed: numbers, bools, lists and comments") {
  TempStack t;
  std::string vf =
      t.Write("x.tfvars", "// comment\ncount = 3 # three\nflag = true\nl = [\"a\", \"b\"]\n");
  auto r = ReadVarFile(vf);
  INFO(r.diags().ToString());
  REQUIRE(r.ok());
  CHECK(r->at("count").first == 3);
  CHECK(r->at("flag").first == true);
  CHECK(r->at("l").first == Value::array({"a", "b"}));
  CHECK(r->at("l").second.line == 4);
}

TEST_CASE("config_hash is stable across loads and changes when a file changes") {
  TempStack t;
  t.Write("main.yaml", "stack: h\nresources:\n  a: {type: local.file}\n");
  t.Write("mod/m.yaml", "outputs:\n  o: {value: 1}\n");
  t.Write("b.yaml", "modules:\n  m: {source: ./mod}\n");
  auto a = t.Load();
  auto b = t.Load();
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK((*a)->config_hash().size() == 64);
  CHECK((*a)->config_hash() == (*b)->config_hash());
  t.Write("mod/m.yaml", "outputs:\n  o: {value: 2}\n");
  auto c = t.Load();
  REQUIRE(c.ok());
  CHECK((*c)->config_hash() != (*a)->config_hash());
}

TEST_CASE("a --var-file inside the stack directory is not read as a stack file") {
  TempStack t;
  t.Write("main.yaml", kVars);
  std::string vf = t.Write("prod.yaml", "name: from-file-in-dir\n");
  LoadOptions opts;
  opts.var_files = {vf};
  auto r = t.Load(opts);
  INFO(r.diags().ToString());
  REQUIRE(r.ok());
  CHECK((*r)->variables().at("name") == "from-file-in-dir");
  CHECK((*r)->files().size() == 1);
}

}  // namespace
}  // namespace capstan
