// openstack.application_credential against the test bed: create, refresh keeps the
// secret, an orphan is replaced on adoption, delete.
#include <catch2/catch.hpp>

#include "providers/openstack/os_provider.h"
#include "tests/integration/openstack/provider_fixture.h"

namespace capstan {
namespace {

struct AppCredFixture : testbed::TypeFixture {
  AppCredFixture() : TypeFixture("openstack.application_credential") {}
};

TEST_CASE(
    "openstack.application_credential is created, refreshed with its secret, adopted by "
    "replacement and deleted",
    "[openstack][appcred]") {
  AppCredFixture f;
  std::string stack = testbed::UniqueStack("ac");
  CallContext ctx = testbed::Ctx(stack, "openstack.application_credential.capi");
  Value props = ApplyDefaults(f.type->schema(), Value{{"name", stack + "-capi"},
                                                      {"description", "cluster credential"},
                                                      {"roles", {"member"}},
                                                      {"expires_at", "2031-06-01T00:00:00Z"}});
  REQUIRE_FALSE(f.type->Validate(props).HasErrors());
  auto created = f.type->Create(ctx, props);
  INFO(created.diags().ToString());
  REQUIRE(created.ok());
  const Value& a = created->attributes;
  CHECK(a["secret"].is_string());
  CHECK(a["secret"].get<std::string>().size() > 20);
  CHECK(a["roles"] == Value{"member"});
  CHECK(a["unrestricted"] == false);
  CHECK(a["description"] == "cluster credential");
  CHECK(a["expires_at"] == "2031-06-01T00:00:00Z");  // The user's spelling is kept.

  // The CLI sees the marks in the description and the restriction.
  Value cli = testbed::OpenStackJson("application credential show " + created->id);
  REQUIRE(cli.is_object());
  std::string desc = cli.value("description", "");
  CHECK(desc.find("capstan-stack=" + stack) != std::string::npos);
  CHECK(desc.find("| cluster credential") != std::string::npos);
  CHECK(cli.value("unrestricted", Value()) != true);

  // Refresh (one list) keeps the secret from state and reports no change.
  CallContext many = ctx;
  many.address = Address{};
  many.addresses = {ctx.address};
  auto read = f.type->ReadMany(many, {*created});
  REQUIRE(read.size() == 1);
  REQUIRE(read[0].ok());
  REQUIRE(read[0]->has_value());
  CHECK((*read[0])->attributes == created->attributes);

  // A create for the same address finds the orphan (its secret lost with the crashed
  // run), deletes it and makes a new one.
  auto again = f.type->Create(ctx, props);
  INFO(again.diags().ToString());
  REQUIRE(again.ok());
  CHECK(again->id != created->id);
  CHECK(again->attributes["secret"] != created->attributes["secret"]);
  auto old = f.type->Read(ctx, *created);
  INFO(old.diags().ToString());
  REQUIRE(old.ok());
  CHECK_FALSE(old->has_value());

  // A credential of the same name that this stack did not make is not touched.
  CallContext other = testbed::Ctx(stack + "-other", "openstack.application_credential.capi");
  auto clash = f.type->Create(other, props);
  REQUIRE_FALSE(clash.ok());
  CHECK(clash.diags().ToString().find("already exists") != std::string::npos);

  REQUIRE_FALSE(f.type->Delete(ctx, *again).HasErrors());
  CHECK_FALSE(f.type->Delete(ctx, *again).HasErrors());  // Already gone is fine.
  auto gone = f.type->Read(ctx, *again);
  INFO(gone.diags().ToString());
  REQUIRE(gone.ok());
  CHECK_FALSE(gone->has_value());
}

}  // namespace
}  // namespace capstan
