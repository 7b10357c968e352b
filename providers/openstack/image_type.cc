// openstack.image: the life cycle against Glance (create, adopt, patch, refresh, delete).
//
/// The pure pieces (schema, body, patch, properties) are in image.cc; the data transfer in
/// image_data.cc.
#include <map>
#include <utility>

#include "providers/openstack/attr_norm.h"
#include "providers/openstack/image.h"
#include "providers/openstack/marks.h"

namespace capstan::openstack {

namespace {

constexpr const char* kPatchType = "application/openstack-images-v2.1-json-patch";

class ImageType : public ResourceType {
 public:
  explicit ImageType(Session& s) : session_(s), schema_(ImageSchema()) {}

  const ResourceSchema& schema() const override { return schema_; }

  Diagnostics Validate(const Value& props) const override {
    Diagnostics d;
    bool file = HasValue(props, "source_file"), url = HasValue(props, "source_url");
    if (file == url) {
      d.Error("set exactly one of source_file and source_url",
              "An image needs its data from one place.");
    }
    if (HasValue(props, "properties") && props["properties"].is_object()) {
      for (const auto& [k, v] : props["properties"].items()) {
        if (!IsUnknown(v) && !v.is_string()) d.Error("image property " + k + " must be a string");
        if (IsReservedImageField(k)) {
          d.Error("\"" + k + "\" cannot be an image property",
                  "Glance or capstan manages it; set the attribute of that name instead.");
        }
      }
    }
    return d;
  }

  Value PlanAttributes(const Value& props, const ObjectState* prior) const override {
    Value planned = ResourceType::PlanAttributes(props, prior);
    planned["owned"] = true;
    if (!HasValue(props, "source_sha256") && HasValue(props, "source_file") &&
        props["source_file"].is_string()) {
      auto sha = FileSha256(props["source_file"].get<std::string>());
      // An unreadable file keeps the prior digest (Create reports it); never a replacement.
      if (sha.ok()) {
        planned["source_sha256"] = *sha;
      } else if (!prior) {
        planned["source_sha256"] = Unknown();
      }
    }
    return planned;
  }

  Result<std::optional<ObjectState>> Read(const CallContext& ctx,
                                          const ObjectState& prior) override {
    auto image = Fetch(ctx, prior.id);
    if (!image.ok()) return image.diags();
    if (!image->has_value()) return std::optional<ObjectState>();
    return std::optional<ObjectState>(
        ObjectState{prior.id, Attributes(ctx, **image, prior.attributes)});
  }

  std::vector<Result<std::optional<ObjectState>>> ReadMany(
      const CallContext& ctx, const std::vector<ObjectState>& priors) override {
    std::vector<Result<std::optional<ObjectState>>> out;
    auto listed = ListMarked(ctx);
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
            ObjectState{priors[i].id, Attributes(one, *it->second, priors[i].attributes)}));
      } else {
        out.push_back(Read(one, priors[i]));  // Marks removed, or gone: ask directly.
      }
    }
    return out;
  }

  Result<ObjectState> Create(const CallContext& ctx, const Value& props) override {
    Value known = props;
    if (HasValue(props, "source_file")) {
      auto sha = FileSha256(StrAt(props, "source_file"));
      if (!sha.ok()) return sha.diags();
      if (HasValue(props, "source_sha256") && StrAt(props, "source_sha256") != *sha) {
        return Result<ObjectState>::Fail("the sha256 of " + StrAt(props, "source_file") + " is " +
                                         *sha + ", not the source_sha256 configured (" +
                                         StrAt(props, "source_sha256") + ")");
      }
      known["source_sha256"] = *sha;
    }
    Result<Value> created = Value();
    // One POST; when its answer is lost, one more look by the marks (never a second POST:
    // a slow cloud may still be making the first). Not found: the next run adopts it.
    Diagnostics lost;
    for (int attempt = 0;; ++attempt) {
      auto adopted = Adopt(ctx, props, known);
      if (!adopted.ok() || adopted->has_value()) {
        if (!adopted.ok()) return adopted.diags();
        return std::move(**adopted);
      }
      if (attempt > 0) return lost;
      created = session_.Json(ApiCall::Post("image", "/v2/images", ImageCreateBody(props, ctx)),
                              ctx.cancel);
      if (created.ok()) break;
      if (!OutcomeUnknown(created.diags())) return created.diags();
      lost = created.diags();
      ctx.Progress("the answer to POST /v2/images was lost; looking for the image");
    }
    std::string id = StrAt(*created, "id");
    if (id.empty()) return Result<ObjectState>::Fail("POST /v2/images: no id in the answer");
    return Fill(ctx, id, props, known);
  }

  Result<ObjectState> Update(const CallContext& ctx, const ObjectState& prior,
                             const Value& props) override {
    auto image = Fetch(ctx, prior.id);
    if (!image.ok()) return image.diags();
    if (!image->has_value()) {
      return Result<ObjectState>::Fail("image " + prior.id + " no longer exists",
                                       "Run `capstan plan` again: it will be re-created.");
    }
    Value patch = ImagePatch(**image, props, ctx);
    if (!patch.empty()) {
      ApiCall call = ApiCall::Get("image", "/v2/images/" + prior.id);
      call.method = "PATCH";
      call.raw_body = patch.dump();
      call.content_type = kPatchType;
      auto resp = session_.Send(call, ctx.cancel);
      if (!resp.ok()) return resp.diags();
    }
    Value known = props;
    if (!HasValue(known, "source_sha256")) {
      known["source_sha256"] = prior.attributes.value("source_sha256", Value());
    }
    return Reread(ctx, prior.id, known);
  }

  Status Delete(const CallContext& ctx, const ObjectState& prior) override {
    auto resp = session_.Send(ApiCall::Delete("image", "/v2/images/" + prior.id), ctx.cancel);
    return resp.ok() ? Status() : resp.diags();
  }

  bool SupportsList() const override { return true; }

  Result<std::vector<ObjectState>> List(const CallContext& ctx) override {
    auto listed = ListMarked(ctx);
    if (!listed.ok()) return listed.diags();
    std::vector<ObjectState> out;
    for (const Value& o : *listed) {
      out.push_back(ObjectState{StrAt(o, "id"), Attributes(ctx, o, Value())});
    }
    return out;
  }

 private:
  Value Attributes(const CallContext& ctx, const Value& image, const Value& known) {
    Value k = known.is_object() ? known : Value::object();
    Value a = Value::object();
    for (const char* f : {"id", "name", "disk_format", "container_format", "visibility", "min_disk",
                          "min_ram", "status", "checksum", "size"}) {
      a[f] = image.value(f, Value());
    }
    a["properties"] = ImageUserProperties(image);
    a["tags"] =
        KeepOrderIfSameSet(UserTags(image.value("tags", Value::array())), k.value("tags", Value()));
    for (const char* f : {"source_file", "source_url", "source_sha256"}) {
      a[f] = k.value(f, Value());
    }
    a["owned"] = ImageOwned(image, ctx);
    return a;
  }

  Result<std::optional<Value>> Fetch(const CallContext& ctx, const std::string& id) {
    ApiCall call = ApiCall::Get("image", "/v2/images/" + id);
    call.ok_statuses = {404};
    auto resp = session_.Json(call, ctx.cancel);
    if (!resp.ok()) return resp.diags();
    if (!resp->is_object() || StrAt(*resp, "id").empty()) return std::optional<Value>();
    return std::optional<Value>(*resp);
  }

  Result<ObjectState> Reread(const CallContext& ctx, const std::string& id, const Value& known) {
    auto image = Fetch(ctx, id);
    if (!image.ok()) return image.diags();
    if (!image->has_value()) {
      return Result<ObjectState>::Fail("image " + id + " vanished right after it was written");
    }
    return ObjectState{id, Attributes(ctx, **image, known)};
  }

  /// Loads the data into a fresh (queued) image and reads it back.
  Result<ObjectState> Fill(const CallContext& ctx, const std::string& id, const Value& props,
                           Value known) {
    auto sha = LoadImageData(session_, ctx, id, props);
    if (!sha.ok()) return sha.diags();
    if (!sha->empty()) known["source_sha256"] = *sha;
    return Reread(ctx, id, known);
  }

  /// An image an interrupted run made for this address, brought to `props`; nullopt
  /// when there is none.
  Result<std::optional<ObjectState>> Adopt(const CallContext& ctx, const Value& props,
                                           const Value& known) {
    auto candidates = session_.List(ApiCall::Get("image", "/v2/images?visibility=all&name=" +
                                                              PercentEncode(StrAt(props, "name"))),
                                    "images", ctx.cancel);
    if (!candidates.ok()) return candidates.diags();
    for (const Value& c : *candidates) {
      std::string id = StrAt(c, "id"), status = StrAt(c, "status");
      if (id == ctx.replacing_id || !ImageOwned(c, ctx)) continue;
      ctx.Progress("adopting image " + id + " (" + status + ") from an earlier run");
      Result<ObjectState> done = Result<ObjectState>::Fail("unreachable");
      if (status == "queued") {
        done = Fill(ctx, id, props, known);
      } else if (status == "saving" || status == "importing" || status == "uploading") {
        Status st = WaitImageActive(session_, ctx, id);
        if (st.HasErrors()) return st;
        done = Update(ctx, ObjectState{id, known}, props);
      } else if (status == "active" || status == "deactivated") {
        done = Update(ctx, ObjectState{id, known}, props);
      } else {
        // killed / pending_delete: unusable; remove it and make a new one.
        auto del = session_.Send(ApiCall::Delete("image", "/v2/images/" + id), ctx.cancel);
        if (!del.ok()) return del.diags();
        continue;
      }
      if (!done.ok()) return done.diags();
      return std::optional<ObjectState>(std::move(*done));
    }
    return std::optional<ObjectState>();
  }

  Result<std::vector<Value>> ListMarked(const CallContext& ctx) {
    return session_.List(
        ApiCall::Get("image", "/v2/images?visibility=all&tag=" + PercentEncode(MarkTags(ctx)[0])),
        "images", ctx.cancel);
  }

  Session& session_;
  ResourceSchema schema_;
};

}  // namespace

std::unique_ptr<ResourceType> NewImageType(Session& session) {
  return std::make_unique<ImageType>(session);
}

}  // namespace capstan::openstack
