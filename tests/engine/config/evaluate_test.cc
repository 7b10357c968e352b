// StackConfig::Evaluate against a fake ValueSource: values, unknowns, sensitivity, errors.
#include <catch2/catch.hpp>

#include "tests/engine/config/stack_fixture.h"

namespace capstan {
namespace {

using testing::MapValues;
using testing::TempStack;
using testing::VertexNamed;

std::unique_ptr<StackConfig> Load(TempStack& t, const std::string& yaml) {
  t.Write("main.yaml", yaml);
  auto r = t.Load();
  INFO(r.diags().ToString());
  REQUIRE(r.ok());
  return std::move(*r);
}

const char* kStack = R"(stack: ev
variables:
  password: {type: string, default: hunter2, sensitive: true}
  prefix: {default: cap}
resources:
  net:
    type: openstack.network
    properties: {name: "${var.prefix}-net"}
  user:
    type: openstack.user
    properties:
      name: admin
      password: "${var.password}"
  port:
    type: openstack.port
    count: 2
    properties:
      network_id: ${net.id}
      label: "port-${count.index}-${net.name}"
      secret: ${user.password}
      whole: ${user}
      user_name: ${user.name}
  bad:
    type: openstack.port
    properties: {x: "${net.idd}"}
outputs:
  ids: {value: "${port[*].network_id}"}
  pw: {value: "${user.password}"}
)";

TEST_CASE("Evaluate resolves properties from dependency values") {
  TempStack t;
  auto s = Load(t, kStack);
  MapValues values;
  values.Set(VertexNamed(*s, "openstack.network.net"), {{"id", "n-1"}, {"name", "cap-net"}});
  auto v = s->Evaluate(VertexNamed(*s, "openstack.port.port[1]"), values);
  INFO(v.diags().ToString());
  REQUIRE(v.ok());
  CHECK(v->value["network_id"] == "n-1");
  CHECK(v->value["label"] == "port-1-cap-net");
}

TEST_CASE("Evaluate yields unknown where a dependency has no value yet") {
  TempStack t;
  auto s = Load(t, kStack);
  MapValues values;
  auto v = s->Evaluate(VertexNamed(*s, "openstack.port.port[0]"), values);
  REQUIRE(v.ok());
  CHECK(IsUnknown(v->value["network_id"]));
  CHECK(IsUnknown(v->value["label"]));
  values.Set(VertexNamed(*s, "openstack.network.net"), {{"id", Unknown()}, {"name", "x"}});
  v = s->Evaluate(VertexNamed(*s, "openstack.port.port[0]"), values);
  REQUIRE(v.ok());
  CHECK(IsUnknown(v->value["network_id"]));
  CHECK(v->value["label"] == "port-0-x");
}

TEST_CASE("Evaluate marks properties that come from sensitive variables") {
  TempStack t;
  auto s = Load(t, kStack);
  MapValues values;
  auto v = s->Evaluate(VertexNamed(*s, "openstack.user.user"), values);
  REQUIRE(v.ok());
  CHECK(v->value["password"] == "hunter2");
  CHECK(v->sensitive == std::set<std::string>{"password"});
  CHECK(s->sensitive_variables().count("password") == 1);
}

TEST_CASE("Evaluate propagates sensitivity of resource attributes and whole objects") {
  TempStack t;
  auto s = Load(t, kStack);
  MapValues values;
  values.Set(VertexNamed(*s, "openstack.user.user"), {{"name", "admin"}, {"password", "p"}},
             {"password"});
  auto v = s->Evaluate(VertexNamed(*s, "openstack.port.port[0]"), values);
  REQUIRE(v.ok());
  CHECK(v->sensitive.count("secret") == 1);
  CHECK(v->sensitive.count("whole") == 1);
  CHECK(v->sensitive.count("user_name") == 0);
  CHECK(v->sensitive.count("label") == 0);
}

TEST_CASE("Evaluate of an output is sensitive when its value came from a secret") {
  TempStack t;
  auto s = Load(t, kStack);
  MapValues values;
  values.Set(VertexNamed(*s, "openstack.user.user"), {{"password", "p"}}, {"password"});
  auto pw = s->Evaluate(VertexNamed(*s, "output.pw"), values);
  REQUIRE(pw.ok());
  CHECK(pw->all_sensitive);
  values.Set(VertexNamed(*s, "openstack.port.port[0]"), {{"network_id", "a"}});
  values.Set(VertexNamed(*s, "openstack.port.port[1]"), {{"network_id", "b"}});
  auto ids = s->Evaluate(VertexNamed(*s, "output.ids"), values);
  REQUIRE(ids.ok());
  CHECK(ids->value == Value::array({"a", "b"}));
  CHECK_FALSE(ids->all_sensitive);
}

TEST_CASE("Evaluate reports a missing attribute of a known object with its location") {
  TempStack t;
  auto s = Load(t, kStack);
  MapValues values;
  values.Set(VertexNamed(*s, "openstack.network.net"), {{"id", "n"}});
  auto v = s->Evaluate(VertexNamed(*s, "openstack.port.bad"), values);
  REQUIRE_FALSE(v.ok());
  const Diagnostic& d = v.diags().items()[0];
  CHECK(d.summary == "openstack.network.net has no attribute \"idd\"");
  CHECK(d.where.line == 25);
  CHECK(d.where.column == 24);
  CHECK(d.key == "resources.bad.properties.x");
  CHECK(d.detail.find("Did you mean \"id\"") != std::string::npos);
}

TEST_CASE("Evaluate of a module output and input flows values across the module boundary") {
  TempStack t;
  t.Write("mod/main.yaml",
          "variables:\n  id: {type: string}\n  token: {sensitive: true, default: x}\n"
          "resources:\n  r: {type: local.file, properties: {content: \"${var.id}\"}}\n"
          "outputs:\n  content: {value: \"${r.content}\"}\n");
  auto s = Load(t,
                "stack: m\nresources:\n  a: {type: local.file}\n"
                "modules:\n  m: {source: ./mod, inputs: {id: \"${a.id}\"}}\n"
                "outputs:\n  c: {value: \"${module.m.content}\"}\n");
  MapValues values;
  values.Set(VertexNamed(*s, "local.file.a"), {{"id", "A"}});
  int var = VertexNamed(*s, "module.m.var.id");
  auto in = s->Evaluate(var, values);
  REQUIRE(in.ok());
  CHECK(in->value == "A");
  values.Set(var, in->value);
  auto r = s->Evaluate(VertexNamed(*s, "module.m.local.file.r"), values);
  REQUIRE(r.ok());
  CHECK(r->value["content"] == "A");
  values.Set(VertexNamed(*s, "module.m.local.file.r"), r->value);
  int out = VertexNamed(*s, "module.m.output.content");
  auto o = s->Evaluate(out, values);
  REQUIRE(o.ok());
  CHECK(o->value == "A");
  values.Set(out, o->value);
  auto c = s->Evaluate(VertexNamed(*s, "output.c"), values);
  REQUIRE(c.ok());
  CHECK(c->value == "A");
  auto token = s->Evaluate(VertexNamed(*s, "module.m.var.token"), values);
  REQUIRE(token.ok());
  CHECK(token->all_sensitive);
}

TEST_CASE("locals are resolved with variables and functions") {
  TempStack t;
  auto s = Load(
      t,
      "stack: l\nvariables:\n  names: {default: [a, b]}\n"
      "locals:\n  joined: \"${join(\\\"-\\\", var.names)}\"\n  upper: \"${upper(local.joined)}\"\n"
      "resources:\n  f: {type: local.file, properties: {c: \"${local.upper}\"}}\n");
  MapValues values;
  auto v = s->Evaluate(VertexNamed(*s, "local.file.f"), values);
  INFO(v.diags().ToString());
  REQUIRE(v.ok());
  CHECK(v->value["c"] == "A-B");
}

TEST_CASE("providers lists declared blocks with configs evaluated from variables") {
  TempStack t;
  auto s = Load(t,
                "stack: p\nvariables:\n  cloud: {default: gx}\n"
                "providers:\n  openstack: {cloud: \"${var.cloud}\"}\n  local: {}\n");
  REQUIRE(s->providers().size() == 2);
  CHECK(s->providers()[0].name == "local");
  CHECK(s->providers()[1].name == "openstack");
  CHECK(s->providers()[1].config == Value({{"cloud", "gx"}}));
  CHECK(s->providers()[1].where.line == 5);
}

TEST_CASE("plain YAML scalars keep their type and quoted ones stay strings") {
  TempStack t;
  auto s = Load(t,
                "stack: y\nresources:\n  f:\n    type: local.file\n    properties:\n"
                "      n: 3\n      b: true\n      q: \"3\"\n      f: 1.5\n      z: ~\n");
  MapValues values;
  auto v = s->Evaluate(0, values);
  REQUIRE(v.ok());
  CHECK(v->value["n"] == 3);
  CHECK(v->value["b"] == true);
  CHECK(v->value["q"] == "3");
  CHECK(v->value["f"] == 1.5);
  CHECK(v->value["z"].is_null());
}

TEST_CASE("a ten-thousand-resource stack loads with one vertex per resource") {
  TempStack t;
  std::string yaml = "stack: big\nresources:\n";
  for (int i = 0; i < 10000; ++i) {
    yaml += "  r" + std::to_string(i) + ": {type: local.file, properties: {p: \"${r" +
            std::to_string(i == 0 ? 0 : i - 1) + (i == 0 ? "" : ".id") + "}\"}}\n";
  }
  yaml.replace(yaml.find("${r0}"), 5, "x");
  auto s = Load(t, yaml);
  CHECK(s->vertices().size() == 10000);
  int last = s->FindResource(*Address::Parse("local.file.r9999"));
  REQUIRE(last >= 0);
  REQUIRE(s->vertices()[last].deps.size() == 1);
  CHECK(s->vertices()[s->vertices()[last].deps[0].to].name == "local.file.r9998");
}

}  // namespace
}  // namespace capstan
