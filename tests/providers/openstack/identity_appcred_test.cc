// openstack.application_credential without Keystone: the create body and the mapping of
// Keystone's answer (secret kept from state, the user's spelling of equal values kept).
#include <catch2/catch.hpp>

#include "providers/openstack/application_credential.h"
#include "resources/schema.h"

namespace capstan::openstack {
namespace {

CallContext AppcredCtx() {
  CallContext c;
  c.stack = "s1";
  c.address = Address::Parse("openstack.application_credential.capi").value();
  return c;
}

TEST_CASE("AppCredCreateBody marks the description and sends only what is set",
          "[openstack][appcred]") {
  Value props = ApplyDefaults(AppCredSchema(), Value{{"name", "capi"}});
  Value body = AppCredCreateBody(AppcredCtx(), props);
  CHECK(body["name"] == "capi");
  CHECK(body["description"] ==
        "capstan-stack=s1 capstan-addr=openstack.application_credential.capi");
  CHECK_FALSE(body.contains("unrestricted"));  // false is Keystone's default.
  CHECK_FALSE(body.contains("roles"));         // Default: all of the token's roles.
  CHECK_FALSE(body.contains("access_rules"));
  CHECK_FALSE(body.contains("expires_at"));

  props["description"] = "for CAPO";
  props["roles"] = {"member", "load-balancer_member"};
  props["unrestricted"] = true;
  props["access_rules"] =
      Value::array({Value{{"service", "compute"}, {"method", "GET"}, {"path", "/v2.1/servers"}}});
  props["expires_at"] = "2030-01-01T00:00:00Z";
  body = AppCredCreateBody(AppcredCtx(), props);
  CHECK(body["description"] ==
        "capstan-stack=s1 capstan-addr=openstack.application_credential.capi | for CAPO");
  CHECK(body["roles"] ==
        Value::array({Value{{"name", "member"}}, Value{{"name", "load-balancer_member"}}}));
  CHECK(body["unrestricted"] == true);
  CHECK(body["access_rules"].size() == 1);
  CHECK(body["expires_at"] == "2030-01-01T00:00:00Z");
}

TEST_CASE("AppCredAttributes keeps the secret and the user's forms", "[openstack][appcred]") {
  Value object = Value::parse(R"({
    "id": "ac1", "name": "capi", "project_id": "p1", "user_id": "u1",
    "description": "capstan-stack=s1 capstan-addr=openstack.application_credential.capi | x",
    "unrestricted": null, "expires_at": "2030-01-01T00:00:00.000000",
    "roles": [{"id": "r2", "name": "reader"}, {"id": "r1", "name": "member"}],
    "access_rules": [{"id": "ar", "service": "compute", "method": "GET", "path": "/v2.1/servers"}]
  })");
  Value known = {{"roles", {"member", "reader"}},
                 {"expires_at", "2030-01-01T00:00:00Z"},
                 {"secret", "s3cr3t"}};
  Value a = AppCredAttributes(object, known);
  CHECK(a["id"] == "ac1");
  CHECK(a["description"] == "x");
  CHECK(a["unrestricted"] == false);
  CHECK(a["roles"] == Value{"member", "reader"});
  CHECK(a["expires_at"] == "2030-01-01T00:00:00Z");
  CHECK(
      a["access_rules"] ==
      Value::array({Value{{"service", "compute"}, {"method", "GET"}, {"path", "/v2.1/servers"}}}));
  CHECK(a["secret"] == "s3cr3t");
  CHECK(a["project_id"] == "p1");
  CHECK(a["user_id"] == "u1");

  // The create's answer carries the secret; a refresh without prior has none.
  object["secret"] = "fresh";
  CHECK(AppCredAttributes(object, Value())["secret"] == "fresh");
  object.erase("secret");
  CHECK(AppCredAttributes(object, Value())["secret"].is_null());
  // Without access rules Keystone omits the key: the attribute is [] (the default).
  object.erase("access_rules");
  CHECK(AppCredAttributes(object, Value())["access_rules"] == Value::array());
}

TEST_CASE("the application credential schema forces replacement for every input",
          "[openstack][appcred]") {
  ResourceSchema s = AppCredSchema();
  for (const AttrSchema& a : s.attributes) {
    if (s.IsInput(a.name)) CHECK(a.force_new);
    if (a.name == "secret") CHECK(a.sensitive);
  }
}

}  // namespace
}  // namespace capstan::openstack
