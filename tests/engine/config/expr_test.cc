// Expression language: parsing, precedence, templates, escapes, unknown and sensitivity.
#include <catch2/catch.hpp>
#include <set>

#include "engine/config/expr_eval.h"
#include "engine/config/expr_parser.h"

namespace capstan {
namespace {

/// Resolves var.NAME from an object; names listed in `sensitive` are sensitive.
class TestResolver : public Resolver {
 public:
  Value vars = Value::object();
  std::set<std::string> sensitive;
  Result<Evaluated> Resolve(const Expr& t, size_t* consumed) override {
    if (t.name != "var" || t.steps.empty()) return Result<Evaluated>::Fail("bad ref " + t.text);
    *consumed = 1;
    const std::string& n = t.steps[0].name;
    if (!vars.contains(n)) return Result<Evaluated>::Fail("no var " + n);
    return Evaluated{vars[n], sensitive.count(n) > 0};
  }
  std::string BaseDir() const override { return "."; }
};

Pos At(int line, int col) {
  Pos p;
  p.file = std::make_shared<const std::string>("stack.yaml");
  p.key = std::make_shared<const std::string>("resources.a.properties.x");
  p.line = line;
  p.column = col;
  return p;
}

Evaluated Eval(const std::string& text, TestResolver& r) {
  auto e = ParseTemplate(text, At(1, 1));
  INFO(e.diags().ToString());
  REQUIRE(e.ok());
  auto v = EvalExpr(*e, r);
  INFO(v.diags().ToString());
  REQUIRE(v.ok());
  return *v;
}

Value EvalV(const std::string& text) {
  TestResolver r;
  return Eval(text, r).value;
}

TEST_CASE("operators follow the usual precedence") {
  CHECK(EvalV("${1 + 2 * 3}") == 7);
  CHECK(EvalV("${(1 + 2) * 3}") == 9);
  CHECK(EvalV("${10 - 4 - 3}") == 3);
  CHECK(EvalV("${7 % 4 + 1}") == 4);
  CHECK(EvalV("${-2 * 3}") == -6);
  CHECK(EvalV("${1 + 2 < 4 && !false}") == true);
  CHECK(EvalV("${true || false && false}") == true);
  CHECK(EvalV("${1 == 1 ? \"a\" : \"b\"}") == "a");
  CHECK(EvalV("${false ? 1 : true ? 2 : 3}") == 2);
  CHECK(EvalV("${7 / 2}") == 3.5);
  CHECK(EvalV("${6 / 2}") == 3);
}

TEST_CASE("a scalar that is exactly one interpolation yields the raw value") {
  CHECK(EvalV("${[1, \"a\", true]}") == Value::array({1, "a", true}));
  CHECK(EvalV("${{a = 1, \"b\" = [2]}}") == Value({{"a", 1}, {"b", {2}}}));
  CHECK(EvalV("${null}").is_null());
}

TEST_CASE("templates join parts as a string with integral numbers and bools rendered plainly") {
  TestResolver r;
  r.vars = {{"n", 3}, {"f", 2.0}, {"b", true}, {"s", "x"}};
  CHECK(Eval("n=${var.n} f=${var.f} b=${var.b} s=${var.s}", r).value == "n=3 f=2 b=true s=x");
  CHECK(Eval("${var.n + 1}-node", r).value == "4-node");
}

TEST_CASE("$${ escapes a literal interpolation") {
  CHECK(EvalV("cost $${HOME} ${1 + 1}") == "cost ${HOME} 2");
  auto e = ParseTemplate("plain $${x}", At(1, 1));
  REQUIRE(e.ok());
  CHECK((*e)->kind == ExprKind::kLiteral);
  CHECK((*e)->value == "plain ${x}");
}

TEST_CASE("string literals inside expressions honour escapes") {
  CHECK(EvalV("${\"a\\\"b\\n\\u00e9\"}") == "a\"b\n\xc3\xa9");
  CHECK(EvalV("${\"}\"}") == "}");
}

TEST_CASE("a list inside a string template is an error at the interpolation") {
  TestResolver r;
  r.vars = {{"l", {1, 2}}};
  auto e = ParseTemplate("x-${var.l}", At(4, 10));
  REQUIRE(e.ok());
  auto v = EvalExpr(*e, r);
  REQUIRE_FALSE(v.ok());
  CHECK(v.diags().items()[0].summary.find("list") != std::string::npos);
  CHECK(v.diags().items()[0].where.ToString() == "stack.yaml:4:14");
}

TEST_CASE("syntax errors give the column inside the scalar") {
  auto e = ParseTemplate("net-${var.a +}", At(3, 12));
  REQUIRE_FALSE(e.ok());
  const auto& d = e.diags().items()[0];
  CHECK(d.where.ToString() == "stack.yaml:3:25");
  CHECK(d.key == "resources.a.properties.x");
  CHECK(d.summary.find("expected a value") != std::string::npos);

  auto unclosed = ParseTemplate("${var.a", At(1, 1));
  REQUIRE_FALSE(unclosed.ok());
  CHECK(unclosed.diags().items()[0].summary.find("'}'") != std::string::npos);

  auto bad_char = ParseTemplate("${var.a # 1}", At(2, 5));
  REQUIRE_FALSE(bad_char.ok());
  CHECK(bad_char.diags().items()[0].where.ToString() == "stack.yaml:2:13");
}

TEST_CASE("unknown operands make operators, templates, calls and conditions unknown") {
  TestResolver r;
  r.vars = {{"u", Unknown()}, {"n", 1}, {"t", true}};
  CHECK(IsUnknown(Eval("${var.u + 1}", r).value));
  CHECK(IsUnknown(Eval("id-${var.u}", r).value));
  CHECK(IsUnknown(Eval("${var.u ? 1 : 2}", r).value));
  CHECK(IsUnknown(Eval("${upper(var.u)}", r).value));
  CHECK(IsUnknown(Eval("${var.u.attr}", r).value));
  CHECK(Eval("${var.t ? var.n : var.u}", r).value == 1);
  CHECK(ContainsUnknown(Eval("${[var.n, var.u]}", r).value));
}

TEST_CASE("sensitivity propagates through operators, templates and selected branches") {
  TestResolver r;
  r.vars = {{"pw", "secret"}, {"name", "n"}, {"flag", true}};
  r.sensitive = {"pw"};
  CHECK(Eval("user:${var.pw}", r).sensitive);
  CHECK(Eval("${[var.pw]}", r).sensitive);
  CHECK(Eval("${var.pw == \"x\"}", r).sensitive);
  CHECK_FALSE(Eval("user:${var.name}", r).sensitive);
  CHECK_FALSE(Eval("${var.flag ? var.name : var.pw}", r).sensitive);
  CHECK(Eval("${var.flag ? var.pw : var.name}", r).sensitive);
}

TEST_CASE("indexing, attribute access and splat apply to computed values") {
  TestResolver r;
  r.vars = {{"l", Value::array({Value{{"id", "a"}}, Value{{"id", "b"}}})},
            {"m", {{"k", {1, 2, 3}}}}};
  CHECK(Eval("${var.l[1].id}", r).value == "b");
  CHECK(Eval("${var.l[*].id}", r).value == Value::array({"a", "b"}));
  CHECK(Eval("${var.m[\"k\"][2]}", r).value == 3);
  CHECK(Eval("${var.m.k.0}", r).value == 1);
  auto e = ParseTemplate("${var.l[5]}", At(1, 1));
  REQUIRE(e.ok());
  CHECK_FALSE(EvalExpr(*e, r).ok());
}

TEST_CASE("function calls go to the function library") {
  CHECK(EvalV("${join(\",\", [\"a\", \"b\"])}") == "a,b");
  CHECK(EvalV("${length([1, 2, 3]) > 2}") == true);
  auto e = ParseTemplate("${nosuchfn(1)}", At(1, 1));
  REQUIRE(e.ok());
  TestResolver r;
  auto v = EvalExpr(*e, r);
  REQUIRE_FALSE(v.ok());
  CHECK(v.diags().items()[0].summary.find("nosuchfn") != std::string::npos);
}

TEST_CASE("type errors in operators name the types") {
  TestResolver r;
  auto e = ParseTemplate("${\"a\" + 1}", At(1, 1));
  REQUIRE(e.ok());
  auto v = EvalExpr(*e, r);
  REQUIRE_FALSE(v.ok());
  CHECK(v.diags().items()[0].summary.find("string and number") != std::string::npos);
}

TEST_CASE("assignments parse the tfvars subset with comments and multi-line maps") {
  Pos base = At(1, 1);
  auto a = ParseAssignments(
      "# header\nname = \"x\" # trailing\ncount = 3 // c\nlist = [ \"a\", \"b\" ]\n"
      "m = {\n  k = \"v\"\n  \"j\": 1\n}\nflag = true\n",
      base);
  INFO(a.diags().ToString());
  REQUIRE(a.ok());
  REQUIRE(a->size() == 5);
  CHECK((*a)[0].first == "name");
  CHECK((*a)[3].first == "m");
  CHECK((*a)[3].second->pos.line == 5);
  TestResolver r;
  CHECK(EvalExpr((*a)[3].second, r)->value == Value({{"k", "v"}, {"j", 1}}));
}

}  // namespace
}  // namespace capstan
