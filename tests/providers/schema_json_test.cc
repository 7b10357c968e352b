// Tests for the schema/diagnostic/object JSON converters.
#include "providers/schema_json.h"

#include <catch2/catch.hpp>

#include "providers/attr_builder.h"

namespace capstan {
namespace {

TEST_CASE("ResourceSchema survives a JSON round trip field by field") {
  ResourceSchema s;
  s.type = "p.kind";
  s.description = "A kind.";
  s.controller_owned = {"status"};
  s.attributes = {Attr("a", "first").Required().ForceNew(),
                  Attr("b", "second", AttrType::kMap).Optional().Sensitive().Default({{"k", 1}}),
                  Attr("c", "third", AttrType::kNumber).Computed()};
  auto back = ResourceSchemaFromJson(ResourceSchemaToJson(s));
  REQUIRE(back.ok());
  CHECK(back->type == "p.kind");
  CHECK(back->description == "A kind.");
  CHECK(back->controller_owned == s.controller_owned);
  REQUIRE(back->attributes.size() == 3);
  const AttrSchema& b = back->attributes[1];
  CHECK(b.type == AttrType::kMap);
  CHECK(b.optional);
  CHECK(b.sensitive);
  CHECK_FALSE(b.required);
  CHECK(b.default_value == Value({{"k", 1}}));
  CHECK(back->attributes[0].force_new);
  CHECK(back->attributes[2].computed);
  CHECK(ResourceSchemaToJson(*back) == ResourceSchemaToJson(s));
}

TEST_CASE("ResourceSchemaFromJson rejects unknown attribute types and bad type names") {
  auto bad_type = ResourceSchemaFromJson(
      {{"type", "p.k"}, {"attributes", {{{"name", "x"}, {"type", "float"}}}}});
  REQUIRE_FALSE(bad_type.ok());
  CHECK(bad_type.diags().ToString().find("unknown type \"float\"") != std::string::npos);
  CHECK_FALSE(ResourceSchemaFromJson({{"type", "nodot"}}).ok());
}

TEST_CASE("Diagnostics and objects round-trip through JSON") {
  Diagnostics d;
  d.Error("bad", "why").key = "properties.x";
  d.Warning("meh");
  Diagnostics back = DiagnosticsFromJson(DiagnosticsToJson(d));
  REQUIRE(back.size() == 2);
  CHECK(back.items()[0].summary == "bad");
  CHECK(back.items()[0].key == "properties.x");
  CHECK(back.items()[1].severity == Severity::kWarning);

  ObjectState o{"id1", {{"a", 1}}};
  auto ob = ObjectStateFromJson(ObjectStateToJson(o));
  REQUIRE(ob.ok());
  CHECK(ob->id == "id1");
  CHECK(ob->attributes == o.attributes);
  CHECK_FALSE(ObjectStateFromJson({{"attributes", Value::object()}}).ok());
}

}  // namespace
}  // namespace capstan
