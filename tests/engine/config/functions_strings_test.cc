// Tests for the string functions: join, split, upper, lower, trimspace, replace,
// startswith, endswith.
#include <catch2/catch.hpp>

#include "engine/config/functions.h"
#include "tests/engine/config/function_call.h"

namespace capstan {
namespace {

using functest::Err;
using functest::Ok;

TEST_CASE("join concatenates list elements with a separator", "[functions]") {
  CHECK(Ok("join", {",", Value::array({"a", "b", "c"})}) == "a,b,c");
  CHECK(Ok("join", {"-", Value::array()}) == "");
  CHECK(Ok("join", {"-", Value::array({"a"}), Value::array({"b", 3})}) == "a-b-3");
}

TEST_CASE("join names the argument and type it expected", "[functions]") {
  CHECK(Err("join", {",", 5}) == "join: argument 2 must be a list of strings, got number");
  CHECK(Err("join", {Value::array(), Value::array()}) ==
        "join: argument 1 must be a string, got list");
  CHECK(Err("join", {",", Value::array({"a", Value::object()})}) ==
        "join: argument 2 must be a list of strings, element 1 is map");
}

TEST_CASE("split cuts a string at every separator", "[functions]") {
  CHECK(Ok("split", {",", "a,b,,c"}) == Value::array({"a", "b", "", "c"}));
  CHECK(Ok("split", {",", ""}) == Value::array({""}));
  CHECK(Ok("split", {"::", "x::y"}) == Value::array({"x", "y"}));
  CHECK(Ok("split", {"", "aé"}) == Value::array({"a", "é"}));
  CHECK(Err("split", {",", Value::array()}) == "split: argument 2 must be a string, got list");
}

TEST_CASE("upper and lower map case including non-ASCII letters", "[functions]") {
  CHECK(Ok("upper", {"scs-Cluster"}) == "SCS-CLUSTER");
  CHECK(Ok("lower", {"SCS-Cluster"}) == "scs-cluster");
  CHECK(Ok("upper", {"größe"}) == "GRÖßE");  // ß has no one-letter capital
  CHECK(Ok("lower", {"ÄÖÜ"}) == "äöü");
  CHECK(Err("upper", {nullptr}) == "upper: argument 1 must be a string, got null");
}

TEST_CASE("trimspace strips leading and trailing whitespace only", "[functions]") {
  CHECK(Ok("trimspace", {"  \t a b \n"}) == "a b");
  CHECK(Ok("trimspace", {"   "}) == "");
  CHECK(Err("trimspace", {Value::object()}) == "trimspace: argument 1 must be a string, got map");
}

TEST_CASE("replace substitutes every occurrence, or a /regex/ with captures", "[functions]") {
  CHECK(Ok("replace", {"a.b.c", ".", "-"}) == "a-b-c");
  CHECK(Ok("replace", {"aaa", "aa", "b"}) == "ba");
  CHECK(Ok("replace", {"v1.28.5", "/v(\\d+)\\.(\\d+).*/", "$1-$2"}) == "1-28");
  CHECK(Err("replace", {"abc", "", "x"}) ==
        "replace: argument 2 must be a non-empty string, got string");
  CHECK(Err("replace", {"abc", "/(/", "x"})
            .starts_with("replace: argument 2 is not a valid regular expression /(/"));
}

TEST_CASE("startswith and endswith test prefixes and suffixes", "[functions]") {
  CHECK(Ok("startswith", {"openstack-net", "openstack"}) == true);
  CHECK(Ok("startswith", {"openstack-net", "net"}) == false);
  CHECK(Ok("endswith", {"openstack-net", "-net"}) == true);
  CHECK(Ok("endswith", {"net", "openstack-net"}) == false);
  CHECK(Err("endswith", {"a", Value::array()}) ==
        "endswith: argument 2 must be a string, got list");
}

}  // namespace
}  // namespace capstan
