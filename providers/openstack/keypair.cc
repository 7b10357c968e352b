// openstack.keypair: a Nova SSH keypair, uploaded from a given public key or generated.
//
/// Keypairs carry no tags or metadata, so ownership is decided by content: an existing
/// keypair of the same name is adopted when its public key equals the configured one.
/// When capstan generates the key (public_key unset), the public key's comment carries
/// the marks "capstan-stack=S capstan-addr=A"; a keypair with those marks found before a
/// create was made by an interrupted run whose private key is lost, so it is replaced.
/// The private key is generated locally (ed25519, libsodium) and never leaves capstan
/// except into the (encrypted) state; only the public key is uploaded.
#include "providers/attr_builder.h"
#include "providers/openstack/compute_util.h"
#include "providers/openstack/fields.h"
#include "providers/openstack/marks.h"
#include "providers/openstack/types.h"

namespace capstan::openstack {
namespace {

ResourceSchema KeypairSchema() {
  ResourceSchema s;
  s.type = "openstack.keypair";
  s.description = "A Nova SSH keypair (per user).";
  s.attributes = {
      Attr("name", "Keypair name (unique per user).").Required().ForceNew(),
      Attr("public_key",
           "OpenSSH public key to upload; when unset capstan generates an ed25519 key.")
          .Optional()
          .Computed()
          .ForceNew(),
      Attr("private_key", "The generated private key (OpenSSH format); null for a given key.")
          .Computed()
          .Sensitive(),
      Attr("fingerprint", "Nova's fingerprint of the public key.").Computed(),
  };
  return s;
}

class KeypairType : public ResourceType {
 public:
  explicit KeypairType(Session& s) : session_(s), schema_(KeypairSchema()) {}

  const ResourceSchema& schema() const override { return schema_; }

  Result<std::optional<ObjectState>> Read(const CallContext& ctx,
                                          const ObjectState& prior) override {
    auto kp = Fetch(ctx, prior.id);
    if (!kp.ok()) return kp.diags();
    if (kp->is_null()) return std::optional<ObjectState>();
    return std::optional<ObjectState>(ToState(*kp, prior.attributes));
  }

  std::vector<Result<std::optional<ObjectState>>> ReadMany(
      const CallContext& ctx, const std::vector<ObjectState>& priors) override {
    std::vector<Result<std::optional<ObjectState>>> out;
    ApiCall call = ApiCall::Get("compute", "/os-keypairs");
    call.microversion = kNovaMicroversion;
    auto listed = session_.List(call, "keypairs", ctx.cancel);
    for (const ObjectState& prior : priors) {
      if (!listed.ok()) {
        out.push_back(listed.diags());
        continue;
      }
      std::optional<ObjectState> found;
      for (const Value& item : *listed) {
        const Value kp = item.value("keypair", Value::object());
        if (Str(kp, "name") == prior.id) found = ToState(kp, prior.attributes);
      }
      out.push_back(std::move(found));
    }
    return out;
  }

  Result<ObjectState> Create(const CallContext& ctx, const Value& props) override {
    const std::string name = Str(props, "name");
    const std::string given = Str(props, "public_key");
    auto existing = Fetch(ctx, name);
    if (!existing.ok()) return existing.diags();
    if (!existing->is_null()) {
      const std::string have = Str(*existing, "public_key");
      if (name == ctx.replacing_id) {
        return Result<ObjectState>::Fail(
            "keypair \"" + name + "\" cannot be replaced by a keypair of the same name first",
            "Nova keypair names are unique per user; drop create_before_destroy or change the "
            "name.");
      }
      if (!given.empty() && NormalizePublicKey(have) == NormalizePublicKey(given)) {
        ctx.Progress("adopting keypair " + name + " (same public key)");
        return ToState(*existing, {{"public_key", given}});
      }
      if (given.empty() && PublicKeyComment(have) == MarkDescription(ctx)) {
        // Made by an interrupted run of this stack; its private key was never saved.
        ctx.Progress("replacing keypair " + name + " left by an interrupted run");
        Status st = Delete(ctx, ObjectState{name, Value::object()});
        if (st.HasErrors()) return st;
      } else {
        return Result<ObjectState>::Fail(
            "keypair \"" + name + "\" already exists with a different public key",
            "Its fingerprint is " + Str(*existing, "fingerprint") +
                (given.empty() ? "; capstan would generate a new key because public_key is unset"
                               : "; the configured public_key differs") +
                ". Set public_key to the existing key to adopt it, delete the keypair "
                "(`openstack keypair delete " +
                name + "`), or choose another name.");
      }
    }

    Value body = {{"name", name}};
    std::optional<SshKeyPair> generated;
    if (given.empty()) {
      auto kp = GenerateEd25519(MarkDescription(ctx));
      if (!kp.ok()) return kp.diags();
      generated = std::move(*kp);
      body["public_key"] = generated->public_key;
    } else {
      body["public_key"] = given;
    }
    ApiCall call = ApiCall::Post("compute", "/os-keypairs", {{"keypair", body}});
    call.microversion = kNovaMicroversion;
    Value prior = {{"public_key", body["public_key"]}};
    if (generated) prior["private_key"] = generated->private_key;
    // One POST. When its answer was lost, the keypair may exist: with the public key just
    // sent it is ours (and the private key is still here), so it is kept.
    {
      auto created = session_.Json(call, ctx.cancel);
      if (created.ok()) return ToState(created->value("keypair", Value::object()), prior);
      if (!OutcomeUnknown(created.diags())) return created.diags();
      ctx.Progress("the answer to POST /os-keypairs was lost; looking for keypair " + name);
      auto made = Fetch(ctx, name);
      if (!made.ok()) return made.diags();
      if (made->is_null()) return created.diags();
      if (NormalizePublicKey(Str(*made, "public_key")) ==
          NormalizePublicKey(body["public_key"].get<std::string>())) {
        return ToState(*made, prior);
      }
      return created.diags();
    }
  }

  Result<ObjectState> Update(const CallContext& ctx, const ObjectState& prior,
                             const Value& /*props*/) override {
    // Every input forces a new keypair: an update only refreshes.
    auto read = Read(ctx, prior);
    if (!read.ok()) return read.diags();
    if (!read->has_value()) {
      return Result<ObjectState>::Fail("keypair " + prior.id + " no longer exists",
                                       "Run `capstan plan` again: it will be re-created.");
    }
    return std::move(**read);
  }

  Status Delete(const CallContext& ctx, const ObjectState& prior) override {
    ApiCall call = ApiCall::Delete("compute", "/os-keypairs/" + PercentEncode(prior.id));
    call.microversion = kNovaMicroversion;
    call.delete_404_ok = true;
    auto resp = session_.Send(call, ctx.cancel);
    return resp.ok() ? Status() : resp.diags();
  }

 private:
  /// The keypair object, or null when there is none of that name.
  Result<Value> Fetch(const CallContext& ctx, const std::string& name) {
    ApiCall call = ApiCall::Get("compute", "/os-keypairs/" + PercentEncode(name));
    call.microversion = kNovaMicroversion;
    call.ok_statuses = {404};
    auto resp = session_.Json(call, ctx.cancel);
    if (!resp.ok()) return resp.diags();
    if (!resp->is_object() || !resp->contains("keypair")) return Value(nullptr);
    return (*resp)["keypair"];
  }

  /// State from a keypair object; the private key and the public key's spelling come
  /// from `prior` (Nova never returns the former and may reformat the latter).
  static ObjectState ToState(const Value& kp, const Value& prior) {
    Value a = Value::object();
    a["name"] = Str(kp, "name");
    std::string pub = Str(kp, "public_key");
    std::string before = Str(prior, "public_key");
    a["public_key"] =
        !before.empty() && NormalizePublicKey(before) == NormalizePublicKey(pub) ? before : pub;
    a["fingerprint"] = Str(kp, "fingerprint");
    a["private_key"] = prior.value("private_key", Value(nullptr));
    return ObjectState{Str(kp, "name"), a};
  }

  Session& session_;
  ResourceSchema schema_;
};

}  // namespace

std::unique_ptr<ResourceType> NewKeypairType(Session& s) {
  return std::make_unique<KeypairType>(s);
}

}  // namespace capstan::openstack
