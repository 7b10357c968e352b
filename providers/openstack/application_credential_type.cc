// openstack.application_credential: the life cycle against Keystone.
//
/// The pure pieces (schema, body, attributes) are in application_credential.cc.
#include <map>
#include <utility>

#include "providers/openstack/application_credential.h"
#include "providers/openstack/attr_norm.h"
#include "providers/openstack/cloud_config.h"
#include "providers/openstack/keystone.h"
#include "providers/openstack/marks.h"

namespace capstan::openstack {

namespace {

class ApplicationCredentialType : public ResourceType {
 public:
  explicit ApplicationCredentialType(Session& s) : session_(s), schema_(AppCredSchema()) {}

  const ResourceSchema& schema() const override { return schema_; }

  Diagnostics Validate(const Value& props) const override {
    Diagnostics d;
    if (HasValue(props, "expires_at") && props["expires_at"].is_string() &&
        !ParseIso8601(props["expires_at"].get<std::string>())) {
      d.Error("expires_at is not an ISO-8601 time: " + props["expires_at"].get<std::string>(),
              "Write it like 2030-01-01T00:00:00Z.");
    }
    if (HasValue(props, "access_rules") && props["access_rules"].is_array()) {
      for (const Value& r : props["access_rules"]) {
        if (IsUnknown(r)) continue;
        if (!r.is_object() || StrAt(r, "service").empty() || StrAt(r, "method").empty() ||
            StrAt(r, "path").empty()) {
          d.Error("each access rule needs service, method and path",
                  "For example {service: compute, method: GET, path: /v2.1/servers}.");
          break;
        }
      }
    }
    return d;
  }

  Result<std::optional<ObjectState>> Read(const CallContext& ctx,
                                          const ObjectState& prior) override {
    auto base = Base(ctx, prior.attributes);
    if (!base.ok()) return base.diags();
    ApiCall call = ApiCall::Get("identity", *base + "/" + prior.id);
    call.ok_statuses = {404};
    auto resp = session_.Json(call, ctx.cancel);
    if (!resp.ok()) return resp.diags();
    if (!resp->is_object() || !resp->contains("application_credential")) {
      return std::optional<ObjectState>();
    }
    return std::optional<ObjectState>(ObjectState{
        prior.id, AppCredAttributes((*resp)["application_credential"], prior.attributes)});
  }

  /// One GET of the user's credentials answers every instance.
  std::vector<Result<std::optional<ObjectState>>> ReadMany(
      const CallContext& ctx, const std::vector<ObjectState>& priors) override {
    std::vector<Result<std::optional<ObjectState>>> out;
    auto listed = ListMine(ctx);
    std::map<std::string, const Value*> by_id;
    if (listed.ok()) {
      for (const Value& o : *listed) by_id[StrAt(o, "id")] = &o;
    }
    auto token = session_.CurrentToken(ctx.cancel);
    for (const ObjectState& prior : priors) {
      if (!listed.ok()) {
        out.push_back(listed.diags());
        continue;
      }
      auto it = by_id.find(prior.id);
      if (it != by_id.end()) {
        out.push_back(std::optional<ObjectState>(
            ObjectState{prior.id, AppCredAttributes(*it->second, prior.attributes)}));
      } else if (token.ok() && StrAt(prior.attributes, "user_id") != token->user_id &&
                 !StrAt(prior.attributes, "user_id").empty()) {
        out.push_back(Read(ctx, prior));  // Another user's credential: not in our list.
      } else {
        out.push_back(std::optional<ObjectState>());
      }
    }
    return out;
  }

  Result<ObjectState> Create(const CallContext& ctx, const Value& props) override {
    auto base = Base(ctx, Value());
    if (!base.ok()) return base.diags();
    std::string name = StrAt(props, "name");
    ApiCall call = ApiCall::Post("identity", *base,
                                 {{"application_credential", AppCredCreateBody(ctx, props)}});
    Result<Value> created = Value();
    // One POST. A credential made by a POST whose answer was lost is as useless as one
    // left by a crash (the secret was only in that answer): it is deleted, and the error
    // stands (a second POST could race a slow first one); the next run makes it again.
    Status cleared = DeleteLeftOver(ctx, *base, name);
    if (cleared.HasErrors()) return cleared;
    created = session_.Json(call, ctx.cancel);
    if (!created.ok()) {
      if (OutcomeUnknown(created.diags())) {
        ctx.Progress("the answer to POST application_credentials was lost; removing what it made");
        (void)DeleteLeftOver(ctx, *base, name);
      }
      return created.diags();
    }
    Value object = created->value("application_credential", Value::object());
    if (StrAt(object, "id").empty() || StrAt(object, "secret").empty()) {
      return Result<ObjectState>::Fail(
          "POST application_credentials: no id or secret in the answer");
    }
    return ObjectState{StrAt(object, "id"), AppCredAttributes(object, props)};
  }

  /// Every input forces a replacement, so an update only re-reads (keeping the secret).
  Result<ObjectState> Update(const CallContext& ctx, const ObjectState& prior,
                             const Value& /*props*/) override {
    auto read = Read(ctx, prior);
    if (!read.ok()) return read.diags();
    if (!read->has_value()) {
      return Result<ObjectState>::Fail("application credential " + prior.id + " no longer exists",
                                       "Run `capstan plan` again: it will be re-created.");
    }
    return std::move(**read);
  }

  Status Delete(const CallContext& ctx, const ObjectState& prior) override {
    auto base = Base(ctx, prior.attributes);
    if (!base.ok()) return base.diags();
    auto resp = session_.Send(ApiCall::Delete("identity", *base + "/" + prior.id), ctx.cancel);
    return resp.ok() ? Status() : resp.diags();
  }

  bool SupportsList() const override { return true; }

  Result<std::vector<ObjectState>> List(const CallContext& ctx) override {
    auto listed = ListMine(ctx);
    if (!listed.ok()) return listed.diags();
    std::vector<ObjectState> out;
    for (const Value& o : *listed) {
      if (StrAt(o, "description").rfind("capstan-stack=" + ctx.stack + " ", 0) != 0) continue;
      out.push_back(ObjectState{StrAt(o, "id"), AppCredAttributes(o, Value())});
    }
    return out;
  }

 private:
  static Status Refused(std::string summary, std::string detail) {
    Status st;
    st.Error(std::move(summary), std::move(detail));
    return st;
  }

  /// Deletes the credential named `name` that this stack made for this address and whose
  /// secret is lost; fails when a credential of that name is someone else's.
  Status DeleteLeftOver(const CallContext& ctx, const std::string& base, const std::string& name) {
    auto listed = ListMine(ctx);
    if (!listed.ok()) return listed.diags();
    for (const Value& c : *listed) {
      if (StrAt(c, "name") != name) continue;
      std::string id = StrAt(c, "id");
      if (id == ctx.replacing_id) {
        return Refused(
            "application credential \"" + name + "\" still exists: it is the one being replaced",
            "Keystone requires unique names per user, so a create_before_destroy replacement "
            "needs a new name (e.g. with a suffix); or drop create_before_destroy.");
      }
      if (!HasMarkDescription(StrAt(c, "description"), ctx)) {
        return Refused(
            "an application credential named \"" + name + "\" already exists for this user",
            "It was not made by this stack for this address (id " + id +
                "). Names are unique per user: choose another name, or delete it with "
                "`openstack application credential delete " +
                id + "`.");
      }
      // Made by an interrupted run: its secret never reached the state and cannot be read
      // back, so the credential is useless. Replace it.
      ctx.Progress("deleting application credential " + id +
                   " left by an interrupted run (its secret was never saved)");
      auto del = session_.Send(ApiCall::Delete("identity", base + "/" + id), ctx.cancel);
      if (!del.ok()) return del.diags();
    }
    return {};
  }

  /// ".../v3/users/<user>/application_credentials" for the credential's user (from
  /// `attrs`), else the token's user.
  Result<std::string> Base(const CallContext& ctx, const Value& attrs) {
    auto endpoint = session_.Endpoint("identity", ctx.cancel);
    if (!endpoint.ok()) return endpoint.diags();
    std::string user = StrAt(attrs, "user_id");
    if (user.empty()) {
      auto token = session_.CurrentToken(ctx.cancel);
      if (!token.ok()) return token.diags();
      user = token->user_id;
    }
    return NormalizeAuthUrl(*endpoint) + "/users/" + user + "/application_credentials";
  }

  Result<std::vector<Value>> ListMine(const CallContext& ctx) {
    auto base = Base(ctx, Value());
    if (!base.ok()) return base.diags();
    return session_.List(ApiCall::Get("identity", *base), "application_credentials", ctx.cancel);
  }

  Session& session_;
  ResourceSchema schema_;
};

}  // namespace

std::unique_ptr<ResourceType> NewApplicationCredentialType(Session& session) {
  return std::make_unique<ApplicationCredentialType>(session);
}

}  // namespace capstan::openstack
