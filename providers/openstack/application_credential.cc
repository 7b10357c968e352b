// openstack.application_credential: a Keystone application credential of the token's user.
//
/// SCS gives every workload cluster its own restricted credential, so the cluster's
/// cloud-controller-manager and CAPO never hold the user's password. Keystone offers no
/// update for application credentials, so every input forces a replacement. The secret
/// is only in the answer to the create: it is kept from state on every read, and an
/// orphan found on adoption (a crash between Keystone's create and capstan's commit) is
/// deleted and made again, since its secret is lost for good.
#include "providers/openstack/application_credential.h"

#include "providers/attr_builder.h"
#include "providers/openstack/attr_norm.h"
#include "providers/openstack/marks.h"

namespace capstan::openstack {
ResourceSchema AppCredSchema() {
  ResourceSchema s;
  s.type = "openstack.application_credential";
  s.description =
      "A Keystone application credential of the authenticated user, in the token's project.";
  s.attributes = {
      Attr("name", "Name; unique among the user's credentials.").Required().ForceNew(),
      Attr("description", "Free text (Keystone cannot change it: a change replaces).")
          .Optional()
          .Default("")
          .ForceNew(),
      Attr("unrestricted", "May create further credentials and trusts (SCS: keep false).",
           AttrType::kBool)
          .Optional()
          .Default(false)
          .ForceNew(),
      Attr("roles", "Role names it carries; default: all roles of the token.", AttrType::kList)
          .Optional()
          .Computed()
          .ForceNew(),
      Attr("access_rules", "Allowed calls: list of {service, method, path}; empty = any.",
           AttrType::kList)
          .Optional()
          .Default(Value::array())
          .ForceNew(),
      Attr("expires_at", "Expiry as ISO-8601 (e.g. 2030-01-01T00:00:00Z); null = never.")
          .Optional()
          .ForceNew(),
      Attr("id", "The credential's id (use as application_credential_id).").Computed(),
      Attr("project_id", "The project it is scoped to.").Computed(),
      Attr("user_id", "The user it belongs to.").Computed(),
      Attr("secret", "The secret; only known to capstan from the create.").Computed().Sensitive(),
  };
  return s;
}

namespace {

/// Role names of a Keystone roles array ([{id, name, ...}]).
Value RoleNames(const Value& roles) {
  Value names = Value::array();
  if (!roles.is_array()) return names;
  for (const Value& r : roles) names.push_back(StrAt(r, "name"));
  return names;
}

/// Access rules as {service, method, path} (Keystone adds an id).
Value PlainRules(const Value& rules) {
  Value out = Value::array();
  if (!rules.is_array()) return out;
  for (const Value& r : rules) {
    out.push_back({{"service", StrAt(r, "service")},
                   {"method", StrAt(r, "method")},
                   {"path", StrAt(r, "path")}});
  }
  return out;
}

}  // namespace

Value AppCredCreateBody(const CallContext& ctx, const Value& props) {
  Value body = {{"name", StrAt(props, "name")},
                {"description", MarkDescription(ctx, StrAt(props, "description"))}};
  if (HasValue(props, "unrestricted") && props["unrestricted"] == true) {
    body["unrestricted"] = true;
  }
  if (HasValue(props, "roles") && props["roles"].is_array()) {
    Value roles = Value::array();
    for (const Value& r : props["roles"]) roles.push_back({{"name", r}});
    body["roles"] = roles;
  }
  if (HasValue(props, "access_rules") && !props["access_rules"].empty()) {
    body["access_rules"] = PlainRules(props["access_rules"]);
  }
  if (HasValue(props, "expires_at")) body["expires_at"] = props["expires_at"];
  return body;
}

Value AppCredAttributes(const Value& object, const Value& known) {
  Value k = known.is_object() ? known : Value::object();
  Value a = Value::object();
  a["id"] = StrAt(object, "id");
  a["name"] = StrAt(object, "name");
  a["description"] = UserDescription(StrAt(object, "description"));
  a["unrestricted"] = object.value("unrestricted", Value()) == true;
  a["roles"] =
      KeepOrderIfSameSet(RoleNames(object.value("roles", Value())), k.value("roles", Value()));
  a["access_rules"] = KeepOrderIfSameSet(PlainRules(object.value("access_rules", Value())),
                                         k.value("access_rules", Value()));
  a["expires_at"] = KeepTimestampIfSameInstant(object.value("expires_at", Value()),
                                               k.value("expires_at", Value()));
  a["project_id"] = StrAt(object, "project_id");
  a["user_id"] = StrAt(object, "user_id");
  a["secret"] = HasValue(object, "secret") ? object["secret"] : k.value("secret", Value());
  return a;
}

}  // namespace capstan::openstack
