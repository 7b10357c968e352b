// Tests for base64, sha256, JSON, YAML and the type conversion functions.
#include <catch2/catch.hpp>

#include "engine/config/functions.h"
#include "tests/engine/config/function_call.h"

namespace capstan {
namespace {

using functest::Err;
using functest::Ok;

TEST_CASE("base64encode and base64decode round-trip text", "[functions]") {
  CHECK(Ok("base64encode", {"hello"}) == "aGVsbG8=");
  CHECK(Ok("base64encode", {""}) == "");
  CHECK(Ok("base64decode", {"aGVsbG8="}) == "hello");
  CHECK(Ok("base64decode", {Ok("base64encode", {"#cloud-config\nöäü"})}) == "#cloud-config\nöäü");
}

TEST_CASE("base64decode rejects malformed input and non-UTF-8 bytes", "[functions]") {
  CHECK(
      Err("base64decode", {"aGVsbG8"}).starts_with("base64decode: argument 1 is not valid base64"));
  CHECK(Err("base64decode", {"a$=="}).starts_with("base64decode: argument 1 is not valid base64"));
  CHECK(Err("base64decode", {"/w=="}) ==
        "base64decode: the decoded bytes are not valid UTF-8 text");
  CHECK(Err("base64encode", {Value::object()}) ==
        "base64encode: argument 1 must be a string, got map");
}

TEST_CASE("sha256 returns the lowercase hex digest", "[functions]") {
  CHECK(Ok("sha256", {"abc"}) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(Err("sha256", {Value::array()}) == "sha256: argument 1 must be a string, got list");
}

TEST_CASE("jsonencode is compact with sorted keys and jsondecode parses", "[functions]") {
  Value v = {{"b", 1}, {"a", Value::array({true, nullptr, "x"})}};
  CHECK(Ok("jsonencode", {v}) == R"({"a":[true,null,"x"],"b":1})");
  CHECK(Ok("jsondecode", {R"({"a":[true,null,"x"],"b":1})"}) == v);
  CHECK(Ok("jsondecode", {"3"}) == 3);
}

TEST_CASE("jsondecode reports invalid JSON without library noise", "[functions]") {
  std::string e = Err("jsondecode", {"{\"a\":"});
  CHECK(e.starts_with("jsondecode: argument 1 is not valid JSON: "));
  CHECK(e.find("[json.exception") == std::string::npos);
}

TEST_CASE("tostring, tonumber and tobool convert primitives and keep null", "[functions]") {
  CHECK(Ok("tostring", {5}) == "5");
  CHECK(Ok("tostring", {2.5}) == "2.5");
  CHECK(Ok("tostring", {true}) == "true");
  CHECK(Ok("tostring", {nullptr}).is_null());
  CHECK(Ok("tonumber", {"42"}) == 42);
  CHECK(Ok("tonumber", {"1.25"}) == 1.25);
  CHECK(Ok("tonumber", {7}) == 7);
  CHECK(Ok("tobool", {"true"}) == true);
  CHECK(Ok("tobool", {false}) == false);
  CHECK(Ok("tobool", {nullptr}).is_null());
}

TEST_CASE("conversions reject values they cannot represent", "[functions]") {
  CHECK(Err("tostring", {Value::array()}) ==
        "tostring: argument 1 must be a string, number or bool, got list");
  CHECK(Err("tonumber", {"12abc"}) ==
        "tonumber: argument 1 must be a number, got the string \"12abc\"");
  CHECK(Err("tonumber", {true}) ==
        "tonumber: argument 1 must be a number or a numeric string, got bool");
  CHECK(Err("tobool", {"yes"}) == "tobool: argument 1 must be \"true\" or \"false\", got \"yes\"");
  CHECK(Err("tobool", {1}) == "tobool: argument 1 must be a bool, got number");
}

TEST_CASE("yamlencode emits sorted block YAML and quotes ambiguous strings", "[functions]") {
  Value v = Value::parse(R"({"name": "mgmt", "replicas": 3, "enabled": true,
                             "tags": ["a", "yes", "1.0", "", "on"], "empty": {}, "list": [],
                             "none": null, "mode": "0777"})");
  std::string yaml = Ok("yamlencode", {v}).get<std::string>();
  CHECK(yaml ==
        "empty: {}\n"
        "enabled: true\n"
        "list: []\n"
        "mode: \"0777\"\n"
        "name: mgmt\n"
        "none: null\n"
        "replicas: 3\n"
        "tags:\n"
        "  - a\n"
        "  - \"yes\"\n"
        "  - \"1.0\"\n"
        "  - \"\"\n"
        "  - \"on\"\n");
  CHECK(Ok("yamldecode", {yaml}) == v);
}

TEST_CASE("yamlencode round-trips multi-line and special strings", "[functions]") {
  Value v = Value::array({"line1\nline2\n", "a: b", "- x", "#comment", "null", "~", "ünï"});
  std::string yaml = Ok("yamlencode", {v}).get<std::string>();
  CHECK(Ok("yamldecode", {yaml}) == v);
  CHECK(Ok("yamlencode", {"plain"}) == "plain\n");
}

TEST_CASE("yamldecode resolves plain scalars by the YAML 1.2 core schema", "[functions]") {
  Value v =
      Ok("yamldecode", {"a: 1\nb: 2.5\nc: true\nd: ~\ne: '1'\nf: 0x1F\ng: hello\nh: [x, 2]\n"});
  CHECK(v == Value::parse(R"({"a":1,"b":2.5,"c":true,"d":null,"e":"1","f":31,"g":"hello",
                              "h":["x",2]})"));
  CHECK(Ok("yamldecode", {""}).is_null());
  CHECK(Ok("yamldecode", {"yes"}) == "yes");
}

TEST_CASE("yamldecode reports syntax errors with a position and rejects streams", "[functions]") {
  std::string e = Err("yamldecode", {"a: [1, 2\nb: c"});
  CHECK(e.starts_with("yamldecode: argument 1 is not valid YAML: "));
  CHECK(e.find("line ") != std::string::npos);
  CHECK(Err("yamldecode", {"a: 1\n---\nb: 2\n"}) ==
        "yamldecode: argument 1 holds 2 YAML documents; only one is allowed");
  CHECK(Err("yamldecode", {"x: .inf"}).find("cannot be represented") != std::string::npos);
}

}  // namespace
}  // namespace capstan
