// Tests for the default ResourceType verbs: PlanAttributes, ReadMany, List, Import.
#include <catch2/catch.hpp>
#include <map>

#include "providers/attr_builder.h"
#include "providers/provider.h"

namespace capstan {
namespace {

/// A minimal type that overrides only the mandatory verbs.
class Plain : public ResourceType {
 public:
  Plain() {
    schema_.type = "t.plain";
    schema_.attributes = {Attr("name", "n").Required(), Attr("ip", "computed").Computed(),
                          Attr("arn", "computed").Computed()};
  }
  const ResourceSchema& schema() const override { return schema_; }
  Result<std::optional<ObjectState>> Read(const CallContext&, const ObjectState& p) override {
    ++reads;
    if (p.id == "bad") return Result<std::optional<ObjectState>>::Fail("boom");
    auto it = objects.find(p.id);
    if (it == objects.end()) return std::optional<ObjectState>();
    return std::optional<ObjectState>(ObjectState{p.id, it->second});
  }
  Result<ObjectState> Create(const CallContext&, const Value&) override {
    return Result<ObjectState>::Fail("unused");
  }
  Result<ObjectState> Update(const CallContext&, const ObjectState&, const Value&) override {
    return Result<ObjectState>::Fail("unused");
  }
  Status Delete(const CallContext&, const ObjectState&) override { return {}; }

  std::map<std::string, Value> objects;
  int reads = 0;

 private:
  ResourceSchema schema_;
};

TEST_CASE("Default PlanAttributes marks computed attributes unknown on create") {
  Plain t;
  Value planned = t.PlanAttributes({{"name", "a"}}, nullptr);
  CHECK(planned["name"] == "a");
  CHECK(IsUnknown(planned["ip"]));
  CHECK(IsUnknown(planned["arn"]));
}

TEST_CASE("Default PlanAttributes keeps prior computed values on update") {
  Plain t;
  ObjectState prior{"x", {{"name", "a"}, {"ip", "10.0.0.1"}}};
  Value planned = t.PlanAttributes({{"name", "b"}}, &prior);
  CHECK(planned["name"] == "b");
  CHECK(planned["ip"] == "10.0.0.1");
  CHECK(IsUnknown(planned["arn"]));  // The prior never had it.
}

TEST_CASE("Default ReadMany answers each prior in order with Read") {
  Plain t;
  t.objects["a"] = {{"name", "a"}};
  auto res = t.ReadMany(CallContext{}, {{"a", {}}, {"missing", {}}, {"bad", {}}});
  REQUIRE(res.size() == 3);
  REQUIRE(res[0].ok());
  CHECK((*res[0])->id == "a");
  REQUIRE(res[1].ok());
  CHECK_FALSE(res[1]->has_value());
  CHECK_FALSE(res[2].ok());
  CHECK(t.reads == 3);
}

TEST_CASE("Default List reports that listing is unsupported") {
  Plain t;
  CHECK_FALSE(t.SupportsList());
  auto l = t.List(CallContext{});
  REQUIRE_FALSE(l.ok());
  CHECK(l.diags().ToString().find("does not support listing") != std::string::npos);
}

TEST_CASE("Default Import reads by id and names a missing id") {
  Plain t;
  t.objects["a"] = {{"name", "a"}};
  auto ok = t.Import(CallContext{}, "a");
  REQUIRE(ok.ok());
  CHECK(ok->attributes["name"] == "a");
  auto missing = t.Import(CallContext{}, "zz");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.diags().ToString().find("no object with id \"zz\"") != std::string::npos);
}

}  // namespace
}  // namespace capstan
