// LoadYaml: the loader's YAML tree keeps what YAML::Load gave it (kinds, marks, tags).
#include "engine/config/yaml_tree.h"

#include <yaml-cpp/exceptions.h>

#include <catch2/catch.hpp>

namespace capstan {
namespace {

TEST_CASE("LoadYaml keeps kinds, 0-based marks, quoting tags and key order") {
  YamlNode doc = LoadYaml("b: 1\na:\n  - x\n  - \"y\"\n  -\nc: ~\n");
  REQUIRE(doc.IsMap());
  std::vector<std::string> keys;
  for (const auto& kv : doc.MapEntries()) keys.push_back(kv.first.Scalar());
  CHECK(keys == std::vector<std::string>{"b", "a", "c"});
  CHECK(doc["b"].Scalar() == "1");
  CHECK(doc["b"].Tag() == "?");
  const YamlNode& a = doc["a"];
  REQUIRE(a.IsSequence());
  REQUIRE(a.Items().size() == 3);
  CHECK(a.Items()[0].Mark().line == 2);
  CHECK(a.Items()[0].Mark().column == 4);
  CHECK(a.Items()[1].Tag() == "!");  // quoted
  CHECK(a.Items()[2].IsNull());
  CHECK(doc["c"].IsNull());
  CHECK_FALSE(doc["missing"]);
  CHECK_FALSE(doc["b"]["nested"]);
}

TEST_CASE("LoadYaml copies anchored nodes into aliases and reads an empty text as null") {
  YamlNode doc = LoadYaml("base: &b {k: v}\ncopy: *b\n");
  CHECK(doc["copy"].IsMap());
  CHECK(doc["copy"]["k"].Scalar() == "v");
  CHECK(LoadYaml("").IsNull());
  CHECK_THROWS_AS(LoadYaml("a: [1, 2"), YAML::Exception);
}

}  // namespace
}  // namespace capstan
