// Loader diagnostics: every mistake is reported with file:line:column and its key path.
#include <catch2/catch.hpp>

#include "tests/engine/config/stack_fixture.h"

namespace capstan {
namespace {

using testing::TempStack;

/// Loads `yaml` as the stack's only file; requires failure and returns the diagnostics.
Diagnostics LoadErrors(TempStack& t, const std::string& yaml) {
  t.Write("main.yaml", yaml);
  auto r = t.Load();
  REQUIRE_FALSE(r.ok());
  return r.diags();
}

/// The first error diagnostic whose summary contains `needle`.
const Diagnostic* Find(const Diagnostics& d, const std::string& needle) {
  for (const auto& item : d.items()) {
    if (item.summary.find(needle) != std::string::npos) return &item;
  }
  return nullptr;
}

void CheckAt(const Diagnostics& d, const std::string& needle, int line, int col,
             const std::string& key = {}) {
  INFO(d.ToString());
  const Diagnostic* item = Find(d, needle);
  REQUIRE(item != nullptr);
  CHECK(item->where.line == line);
  CHECK(item->where.column == col);
  CHECK(item->where.file.find("main.yaml") != std::string::npos);
  if (!key.empty()) CHECK(item->key == key);
}

TEST_CASE("loader reports file:line:column for an unknown top-level key with a hint") {
  TempStack t;
  auto d = LoadErrors(t, "stack: s\nresource:\n  a: {type: local.file}\n");
  CheckAt(d, "Unknown top-level key \"resource\"", 2, 1, "resource");
  CHECK(Find(d, "Unknown top-level")->detail.find("Did you mean \"resources\"") !=
        std::string::npos);
}

TEST_CASE("loader reports YAML syntax errors with their position") {
  TempStack t;
  auto d = LoadErrors(t, "stack: s\nresources:\n  a: [1, 2\n");
  INFO(d.ToString());
  const Diagnostic* item = Find(d, "YAML syntax error");
  REQUIRE(item != nullptr);
  CHECK(item->where.line >= 3);
}

TEST_CASE("loader reports unknown keys inside resource, variable, output and lifecycle blocks") {
  TempStack t;
  auto d = LoadErrors(t,
                      "stack: s\n"
                      "variables:\n"
                      "  v: {type: string, defualt: x}\n"
                      "resources:\n"
                      "  a:\n"
                      "    type: local.file\n"
                      "    propertes: {}\n"
                      "    lifecycle: {prevent_destory: true}\n"
                      "outputs:\n"
                      "  o: {value: 1, sensitiv: true}\n");
  CheckAt(d, "Unknown key \"defualt\"", 3, 21, "variables.v.defualt");
  CheckAt(d, "Unknown key \"propertes\"", 7, 5, "resources.a.propertes");
  CheckAt(d, "Unknown key \"prevent_destory\"", 8, 17, "resources.a.lifecycle.prevent_destory");
  CheckAt(d, "Unknown key \"sensitiv\"", 10, 17, "outputs.o.sensitiv");
  CHECK(Find(d, "propertes")->detail.find("Did you mean \"properties\"") != std::string::npos);
}

TEST_CASE("loader reports an undeclared variable at its column inside the scalar") {
  TempStack t;
  auto d = LoadErrors(t,
                      "stack: s\n"
                      "variables:\n"
                      "  prefix: {default: p}\n"
                      "resources:\n"
                      "  a:\n"
                      "    type: local.file\n"
                      "    properties:\n"
                      "      name: net-${var.prefx}\n");
  CheckAt(d, "undeclared variable \"prefx\"", 8, 19, "resources.a.properties.name");
  CHECK(Find(d, "prefx")->detail.find("Did you mean \"prefix\"") != std::string::npos);
}

TEST_CASE("loader reports a reference to an undeclared resource with a hint") {
  TempStack t;
  auto d = LoadErrors(t,
                      "stack: s\n"
                      "resources:\n"
                      "  network: {type: openstack.network}\n"
                      "  port:\n"
                      "    type: openstack.port\n"
                      "    properties: {network_id: \"${netwrk.id}\"}\n");
  CheckAt(d, "undeclared resource \"netwrk\"", 6, 33, "resources.port.properties.network_id");
  CHECK(Find(d, "netwrk")->detail.find("Did you mean \"network\"") != std::string::npos);
}

TEST_CASE("loader rejects resource names that are reserved words") {
  TempStack t;
  auto d = LoadErrors(t, "stack: s\nresources:\n  count: {type: local.file}\n");
  CheckAt(d, "reserved word", 3, 3, "resources.count");
}

TEST_CASE("loader reports duplicate keys across files naming both places") {
  TempStack t;
  t.Write("a.yaml", "stack: s\nresources:\n  x: {type: local.file}\n");
  t.Write("b.yaml", "resources:\n\n  x: {type: local.file}\n");
  auto r = t.Load();
  REQUIRE_FALSE(r.ok());
  INFO(r.diags().ToString());
  const Diagnostic* d = Find(r.diags(), "Duplicate key \"resources.x\"");
  REQUIRE(d != nullptr);
  CHECK(d->where.file.find("b.yaml") != std::string::npos);
  CHECK(d->where.line == 3);
  CHECK(d->detail.find("a.yaml:3:3") != std::string::npos);
}

TEST_CASE("loader reports a resource without type and an invalid type") {
  TempStack t;
  auto d = LoadErrors(t,
                      "stack: s\nresources:\n  a: {properties: {}}\n"
                      "  b: {type: network}\n");
  CheckAt(d, "has no \"type\"", 3, 6, "resources.a");
  CheckAt(d, "Invalid resource type \"network\"", 4, 13, "resources.b.type");
}

TEST_CASE("loader says for_each must be known before apply and names the reference") {
  TempStack t;
  auto d = LoadErrors(t,
                      "stack: s\n"
                      "resources:\n"
                      "  net: {type: openstack.network}\n"
                      "  port:\n"
                      "    type: openstack.port\n"
                      "    for_each: \"${net.tags}\"\n");
  CheckAt(d, "for_each must be known before apply; it refers to net.tags", 6, 18,
          "resources.port.for_each");
}

TEST_CASE("loader explains how to refer to an attribute of a counted resource") {
  TempStack t;
  auto d = LoadErrors(t,
                      "stack: s\n"
                      "resources:\n"
                      "  net: {type: openstack.network, count: 2}\n"
                      "  port:\n"
                      "    type: openstack.port\n"
                      "    properties:\n"
                      "      network_id: ${net.id}\n");
  CheckAt(d, "Resource \"net\" has count; pick an instance", 7, 21,
          "resources.port.properties.network_id");
  CHECK(Find(d, "pick an instance")->detail.find("net[*].id") != std::string::npos);
}

TEST_CASE("loader rejects a negative count") {
  TempStack t;
  auto d = LoadErrors(t, "stack: s\nresources:\n  a: {type: local.file, count: -1}\n");
  CheckAt(d, "count must be a non-negative integer", 3, 32, "resources.a.count");
}

TEST_CASE("loader rejects a resource with both count and for_each") {
  TempStack t;
  auto d =
      LoadErrors(t, "stack: s\nresources:\n  b: {type: local.file, count: 1, for_each: [x]}\n");
  CheckAt(d, "both for_each and count", 3, 32, "resources.b.count");
}

TEST_CASE("loader requires a stack name") {
  TempStack t;
  auto d = LoadErrors(t, "resources:\n  a: {type: local.file}\n");
  REQUIRE(Find(d, "no name") != nullptr);
}

TEST_CASE("loader reports calls to unknown functions with a hint") {
  TempStack t;
  auto d = LoadErrors(t,
                      "stack: s\n"
                      "resources:\n"
                      "  a:\n"
                      "    type: local.file\n"
                      "    properties: {content: \"${jion(\\\",\\\", [])}\"}\n");
  CheckAt(d, "unknown function \"jion\"", 5, 30);
  CHECK(Find(d, "jion")->detail.find("join") != std::string::npos);
}

TEST_CASE("loader rejects a local that refers to a resource") {
  TempStack t;
  auto d = LoadErrors(t,
                      "stack: s\n"
                      "locals:\n"
                      "  id: ${net.id}\n"
                      "resources:\n"
                      "  net: {type: openstack.network}\n");
  CheckAt(d, "Local \"id\" refers to resource \"net\"", 3, 9, "locals.id");
}

TEST_CASE("loader reports a module call missing a required input and unknown inputs") {
  TempStack t;
  t.Write("mod/main.yaml", "variables:\n  name: {type: string}\n");
  auto d = LoadErrors(t,
                      "stack: s\n"
                      "modules:\n"
                      "  m:\n"
                      "    source: ./mod\n"
                      "    inputs: {nme: x}\n");
  CheckAt(d, "requires input \"name\"", 3, 3, "modules.m.inputs");
  CheckAt(d, "has no variable \"nme\"", 5, 19, "modules.m.inputs.nme");
}

TEST_CASE("loader reports syntax errors inside an interpolation at the exact column") {
  TempStack t;
  auto d = LoadErrors(t,
                      "stack: s\n"
                      "resources:\n"
                      "  a:\n"
                      "    type: local.file\n"
                      "    properties:\n"
                      "      content: x-${1 + }\n");
  CheckAt(d, "Invalid expression", 6, 24, "resources.a.properties.content");
}

TEST_CASE("loader reports a reference to an undeclared module output") {
  TempStack t;
  t.Write("mod/main.yaml", "outputs:\n  id: {value: 1}\n");
  auto d = LoadErrors(t,
                      "stack: s\n"
                      "modules:\n"
                      "  m: {source: ./mod}\n"
                      "outputs:\n"
                      "  x: {value: \"${module.m.idd}\"}\n");
  CheckAt(d, "Module \"m\" has no output \"idd\"", 5, 17, "outputs.x.value");
}

TEST_CASE("loader collects several errors in one run") {
  TempStack t;
  auto d = LoadErrors(t,
                      "stack: s\n"
                      "resources:\n"
                      "  a: {type: local.file, properties: {x: \"${var.nope}\"}}\n"
                      "  b: {type: local.file, properties: {x: \"${nope.id}\"}}\n");
  CHECK(Find(d, "undeclared variable") != nullptr);
  CHECK(Find(d, "undeclared resource") != nullptr);
}

TEST_CASE("loader refuses YAML nested deeper than 200 levels") {
  TempStack t;
  std::string deep = "stack: s\nlocals:\n  x: ";
  for (int i = 0; i < 250; ++i) deep += "[";
  for (int i = 0; i < 250; ++i) deep += "]";
  deep += "\n";
  auto d = LoadErrors(t, deep);
  CHECK(Find(d, "nesting deeper") != nullptr);
}

TEST_CASE("loader stops a module that uses itself instead of recursing forever") {
  TempStack t;
  t.Write("mod/main.yaml", "modules:\n  again: {source: .}\n");
  auto d = LoadErrors(t, "stack: s\nmodules:\n  m: {source: ./mod}\n");
  CHECK(Find(d, "Modules nest deeper") != nullptr);
}

}  // namespace
}  // namespace capstan
