// openstack.server: a Nova server's life cycle — adopt, boot and wait, update in place
// (rename, metadata, tags, security groups, resize), refresh by tag, delete and wait.
//
/// Marks: the boot request itself carries capstan-stack/capstan-addr as metadata and as
/// tags, so no crash window leaves an unmarked server. Before booting, servers with the
/// exact name are listed and one carrying this address's metadata marks is adopted (one
/// that ended in ERROR is deleted instead: it is ours and useless). Refresh lists the
/// stack's servers by tag, once per page. Schema and attribute mapping: server_attrs.cc;
/// waits: server_wait.cc.
#include <algorithm>

#include "providers/openstack/compute_util.h"
#include "providers/openstack/fields.h"
#include "providers/openstack/lookups.h"
#include "providers/openstack/marks.h"
#include "providers/openstack/server_parts.h"
#include "providers/openstack/types.h"

namespace capstan::openstack {
namespace {

bool IsReserved(const std::string& s) { return s.rfind("capstan-", 0) == 0; }

class ServerType : public ResourceType {
 public:
  explicit ServerType(Session& s) : session_(s), schema_(ServerSchema()) {}

  const ResourceSchema& schema() const override { return schema_; }

  Diagnostics Validate(const Value& props) const override {
    Diagnostics d;
    if (props.contains("boot_flavor")) {
      d.Error("boot_flavor is set by capstan, not in the configuration").key =
          "properties.boot_flavor";
    }
    if (props.contains("networks") && props["networks"].is_array()) {
      for (const Value& n : props["networks"]) {
        if (ContainsUnknown(n)) continue;
        if (!n.is_object() || n.size() != 1 || !(n.contains("uuid") || n.contains("port"))) {
          d.Error("each entry of networks is {uuid: <network id>} or {port: <port id>}").key =
              "properties.networks";
        }
      }
    }
    if (props.contains("metadata") && props["metadata"].is_object()) {
      for (const auto& [k, v] : props["metadata"].items()) {
        if (IsReserved(k)) d.Error("metadata key " + k + " is reserved for capstan's marks");
      }
    }
    if (props.contains("tags") && props["tags"].is_array()) {
      for (const Value& t : props["tags"]) {
        if (t.is_string() && IsReserved(t.get<std::string>())) {
          d.Error("tag " + t.get<std::string>() + " is reserved for capstan's marks");
        }
      }
    }
    return d;
  }

  Value PlanAttributes(const Value& props, const ObjectState* prior) const override {
    Value planned = ResourceType::PlanAttributes(props, prior);
    if (planned.contains("tags")) planned["tags"] = SortedTags(planned["tags"]);
    if (IsSet(props, "user_data") && props["user_data"].is_string()) {
      planned["user_data"] = UserDataDigest(props["user_data"].get<std::string>());
    }
    const Value flavor = props.value("flavor", Value());
    if (!prior) {
      planned["boot_flavor"] = flavor;
    } else {
      const Value& pa = prior->attributes;
      bool keep = props.value("allow_resize", false) || flavor == pa.value("flavor", Value());
      planned["boot_flavor"] = keep ? pa.value("boot_flavor", flavor) : flavor;
    }
    planned["owned"] = true;
    return planned;
  }

  Result<std::optional<ObjectState>> Read(const CallContext& ctx,
                                          const ObjectState& prior) override {
    auto server = FetchServer(session_, ctx, prior.id);
    if (!server.ok()) return server.diags();
    if (server->is_null()) return std::optional<ObjectState>();
    return std::optional<ObjectState>(
        ObjectState{prior.id, ServerAttributes(ctx, *server, prior.attributes)});
  }

  std::vector<Result<std::optional<ObjectState>>> ReadMany(
      const CallContext& ctx, const std::vector<ObjectState>& priors) override {
    std::vector<Result<std::optional<ObjectState>>> out;
    ApiCall call =
        ApiCall::Get("compute", "/servers/detail?tags=" + PercentEncode(MarkTags(ctx, 60)[0]));
    call.microversion = kNovaMicroversion;
    auto listed = session_.List(call, "servers", ctx.cancel);
    for (size_t i = 0; i < priors.size(); ++i) {
      if (!listed.ok()) {
        out.push_back(listed.diags());
        continue;
      }
      CallContext one = ctx.ForInstance(i);
      auto it = std::find_if(listed->begin(), listed->end(),
                             [&](const Value& s) { return Str(s, "id") == priors[i].id; });
      if (it == listed->end()) {
        out.push_back(Read(one, priors[i]));  // Marks removed, or gone: ask directly.
      } else {
        out.push_back(std::optional<ObjectState>(
            ObjectState{priors[i].id, ServerAttributes(one, *it, priors[i].attributes)}));
      }
    }
    return out;
  }

  Result<ObjectState> Create(const CallContext& ctx, const Value& props) override {
    auto flavor = FindFlavor(session_, ctx, Str(props, "flavor"));
    if (!flavor.ok()) return flavor.diags();
    auto image = FindImage(session_, ctx, Str(props, "image"), false);
    if (!image.ok()) return image.diags();
    Value carry = ServerCarry(props, Str(*flavor, "name"), Str(*image, "id"));

    ApiCall call = ApiCall::Post("compute", "/servers",
                                 ServerBootBody(ctx, props, Str(*flavor, "id"), Str(*image, "id")));
    call.microversion = kNovaMicroversion;
    Result<Value> created = Value();
    // One POST; when its answer is lost, one more look by the marks (never a second POST:
    // a slow cloud may still be making the first). Not found: the next run adopts it.
    Diagnostics lost;
    for (int attempt = 0;; ++attempt) {
      auto adopted = Adopt(ctx, props, carry);
      if (!adopted.ok() || adopted->has_value()) {
        if (!adopted.ok()) return adopted.diags();
        return std::move(**adopted);
      }
      if (attempt > 0) return lost;
      created = session_.Json(call, ctx.cancel);
      if (created.ok()) break;
      if (!OutcomeUnknown(created.diags())) return created.diags();
      lost = created.diags();
      ctx.Progress("the answer to POST /servers was lost; looking for the server");
    }
    std::string id = Str(created->value("server", Value::object()), "id");
    if (id.empty()) return Result<ObjectState>::Fail("POST /servers: no server id in the answer");
    Status st = WaitForServerStatus(session_, ctx, id, "ACTIVE");
    if (st.HasErrors()) return st;
    return Reread(ctx, id, carry);
  }

  Result<ObjectState> Update(const CallContext& ctx, const ObjectState& prior,
                             const Value& props) override {
    auto server = FetchServer(session_, ctx, prior.id);
    if (!server.ok()) return server.diags();
    if (server->is_null()) {
      return Result<ObjectState>::Fail("server " + prior.id + " no longer exists",
                                       "Run `capstan plan` again: it will be re-created.");
    }
    Value carry = prior.attributes;
    Status st = ConvergeServer(session_, ctx, *server, props, carry);
    if (st.HasErrors()) return st;
    return Reread(ctx, prior.id, carry);
  }

  Status Delete(const CallContext& ctx, const ObjectState& prior) override {
    ApiCall call = ApiCall::Delete("compute", "/servers/" + prior.id);
    call.microversion = kNovaMicroversion;
    call.delete_404_ok = true;
    call.retry_409 = true;  // "Cannot delete while in task state ..." passes.
    auto resp = session_.Send(call, ctx.cancel);
    if (!resp.ok()) return resp.diags();
    return WaitForServerGone(session_, ctx, prior.id);
  }

  bool SupportsList() const override { return true; }

  Result<std::vector<ObjectState>> List(const CallContext& ctx) override {
    ApiCall call =
        ApiCall::Get("compute", "/servers/detail?tags=" + PercentEncode(MarkTags(ctx, 60)[0]));
    call.microversion = kNovaMicroversion;
    auto listed = session_.List(call, "servers", ctx.cancel);
    if (!listed.ok()) return listed.diags();
    std::vector<ObjectState> out;
    for (const Value& s : *listed) {
      out.push_back(ObjectState{Str(s, "id"), ServerAttributes(ctx, s, Value::object())});
    }
    return out;
  }

 private:
  /// A server an interrupted run booted for this address, brought to `props`; nullopt
  /// when there is none.
  Result<std::optional<ObjectState>> Adopt(const CallContext& ctx, const Value& props,
                                           const Value& carry) {
    ApiCall call =
        ApiCall::Get("compute", "/servers/detail?name=" +
                                    PercentEncode("^" + RegexEscape(Str(props, "name")) + "$"));
    call.microversion = kNovaMicroversion;
    auto candidates = session_.List(call, "servers", ctx.cancel);
    if (!candidates.ok()) return candidates.diags();
    for (const Value& c : *candidates) {
      std::string id = Str(c, "id");
      if (id == ctx.replacing_id || !HasMarkMetadata(c.value("metadata", Value::object()), ctx)) {
        continue;
      }
      if (Str(c, "status") == "ERROR") {
        ctx.Progress("deleting failed server " + id + " left by an interrupted run");
        Status st = Delete(ctx, ObjectState{id, Value::object()});
        if (st.HasErrors()) return st;
        continue;
      }
      ctx.Progress("adopting server " + id + " from an earlier run");
      Status st = WaitForServerStatus(session_, ctx, id, "ACTIVE");
      if (st.HasErrors()) return st;
      auto server = FetchServer(session_, ctx, id);
      if (!server.ok()) return server.diags();
      Value c2 = carry;
      st = ConvergeServer(session_, ctx, *server, props, c2);
      if (st.HasErrors()) return st;
      auto state = Reread(ctx, id, c2);
      if (!state.ok()) return state.diags();
      return std::optional<ObjectState>(std::move(*state));
    }
    return std::optional<ObjectState>();
  }

  Result<ObjectState> Reread(const CallContext& ctx, const std::string& id, const Value& carry) {
    auto server = FetchServer(session_, ctx, id);
    if (!server.ok()) return server.diags();
    if (server->is_null()) {
      return Result<ObjectState>::Fail("server " + id + " vanished right after it was written");
    }
    return ObjectState{id, ServerAttributes(ctx, *server, carry)};
  }

  Session& session_;
  ResourceSchema schema_;
};

}  // namespace

std::unique_ptr<ResourceType> NewServerType(Session& s) { return std::make_unique<ServerType>(s); }

}  // namespace capstan::openstack
