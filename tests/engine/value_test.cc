// Values: the unknown marker and rendering.
#include "engine/value.h"

#include <catch2/catch.hpp>

#include "engine/diagnostics.h"
#include "engine/hash.h"

using namespace capstan;

TEST_CASE("unknown marker is detected at any depth and survives JSON round trips", "[value]") {
  Value v{{"a", 1}, {"b", Value::array({1, Unknown()})}};
  CHECK_FALSE(IsUnknown(v));
  CHECK(ContainsUnknown(v));
  CHECK_FALSE(ContainsUnknown(Value{{"a", 1}}));
  Value back = Value::parse(v.dump());
  CHECK(IsUnknown(back["b"][1]));
}

TEST_CASE("values render deterministically with unknowns spelled out", "[value]") {
  CHECK(RenderValue(Value{{"b", 2}, {"a", "x"}}) == "{\"a\" = \"x\", \"b\" = 2}");
  CHECK(RenderValue(Unknown()) == "(known after apply)");
  CHECK(RenderValue(Value::array({"x", true})) == "[\"x\", true]");
}

TEST_CASE("diagnostics print location, key, address and indented detail", "[diagnostics]") {
  Diagnostics d;
  d.ErrorAt({"stack.yaml", 3, 7}, "resources.net", "Unknown key", "line one\nline two");
  d.ErrorFor("openstack.network.n", "Quota exceeded");
  d.Warning("careful");
  CHECK(d.HasErrors());
  std::string s = d.ToString();
  CHECK(s.find("stack.yaml:3:7: error: Unknown key (key: resources.net)\n  line one\n  line two") !=
        std::string::npos);
  CHECK(s.find("error: openstack.network.n: Quota exceeded") != std::string::npos);
  CHECK(s.find("warning: careful") != std::string::npos);
}

TEST_CASE("sha256 and uuids have the expected shape", "[hash]") {
  CHECK(Sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  std::string u = NewUuid();
  CHECK(u.size() == 36);
  CHECK(u[14] == '4');
  CHECK(NewUuid() != u);
}
