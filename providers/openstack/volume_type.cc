// openstack.volume: the life cycle against Cinder (create, adopt, extend, refresh, delete).
//
/// The pure pieces (schema, body, attributes, the shrink rule) are in volume.cc.
#include <map>
#include <utility>

#include "providers/openstack/attr_norm.h"
#include "providers/openstack/marks.h"
#include "providers/openstack/volume.h"
#include "providers/openstack/wait.h"

namespace capstan::openstack {

namespace {

/// Creating from a large image can take long; a delete rarely does.
constexpr int kCreateTimeoutSeconds = 1800;
constexpr int kDeleteTimeoutSeconds = 600;

class VolumeType : public ResourceType {
 public:
  explicit VolumeType(Session& s) : session_(s), schema_(VolumeSchema()) {}

  const ResourceSchema& schema() const override { return schema_; }

  Diagnostics Validate(const Value& props) const override {
    Diagnostics d;
    if (HasValue(props, "shrink_count")) {
      d.Error("shrink_count is set by capstan", "Remove it from the properties.");
    }
    if (HasValue(props, "size") && props["size"].is_number() && props["size"].get<double>() < 1) {
      d.Error("size must be at least 1 (GiB)");
    }
    return d;
  }

  Value PlanAttributes(const Value& props, const ObjectState* prior) const override {
    Value planned = ResourceType::PlanAttributes(props, prior);
    planned["owned"] = true;
    planned["shrink_count"] = PlanShrinkCount(props, prior ? &prior->attributes : nullptr);
    return planned;
  }

  Result<std::optional<ObjectState>> Read(const CallContext& ctx,
                                          const ObjectState& prior) override {
    auto volume = Fetch(ctx, prior.id);
    if (!volume.ok()) return volume.diags();
    if (!volume->has_value()) return std::optional<ObjectState>();
    return std::optional<ObjectState>(
        ObjectState{prior.id, VolumeAttributes(**volume, prior.attributes, ctx)});
  }

  std::vector<Result<std::optional<ObjectState>>> ReadMany(
      const CallContext& ctx, const std::vector<ObjectState>& priors) override {
    std::vector<Result<std::optional<ObjectState>>> out;
    auto listed = ListDetail(ctx, VolumeMetadataQuery(ctx, false));
    std::map<std::string, const Value*> by_id;
    if (listed.ok()) {
      for (const Value& o : *listed) by_id[StrAt(o, "id")] = &o;
    }
    for (size_t i = 0; i < priors.size(); ++i) {
      CallContext one = ctx.ForInstance(i);
      auto it = by_id.find(priors[i].id);
      if (!listed.ok()) {
        out.push_back(listed.diags());
      } else if (it != by_id.end()) {
        out.push_back(std::optional<ObjectState>(
            ObjectState{priors[i].id, VolumeAttributes(*it->second, priors[i].attributes, one)}));
      } else {
        out.push_back(Read(one, priors[i]));  // Marks removed, or gone: ask directly.
      }
    }
    return out;
  }

  Result<ObjectState> Create(const CallContext& ctx, const Value& props) override {
    ApiCall call =
        ApiCall::Post("volumev3", "/volumes", {{"volume", VolumeCreateBody(props, ctx)}});
    Result<Value> created = Value();
    // One POST; when its answer is lost, one more look by the marks (never a second POST:
    // a slow cloud may still be making the first). Not found: the next run adopts it.
    Diagnostics lost;
    for (int attempt = 0;; ++attempt) {
      auto adopted = Adopt(ctx, props);
      if (!adopted.ok() || adopted->has_value()) {
        if (!adopted.ok()) return adopted.diags();
        return std::move(**adopted);
      }
      if (attempt > 0) return lost;
      created = session_.Json(call, ctx.cancel);
      if (created.ok()) break;
      if (!OutcomeUnknown(created.diags())) return created.diags();
      lost = created.diags();
      ctx.Progress("the answer to POST /volumes was lost; looking for the volume");
    }
    std::string id = StrAt(created->value("volume", Value::object()), "id");
    if (id.empty()) return Result<ObjectState>::Fail("POST /volumes: no id in the answer");
    Status st = WaitReady(ctx, id);
    if (st.HasErrors()) return st;
    Value known = props;
    known["shrink_count"] = 0;
    return Reread(ctx, id, known);
  }

  /// The volume an interrupted run made for this address, brought to `props`; nullopt
  /// when there is none.
  Result<std::optional<ObjectState>> Adopt(const CallContext& ctx, const Value& props) {
    auto candidates = ListDetail(ctx, VolumeMetadataQuery(ctx, true));
    if (!candidates.ok()) return candidates.diags();
    for (const Value& c : *candidates) {
      std::string id = StrAt(c, "id"), status = StrAt(c, "status");
      if (id == ctx.replacing_id || !HasMarkMetadata(c.value("metadata", Value()), ctx)) continue;
      if (status.rfind("error", 0) == 0) {
        ctx.Progress("deleting volume " + id + " (" + status + ") left by an earlier run");
        Status st = Delete(ctx, ObjectState{id, Value::object()});
        if (st.HasErrors()) return st;
        continue;
      }
      ctx.Progress("adopting volume " + id + " (" + status + ") from an earlier run");
      Status st = WaitReady(ctx, id);
      if (st.HasErrors()) return st;
      auto updated = Update(ctx, ObjectState{id, props}, props);
      if (!updated.ok()) return updated.diags();
      return std::optional<ObjectState>(std::move(*updated));
    }
    return std::optional<ObjectState>();
  }

  Result<ObjectState> Update(const CallContext& ctx, const ObjectState& prior,
                             const Value& props) override {
    auto current = Fetch(ctx, prior.id);
    if (!current.ok()) return current.diags();
    if (!current->has_value()) {
      return Result<ObjectState>::Fail("volume " + prior.id + " no longer exists",
                                       "Run `capstan plan` again: it will be re-created.");
    }
    const Value& vol = **current;
    Status st = Extend(ctx, vol, props);
    if (st.HasErrors()) return st;
    Value change = Value::object();
    for (const char* k : {"name", "description"}) {
      if (HasValue(props, k) && StrAt(vol, k) != StrAt(props, k)) change[k] = props[k];
    }
    if (!change.empty()) {
      auto resp = session_.Send(
          ApiCall::Put("volumev3", "/volumes/" + prior.id, {{"volume", change}}), ctx.cancel);
      if (!resp.ok()) return resp.diags();
    }
    Value want = props.value("metadata", Value::object());
    if (!want.is_object()) want = Value::object();
    want.update(MarkMetadata(ctx));
    if (vol.value("metadata", Value::object()) != want) {
      // PUT .../metadata replaces the whole map (the user's keys and the marks).
      auto resp = session_.Send(
          ApiCall::Put("volumev3", "/volumes/" + prior.id + "/metadata", {{"metadata", want}}),
          ctx.cancel);
      if (!resp.ok()) return resp.diags();
    }
    Value known = props;
    known["shrink_count"] = prior.attributes.value("shrink_count", Value(0));
    if (!HasValue(known, "image_id"))
      known["image_id"] = prior.attributes.value("image_id", Value());
    return Reread(ctx, prior.id, known);
  }

  Status Delete(const CallContext& ctx, const ObjectState& prior) override {
    auto resp = session_.Send(ApiCall::Delete("volumev3", "/volumes/" + prior.id), ctx.cancel);
    if (!resp.ok()) return resp.diags();
    WaitSpec spec{"volume deleted", kDeleteTimeoutSeconds};
    return WaitUntil(ctx, spec, [&]() -> Result<WaitStep> {
      auto vol = Fetch(ctx, prior.id);
      if (!vol.ok()) return vol.diags();
      if (!vol->has_value()) return WaitStep{true, "gone"};
      std::string status = StrAt(**vol, "status");
      if (status == "error_deleting") return Failed(ctx, **vol, "deleted");
      return WaitStep{false, status};
    });
  }

  bool SupportsList() const override { return true; }

  Result<std::vector<ObjectState>> List(const CallContext& ctx) override {
    auto listed = ListDetail(ctx, VolumeMetadataQuery(ctx, false));
    if (!listed.ok()) return listed.diags();
    std::vector<ObjectState> out;
    for (const Value& o : *listed) {
      out.push_back(ObjectState{StrAt(o, "id"), VolumeAttributes(o, Value(), ctx)});
    }
    return out;
  }

 private:
  Result<std::vector<Value>> ListDetail(const CallContext& ctx, const std::string& query) {
    return session_.List(ApiCall::Get("volumev3", "/volumes/detail?" + query), "volumes",
                         ctx.cancel);
  }

  Result<std::optional<Value>> Fetch(const CallContext& ctx, const std::string& id) {
    ApiCall call = ApiCall::Get("volumev3", "/volumes/" + id);
    call.ok_statuses = {404};
    auto resp = session_.Json(call, ctx.cancel);
    if (!resp.ok()) return resp.diags();
    if (!resp->is_object() || !resp->contains("volume")) return std::optional<Value>();
    return std::optional<Value>((*resp)["volume"]);
  }

  Result<ObjectState> Reread(const CallContext& ctx, const std::string& id, const Value& known) {
    auto vol = Fetch(ctx, id);
    if (!vol.ok()) return vol.diags();
    if (!vol->has_value()) {
      return Result<ObjectState>::Fail("volume " + id + " vanished right after it was written");
    }
    return ObjectState{id, VolumeAttributes(**vol, known, ctx)};
  }

  /// The error for a volume in an error state: its status and Cinder's user messages.
  Result<WaitStep> Failed(const CallContext& ctx, const Value& vol, const std::string& wanted) {
    std::string id = StrAt(vol, "id");
    ApiCall call = ApiCall::Get("volumev3", "/messages?resource_uuid=" + id);
    call.microversion = "volume 3.3";
    std::string detail;
    auto msgs = session_.Json(call, ctx.cancel);
    if (msgs.ok() && msgs->is_object()) {
      for (const Value& m : msgs->value("messages", Value::array())) {
        detail += (detail.empty() ? "" : "\n") + StrAt(m, "user_message");
      }
    }
    if (detail.empty()) detail = "Cinder left no message for it; the cinder-volume log has more.";
    return Result<WaitStep>::Fail(
        "volume " + id + " went " + StrAt(vol, "status") + " instead of " + wanted, detail);
  }

  /// Waits until the volume is available (or in-use) and at least `min_size` GiB.
  Status WaitReady(const CallContext& ctx, const std::string& id, double min_size = 0) {
    WaitSpec spec{"volume available", kCreateTimeoutSeconds};
    return WaitUntil(ctx, spec, [&]() -> Result<WaitStep> {
      auto vol = Fetch(ctx, id);
      if (!vol.ok()) return vol.diags();
      if (!vol->has_value()) return Result<WaitStep>::Fail("volume " + id + " disappeared");
      std::string status = StrAt(**vol, "status");
      bool grown = (**vol).value("size", 0.0) >= min_size;
      if ((status == "available" || status == "in-use") && grown) return WaitStep{true, status};
      if (status.rfind("error", 0) == 0) return Failed(ctx, **vol, "available");
      return WaitStep{false, status};
    });
  }

  /// Grows the volume to props.size (os-extend) and waits for it.
  Status Extend(const CallContext& ctx, const Value& vol, const Value& props) {
    if (!HasValue(props, "size") || !vol.value("size", Value()).is_number()) return {};
    double want = props["size"].get<double>(), have = vol["size"].get<double>();
    Status st;
    if (want < have) {
      st.Error("Cinder cannot shrink volume " + StrAt(vol, "id") + " from " + vol["size"].dump() +
                   " to " + props["size"].dump() + " GiB",
               "The plan should have replaced it; run `capstan plan` again.");
      return st;
    }
    if (want == have) return st;
    ApiCall call = ApiCall::Post("volumev3", "/volumes/" + StrAt(vol, "id") + "/action",
                                 {{"os-extend", {{"new_size", props["size"]}}}});
    auto resp = session_.Send(call, ctx.cancel);
    if (!resp.ok()) return resp.diags();
    ctx.Progress("extending volume to " + props["size"].dump() + " GiB");
    return WaitReady(ctx, StrAt(vol, "id"), want);
  }

  Session& session_;
  ResourceSchema schema_;
};

}  // namespace

std::unique_ptr<ResourceType> NewVolumeType(Session& session) {
  return std::make_unique<VolumeType>(session);
}

}  // namespace capstan::openstack
