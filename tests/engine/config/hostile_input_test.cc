// Hostile input to the stack loader: every input gets a clear error or correct handling,
// never a crash, a hang or unbounded memory.
//
/// Stack files come from pull requests and var files from CI variables, so the loader
/// treats them as untrusted: names with shell metacharacters, newlines and unicode;
/// 1 MB strings, names and expressions; YAML alias bombs ("billion laughs"); 10,000
/// levels of nesting in YAML, expressions and JSON; files bigger than the limit; bytes
/// that are not UTF-8. Each case finishes well inside the test's time (the whole file
/// runs in seconds), so a hang shows as a ctest timeout.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>

#include "tests/engine/config/stack_fixture.h"

namespace capstan {
namespace {

using testing::TempStack;
using testing::VertexNamed;

/// Loads `yaml` as the only stack file.
Result<std::unique_ptr<StackConfig>> LoadText(TempStack& t, const std::string& yaml) {
  t.Write("main.yaml", yaml);
  return t.Load();
}

/// Requires a failed load whose diagnostics contain `needle`, each with a location in
/// main.yaml.
void RequireError(const Result<std::unique_ptr<StackConfig>>& r, const std::string& needle) {
  INFO(r.diags().ToString().substr(0, 2000));
  REQUIRE_FALSE(r.ok());
  CHECK(r.diags().ToString().find(needle) != std::string::npos);
  for (const Diagnostic& d : r.diags().items()) {
    CHECK(d.where.file.find("main.yaml") != std::string::npos);
  }
}

/// Evaluates the first resource vertex of a loaded stack (no dependencies).
Result<VertexValue> EvalFirst(const StackConfig& s) {
  testing::MapValues none;
  for (const Vertex& v : s.vertices()) {
    if (v.kind == VertexKind::kResource) return s.Evaluate(v.id, none);
  }
  return Result<VertexValue>::Fail("no resource");
}

std::string Repeat(const std::string& s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

TEST_CASE("names with shell metacharacters, newlines and spaces are refused with their location",
          "[hostile]") {
  for (const std::string name : {"\"a;rm -rf /\"", "\"$(touch pwned)\"", "\"`id`\"", "\"a b\"",
                                 "\"a\\nb\"", "\"a|b\"", "\"../etc\"", "\"a\\u0000b\""}) {
    TempStack t;
    INFO(name);
    auto r = LoadText(t, "stack: s\nresources:\n  " + name + ":\n    type: local.file\n");
    RequireError(r, "Invalid name");
    CHECK(r.diags().items().front().where.line == 3);
  }
}

TEST_CASE("stack names are checked like resource names", "[hostile]") {
  for (const std::string name : {"\"a;b\"", "\"x\\ny\"", "\"$(id)\"", "\"\"", "\"a b\""}) {
    TempStack t;
    INFO(name);
    RequireError(LoadText(t, "stack: " + name + "\n"), "stack name");
  }
  TempStack ok;
  auto r = LoadText(ok, "stack: prod.eu-de_1\n");
  INFO(r.diags().ToString());
  REQUIRE(r.ok());
  CHECK((*r)->name() == "prod.eu-de_1");
}

TEST_CASE("unicode names are refused, unicode values and keys are kept exactly", "[hostile]") {
  TempStack t;
  RequireError(LoadText(t, "stack: s\nresources:\n  réseau:\n    type: local.file\n"),
               "Invalid name");
  TempStack u;
  auto r = LoadText(u,
                    "stack: s\nresources:\n  f:\n    type: local.file\n    for_each: "
                    "[\"größe\", \"日本\", \"🚀\", \"a;b\", \"new\\nline\", \"q\\\"uote\"]\n"
                    "    properties:\n      content: \"${each.key} ✓\"\n");
  INFO(r.diags().ToString());
  REQUIRE(r.ok());
  int found = 0;
  for (const Vertex& v : (*r)->vertices()) {
    if (v.kind != VertexKind::kResource) continue;
    ++found;
    auto back = Address::Parse(v.name);  // the state stores and re-parses this text
    INFO(v.name);
    REQUIRE(back.ok());
    CHECK(back->ToString() == v.name);
  }
  CHECK(found == 6);
  CHECK(VertexNamed(**r, "local.file.f[\"日本\"]") >= 0);
  CHECK(VertexNamed(**r, "local.file.f[\"new\\nline\"]") >= 0);
}

TEST_CASE("bytes that are not UTF-8 are refused with file:line:column", "[hostile]") {
  TempStack t;
  auto r = LoadText(t,
                    "stack: s\nresources:\n  f:\n    type: local.file\n    properties:\n"
                    "      content: \"bad \xff\xfe byte\"\n");
  RequireError(r, "not valid UTF-8");
  CHECK(r.diags().items().front().where.line == 6);
}

TEST_CASE("1 MB strings: a value loads and evaluates, a name or an expression is refused fast",
          "[hostile]") {
  const std::string big(1 << 20, 'x');
  auto t0 = std::chrono::steady_clock::now();
  {
    TempStack t;
    auto r = LoadText(t,
                      "stack: s\nresources:\n  f:\n    type: local.file\n    properties:\n"
                      "      content: \"" +
                          big + "\"\n");
    INFO(r.diags().ToString().substr(0, 500));
    REQUIRE(r.ok());
    auto v = EvalFirst(**r);
    REQUIRE(v.ok());
    CHECK(v->value["content"].get<std::string>().size() == big.size());
  }
  {
    // yaml-cpp refuses keys over 1024 characters itself ("illegal map value"), with a
    // position: a clear error either way.
    TempStack t;
    auto r = LoadText(t, "stack: s\nresources:\n  " + big + ":\n    type: local.file\n");
    const std::string msg = r.diags().ToString().substr(0, 500);
    INFO(msg);
    REQUIRE_FALSE(r.ok());
    CHECK((msg.find("Invalid name") != std::string::npos ||
           msg.find("YAML syntax error") != std::string::npos));
    CHECK(r.diags().items().front().where.line == 3);
  }
  {
    TempStack t;
    RequireError(LoadText(t, "stack: " + big + "\n"), "stack name");
  }
  {
    // A 1 MB template of 100,000 interpolations: linear, not quadratic, in its size.
    TempStack t;
    auto r = LoadText(t,
                      "stack: s\nvariables:\n  v: {default: ab}\nresources:\n  f:\n"
                      "    type: local.file\n    properties:\n      content: \"" +
                          Repeat("${var.v}-", 100000) + "\"\n");
    INFO(r.diags().ToString().substr(0, 500));
    REQUIRE(r.ok());
    auto v = EvalFirst(**r);
    REQUIRE(v.ok());
    CHECK(v->value["content"].get<std::string>().size() == 300000);
  }
  {
    // One 1 MB expression: a list of 250,000 numbers (flat, so it is fine).
    TempStack t;
    auto r = LoadText(t,
                      "stack: s\nresources:\n  f:\n    type: local.file\n    properties:\n"
                      "      list: \"${[" +
                          Repeat("1,", 250000) + "1]}\"\n");
    INFO(r.diags().ToString().substr(0, 500));
    REQUIRE(r.ok());
    auto v = EvalFirst(**r);
    REQUIRE(v.ok());
    CHECK(v->value["list"].size() == 250001);
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(seconds < 60);  // generous for a loaded CI machine; quadratic would be hours
}

TEST_CASE("a YAML alias bomb (billion laughs) is refused, not expanded", "[hostile]") {
  std::string doc = "stack: s\nlocals:\n  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i <= 9; ++i) {
    std::string prev = "*l" + std::to_string(i - 1);
    doc += "  l" + std::to_string(i) + ": &l" + std::to_string(i) + " [" + prev;
    for (int k = 0; k < 8; ++k) doc += ", " + prev;
    doc += "]\n";
  }
  TempStack t;
  RequireError(LoadText(t, doc), "alias");

  // Small, honest use of anchors and aliases still works.
  TempStack ok;
  auto r = LoadText(ok,
                    "stack: s\nresources:\n  a:\n    type: local.file\n    properties: &p\n"
                    "      content: hi\n  b:\n    type: local.file\n    properties: *p\n");
  INFO(r.diags().ToString());
  CHECK(r.ok());
}

TEST_CASE("yamldecode of an alias bomb and jsondecode of deep nesting fail cleanly", "[hostile]") {
  std::string bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\\n";
  for (char c = 'b'; c <= 'j'; ++c) {
    std::string prev(1, static_cast<char>(c - 1));
    bomb += std::string(1, c) + ": &" + c + " [*" + prev + ",*" + prev + ",*" + prev + ",*" + prev +
            ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev +
            "]\\n";
  }
  TempStack t;
  // A block scalar, so the expression's string literal holds `\n` escapes as written.
  auto r = LoadText(t,
                    "stack: s\nresources:\n  f:\n    type: local.file\n    properties:\n"
                    "      y: |-\n        ${yamldecode(\"" +
                        bomb + "\")}\n");
  INFO(r.diags().ToString().substr(0, 1000));
  if (r.ok()) {
    auto v = EvalFirst(**r);
    INFO(v.diags().ToString());
    REQUIRE_FALSE(v.ok());
    CHECK(v.diags().ToString().find("alias bomb") != std::string::npos);
  } else {
    CHECK(r.diags().ToString().find("alias bomb") != std::string::npos);
  }

  TempStack j;
  auto deep = LoadText(j,
                       "stack: s\nresources:\n  f:\n    type: local.file\n    properties:\n"
                       "      y: '${jsondecode(\"" +
                           std::string(10000, '[') + std::string(10000, ']') + "\")}'\n");
  INFO(deep.diags().ToString().substr(0, 1000));
  if (deep.ok()) {
    auto v = EvalFirst(**deep);
    REQUIRE_FALSE(v.ok());
    CHECK(v.diags().ToString().find("deeper than") != std::string::npos);
  } else {
    CHECK(deep.diags().ToString().find("deeper than") != std::string::npos);
  }
}

TEST_CASE("10,000 levels of nesting are refused: YAML flow, YAML block, expressions", "[hostile]") {
  {
    TempStack t;
    auto r = LoadText(
        t, "stack: s\nlocals:\n  x: " + std::string(10000, '[') + std::string(10000, ']') + "\n");
    REQUIRE_FALSE(r.ok());
    INFO(r.diags().ToString().substr(0, 500));
    CHECK((r.diags().ToString().find("nesting deeper") != std::string::npos ||
           r.diags().ToString().find("YAML syntax error") != std::string::npos));
  }
  {
    TempStack t;
    std::string doc = "stack: s\nlocals:\n";
    for (int i = 0; i < 3000; ++i) doc += std::string(2 + i, ' ') + "k:\n";  // 4.5 MB
    auto r = LoadText(t, doc);
    REQUIRE_FALSE(r.ok());
  }
  const std::string props = "stack: s\nresources:\n  f:\n    type: local.file\n    properties:\n";
  {
    TempStack t;
    RequireError(LoadText(t, props + "      x: \"${" + std::string(10000, '(') + "1" +
                                 std::string(10000, ')') + "}\"\n"),
                 "nested deeper than");
  }
  {
    TempStack t;
    RequireError(LoadText(t, props + "      x: \"${" + std::string(10000, '[') +
                                 std::string(10000, ']') + "}\"\n"),
                 "nested deeper than");
  }
  {
    TempStack t;
    RequireError(LoadText(t, props + "      x: \"${" + std::string(10000, '!') + "true}\"\n"),
                 "nested deeper than");
  }
  {
    TempStack t;
    RequireError(LoadText(t, props + "      x: \"${" + Repeat("1 + ", 100000) + "1}\"\n"),
                 "operators");
  }
  {
    TempStack t;
    std::string chain = "${true";
    for (int i = 0; i < 10000; ++i) chain += " ? 1 : true";
    RequireError(LoadText(t, props + "      x: \"" + chain + "}\"\n"), "nested deeper than");
  }
}

TEST_CASE("a template that renders itself fails instead of recursing forever", "[hostile]") {
  TempStack t;
  t.Write("self.tpl", "x${templatefile(\"self.tpl\", {})}");
  auto r = LoadText(t,
                    "stack: s\nresources:\n  f:\n    type: local.file\n    properties:\n"
                    "      content: '${templatefile(\"self.tpl\", {})}'\n");
  INFO(r.diags().ToString());
  REQUIRE(r.ok());
  auto v = EvalFirst(**r);
  REQUIRE_FALSE(v.ok());
  CHECK(v.diags().ToString().find("templates nest deeper than") != std::string::npos);
}

TEST_CASE("file() of an endless /proc file stops at the size limit", "[hostile]") {
  if (::access("/proc/self/pagemap", R_OK) != 0) return;
  TempStack t;
  auto r = LoadText(t,
                    "stack: s\nresources:\n  f:\n    type: local.file\n    properties:\n"
                    "      content: '${file(\"/proc/self/pagemap\")}'\n");
  REQUIRE(r.ok());
  auto v = EvalFirst(**r);
  REQUIRE_FALSE(v.ok());
  CHECK(v.diags().ToString().find("larger than the limit") != std::string::npos);
}

TEST_CASE("files over the size limit are refused before they are read", "[hostile]") {
  TempStack t;
  std::string path = t.Write("main.yaml", "stack: s\n");
  REQUIRE(::truncate(path.c_str(), 64ll << 20) == 0);  // sparse: 64 MiB of NUL bytes
  auto t0 = std::chrono::steady_clock::now();
  auto r = t.Load();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  RequireError(r, "larger than");
  CHECK(seconds < 5);

  TempStack v;
  v.Write("main.yaml", "stack: s\nvariables:\n  a: {default: 1}\n");
  std::string vars = v.Write("big.yaml", "a: 2\n");
  REQUIRE(::truncate(vars.c_str(), 64ll << 20) == 0);
  LoadOptions opts;
  opts.var_files = {vars};
  auto rv = v.Load(opts);
  INFO(rv.diags().ToString().substr(0, 500));
  REQUIRE_FALSE(rv.ok());
  CHECK(rv.diags().ToString().find("larger than") != std::string::npos);
}

TEST_CASE("values given with --var that hold metacharacters, newlines or 1 MB are plain strings",
          "[hostile]") {
  TempStack t;
  t.Write("main.yaml",
          "stack: s\nvariables:\n  v: {type: string}\nresources:\n  f:\n    type: local.file\n"
          "    properties:\n      content: \"${var.v}\"\n");
  for (const std::string& value :
       {std::string("$(touch pwned); `id` | rm -rf / && echo ${var.v}"), std::string("a\nb\n"),
        std::string(1 << 20, 'v'), std::string("日本 🚀 '\"\\")}) {
    LoadOptions opts;
    opts.vars = {{"v", value}};
    auto r = t.Load(opts);
    INFO(r.diags().ToString().substr(0, 500));
    REQUIRE(r.ok());
    auto v = EvalFirst(**r);
    REQUIRE(v.ok());
    CHECK(v->value["content"] == value);  // never re-parsed as an expression
  }
  LoadOptions bad;
  bad.vars = {{"v", "bad \xff byte"}};
  auto r = t.Load(bad);
  INFO(r.diags().ToString());
  REQUIRE_FALSE(r.ok());
  CHECK(r.diags().ToString().find("not valid UTF-8") != std::string::npos);
}

}  // namespace
}  // namespace capstan
