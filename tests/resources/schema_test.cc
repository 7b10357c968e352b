// Schemas: property validation and defaults.
#include "resources/schema.h"

#include <catch2/catch.hpp>

using namespace capstan;

namespace {
ResourceSchema NetworkSchema() {
  ResourceSchema s;
  s.type = "openstack.network";
  s.attributes.push_back({"name", AttrType::kString, "Network name", true});
  AttrSchema mtu{"mtu", AttrType::kNumber, "MTU"};
  mtu.optional = true;
  mtu.default_value = 1500;
  s.attributes.push_back(mtu);
  AttrSchema id{"id", AttrType::kString, "id"};
  id.computed = true;
  s.attributes.push_back(id);
  return s;
}
}  // namespace

TEST_CASE("schema validation reports unknown keys with a did-you-mean hint", "[schema]") {
  Diagnostics d = ValidateProperties(NetworkSchema(), Value{{"name", "n"}, {"mtuu", 1400}});
  REQUIRE(d.HasErrors());
  CHECK(d.items()[0].key == "properties.mtuu");
  CHECK(d.items()[0].detail.find("Did you mean \"mtu\"") != std::string::npos);
}

TEST_CASE("schema validation reports missing required keys and type mismatches", "[schema]") {
  Diagnostics d = ValidateProperties(NetworkSchema(), Value{{"mtu", "big"}});
  REQUIRE(d.size() == 2);
  CHECK(d.ToString().find("must be a number, got string") != std::string::npos);
  CHECK(d.ToString().find("Missing required property \"name\"") != std::string::npos);
}

TEST_CASE("schema validation refuses setting a computed attribute", "[schema]") {
  Diagnostics d = ValidateProperties(NetworkSchema(), Value{{"name", "n"}, {"id", "x"}});
  REQUIRE(d.HasErrors());
  CHECK(d.ToString().find("computed") != std::string::npos);
}

TEST_CASE("unknown values pass type checks", "[schema]") {
  CHECK_FALSE(ValidateProperties(NetworkSchema(), Value{{"name", Unknown()}, {"mtu", Unknown()}})
                  .HasErrors());
}

TEST_CASE("defaults fill unset optional attributes only", "[schema]") {
  Value v = ApplyDefaults(NetworkSchema(), Value{{"name", "n"}});
  CHECK(v["mtu"] == 1500);
  Value w = ApplyDefaults(NetworkSchema(), Value{{"name", "n"}, {"mtu", 9000}});
  CHECK(w["mtu"] == 9000);
}
