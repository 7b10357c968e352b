// Tests for format(): verbs, flags, widths, explicit indexes and argument errors.
#include <catch2/catch.hpp>

#include "engine/config/functions.h"

namespace capstan {
namespace {

std::string Fmt(std::vector<Value> args) {
  auto r = CallFunction("format", args, FunctionEnv{});
  INFO(r.diags().ToString());
  REQUIRE(r.ok());
  REQUIRE(r->is_string());
  return r->get<std::string>();
}

std::string Err(std::vector<Value> args) {
  auto r = CallFunction("format", args, FunctionEnv{});
  REQUIRE_FALSE(r.ok());
  return r.diags().items()[0].summary;
}

TEST_CASE("format substitutes %s and %d in order", "[functions]") {
  CHECK(Fmt({"%s-%d", "node", 3}) == "node-3");
  CHECK(Fmt({"plain text"}) == "plain text");
  CHECK(Fmt({"100%%"}) == "100%");
  CHECK(Fmt({"%s", 42}) == "42");
  CHECK(Fmt({"%d", "7"}) == "7");
}

TEST_CASE("format pads to widths with spaces or zeros", "[functions]") {
  CHECK(Fmt({"%03d", 7}) == "007");
  CHECK(Fmt({"%-5s|", "ab"}) == "ab   |");
  CHECK(Fmt({"%5s|", "ab"}) == "   ab|");
  CHECK(Fmt({"%05d", -42}) == "-0042");
  CHECK(Fmt({"%+d", 5}) == "+5");
  CHECK(Fmt({"%4s|", "äö"}) == "  äö|");
  CHECK(Fmt({"%.2s", "abc"}) == "ab");
}

TEST_CASE("format renders floats with %f, %e and %g", "[functions]") {
  CHECK(Fmt({"%f", 1.5}) == "1.500000");
  CHECK(Fmt({"%.2f", 3.14159}) == "3.14");
  CHECK(Fmt({"%8.3f|", 2.5}) == "   2.500|");
  CHECK(Fmt({"%e", 1500.0}) == "1.500000e+03");
  CHECK(Fmt({"%g", 3.25}) == "3.25");
}

TEST_CASE("format %v shows any value and %q quotes strings", "[functions]") {
  CHECK(Fmt({"%v", "x"}) == "x");
  CHECK(Fmt({"%v", true}) == "true");
  CHECK(Fmt({"%v", 2.0}) == "2");
  CHECK(Fmt({"%v", Value::array({1, "a"})}) == "[1,\"a\"]");
  CHECK(Fmt({"%q", "say \"hi\""}) == "\"say \\\"hi\\\"\"");
  CHECK(Fmt({"%t", false}) == "false");
}

TEST_CASE("format supports hex, octal and binary integers", "[functions]") {
  CHECK(Fmt({"%x", 255}) == "ff");
  CHECK(Fmt({"%X", 255}) == "FF");
  CHECK(Fmt({"%#x", 255}) == "0xff");
  CHECK(Fmt({"%o", 8}) == "10");
  CHECK(Fmt({"%b", 5}) == "101");
}

TEST_CASE("format honours explicit argument indexes", "[functions]") {
  CHECK(Fmt({"%[2]s-%[1]s", "a", "b"}) == "b-a");
  CHECK(Fmt({"%[1]s/%[1]s", "x"}) == "x/x");
}

TEST_CASE("format reports missing, surplus and mistyped arguments", "[functions]") {
  CHECK(Err({"%s-%s", "a"}) == "format: format string needs argument 2 for %s but only 1 given");
  CHECK(Err({"%s", "a", "b"}) == "format: too many arguments; format string uses 1 of 2");
  CHECK(Err({"%d", 1.5}) == "format: argument 2 for %d must be a whole number, got number");
  CHECK(Err({"%s", Value::array()}) == "format: argument 2 for %s must be a string, got list");
  CHECK(Err({"%s", nullptr}) == "format: argument 2 for %s is null");
  CHECK(Err({"%y", 1}) == "format: unsupported verb %y in format string");
  CHECK(Err({"abc %"}).starts_with("format: malformed directive"));
  CHECK(Err({5.5, 1}).find("too many arguments") != std::string::npos);
  CHECK(Err({Value::array()}) == "format: argument 1 must be a string, got list");
}

}  // namespace
}  // namespace capstan
