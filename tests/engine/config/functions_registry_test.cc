// Tests for the function registry: lookup, the sorted name list and arity checks.
#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "engine/config/functions.h"

namespace capstan {
namespace {

TEST_CASE("IsFunction knows library functions and rejects others", "[functions]") {
  CHECK(IsFunction("join"));
  CHECK(IsFunction("cidrsubnet"));
  CHECK(IsFunction("templatefile"));
  CHECK_FALSE(IsFunction("Join"));
  CHECK_FALSE(IsFunction("nosuchfunction"));
  CHECK_FALSE(IsFunction(""));
}

TEST_CASE("FunctionNames is sorted, unique and lists every required function", "[functions]") {
  auto names = FunctionNames();
  CHECK(std::is_sorted(names.begin(), names.end()));
  CHECK(std::adjacent_find(names.begin(), names.end()) == names.end());
  for (const char* required :
       {"join",       "split",        "format",     "base64encode", "base64decode", "sha256",
        "file",       "templatefile", "lookup",     "merge",        "concat",       "length",
        "keys",       "values",       "upper",      "lower",        "trimspace",    "replace",
        "contains",   "element",      "coalesce",   "tostring",     "tonumber",     "tobool",
        "jsonencode", "jsondecode",   "yamlencode", "yamldecode",   "range",        "flatten",
        "distinct",   "sort",         "startswith", "endswith",     "cidrsubnet",   "cidrhost"}) {
    INFO(required);
    CHECK(std::binary_search(names.begin(), names.end(), std::string(required)));
    CHECK(IsFunction(required));
  }
}

TEST_CASE("CallFunction rejects an unknown function by name", "[functions]") {
  auto r = CallFunction("frobnicate", {}, FunctionEnv{});
  REQUIRE_FALSE(r.ok());
  CHECK(r.diags().ToString().find("unknown function \"frobnicate\"") != std::string::npos);
}

TEST_CASE("CallFunction checks arity before calling", "[functions]") {
  FunctionEnv env;
  auto few = CallFunction("upper", {}, env);
  REQUIRE_FALSE(few.ok());
  CHECK(few.diags().items()[0].summary == "upper: expected 1 argument, got 0");

  auto many = CallFunction("split", {Value(","), Value("a"), Value("b")}, env);
  REQUIRE_FALSE(many.ok());
  CHECK(many.diags().items()[0].summary == "split: expected 2 arguments, got 3");

  auto range = CallFunction("lookup", {Value::object()}, env);
  REQUIRE_FALSE(range.ok());
  CHECK(range.diags().items()[0].summary == "lookup: expected 2 to 3 arguments, got 1");

  auto variadic = CallFunction("join", {Value(",")}, env);
  REQUIRE_FALSE(variadic.ok());
  CHECK(variadic.diags().items()[0].summary == "join: expected at least 2 arguments, got 1");
}

TEST_CASE("docs/functions.md documents every function", "[functions]") {
  std::ifstream in(std::string(CAPSTAN_SOURCE_DIR) + "/docs/functions.md");
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  for (const auto& name : FunctionNames()) {
    INFO(name);
    CHECK(text.str().find("| `" + name + "(") != std::string::npos);
  }
}

}  // namespace
}  // namespace capstan
