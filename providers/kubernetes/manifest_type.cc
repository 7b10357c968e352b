// k8s.manifest: a set of Kubernetes objects, applied with server-side apply.
//
/// What the SCS KaaS v1 scripts did with `kubectl apply -f` (and never undid), as one
/// resource whose set of objects capstan tracks: objects that leave the manifest are
/// deleted on update, destroy deletes them all (namespaces last) and waits until they are
/// gone, and drift is judged only on the fields capstan applied (manifest_objects.h), so
/// what controllers add is never drift. Create is resumable by construction: server-side
/// apply by name adopts an object a crashed run already created.
#include <chrono>

#include "engine/hash.h"
#include "providers/attr_builder.h"
#include "providers/kubernetes/kube_provider.h"
#include "providers/kubernetes/manifest_objects.h"
#include "providers/kubernetes/object_set.h"

namespace capstan::kube {
namespace {

constexpr int kDefaultTimeoutSeconds = 300;

ResourceSchema ManifestSchema() {
  ResourceSchema s;
  s.type = "k8s.manifest";
  s.description =
      "Kubernetes objects applied with server-side apply (field manager capstan). Objects "
      "removed from the manifest are deleted; drift is judged on the applied fields only.";
  s.attributes = {
      Attr("manifests", "The objects, as a list of maps. Exactly one of manifests and content.",
           AttrType::kList)
          .Optional(),
      Attr("content",
           "The objects as multi-document YAML (e.g. file(\"addons.yaml\")). Exactly one of "
           "manifests and content.")
          .Optional(),
      Attr("wait_for",
           "Condition to wait for per kind after applying, e.g. {Deployment: Available, "
           "Cluster: Ready}.",
           AttrType::kMap)
          .Optional(),
      Attr("wait_timeout", "Seconds to wait for conditions and for deletions.", AttrType::kNumber)
          .Optional()
          .Default(kDefaultTimeoutSeconds),
      Attr("objects",
           "The objects capstan applied: apiVersion, kind, namespace and name of each, in "
           "manifest order.",
           AttrType::kList)
          .Computed(),
  };
  return s;
}

bool IsSet(const Value& props, const char* key) {
  return props.is_object() && props.contains(key) && !props[key].is_null();
}

std::chrono::milliseconds Timeout(const Value& attrs) {
  return WaitTimeout(attrs, kDefaultTimeoutSeconds);
}

std::string IdOf(const std::vector<ObjectRef>& refs) {
  std::string all;
  for (const auto& r : refs) all += r.ToString() + "\n";
  return "manifest-" + Sha256Hex(all).substr(0, 16);
}

class ManifestType : public ResourceType {
 public:
  explicit ManifestType(Session& session) : session_(session) {}

  const ResourceSchema& schema() const override { return schema_; }

  Diagnostics Validate(const Value& props) const override {
    Diagnostics d;
    bool list = IsSet(props, "manifests"), text = IsSet(props, "content");
    if (list == text) {
      d.Error("k8s.manifest needs exactly one of manifests and content",
              list ? "Both are set." : "Neither is set.")
          .key = "properties.manifests";
      return d;
    }
    if (!ContainsUnknown(props.value(list ? "manifests" : "content", Value()))) {
      auto objs = DesiredObjects(props);
      for (auto item : objs.diags().items()) {
        item.key = list ? "properties.manifests" : "properties.content";
        d.Add(item);
      }
    }
    if (IsSet(props, "wait_for") && props["wait_for"].is_object()) {
      for (auto it = props["wait_for"].begin(); it != props["wait_for"].end(); ++it) {
        if (!it.value().is_string() && !IsUnknown(it.value())) {
          d.Error("wait_for." + it.key() + " must be a condition name such as \"Ready\"").key =
              "properties.wait_for";
        }
      }
    }
    return d;
  }

  Value PlanAttributes(const Value& props, const ObjectState* prior) const override {
    Value planned = ResourceType::PlanAttributes(props, prior);
    if (prior != nullptr) {
      const Value& pa = prior->attributes;
      bool same = pa.value("manifests", Value()) == planned.value("manifests", Value()) &&
                  pa.value("content", Value()) == planned.value("content", Value());
      if (!same) planned["objects"] = Unknown();
    }
    return planned;
  }

  Result<std::optional<ObjectState>> Read(const CallContext& ctx,
                                          const ObjectState& prior) override {
    using R = Result<std::optional<ObjectState>>;
    auto client = session_.Get();
    if (!client.ok()) return client.diags();
    auto desired = DesiredObjects(prior.attributes);
    if (!desired.ok()) return desired.diags();
    auto live = ReadObjectSet(**client, *desired, ctx);
    if (!live.ok()) return live.diags();
    if (live->found.empty() && !desired->empty()) return R(std::optional<ObjectState>());
    ObjectState now;
    now.id = prior.id;
    now.attributes = prior.attributes;
    now.attributes["objects"] = RefsValue(live->found);
    if (!live->in_sync) {
      // Show the managed fields as the cluster has them: the plan then re-applies the
      // manifest, and the drift report says what changed.
      if (IsSet(prior.attributes, "content")) {
        now.attributes["content"] = DumpYamlDocuments(live->projected);
      } else {
        now.attributes["manifests"] = live->projected;
      }
    }
    return R(std::optional<ObjectState>(std::move(now)));
  }

  Result<ObjectState> Create(const CallContext& ctx, const Value& props) override {
    return ApplyAll(ctx, props, {});
  }

  Result<ObjectState> Update(const CallContext& ctx, const ObjectState& prior,
                             const Value& props) override {
    return ApplyAll(ctx, props, TrackedRefs(prior.attributes));
  }

  Result<ObjectState> Import(const CallContext& /*ctx*/, const std::string& /*id*/) override {
    return Result<ObjectState>::Fail(
        "k8s.manifest cannot be imported by id",
        "Add the resource with the manifest and apply it: server-side apply adopts the "
        "existing objects (a field another manager owns with another value is a conflict).");
  }

  Status Delete(const CallContext& ctx, const ObjectState& prior) override {
    auto client = session_.Get();
    if (!client.ok()) return client.diags();
    std::vector<ObjectRef> refs = TrackedRefs(prior.attributes);
    if (refs.empty()) {
      auto desired = DesiredObjects(prior.attributes);
      if (!desired.ok()) return desired.diags();
      auto resolved = ResolveRefs(**client, *desired, ctx.cancel);
      if (!resolved.ok()) return resolved.diags();
      refs = *resolved;
    }
    return DeleteObjectSet(**client, refs, Timeout(prior.attributes), ctx);
  }

 private:
  Result<ObjectState> ApplyAll(const CallContext& ctx, const Value& raw_props,
                               const std::vector<ObjectRef>& previous) {
    Value props = ApplyDefaults(schema_, raw_props);
    Diagnostics d = Validate(props);
    if (d.HasErrors()) return d;
    auto client = session_.Get();
    if (!client.ok()) return client.diags();
    auto desired = DesiredObjects(props);
    if (!desired.ok()) return desired.diags();
    auto applied = ApplyObjectSet(**client, *desired, previous, Timeout(props), ctx);
    if (!applied.ok()) return applied.diags();
    const std::vector<ObjectRef>& refs = *applied;
    const Value& wait_for = props.value("wait_for", Value());
    if (wait_for.is_object()) {
      for (const auto& ref : refs) {
        if (!wait_for.contains(ref.kind) || !wait_for[ref.kind].is_string()) continue;
        Status st = (*client)->WaitCondition(ref, wait_for[ref.kind].get<std::string>(),
                                             Timeout(props), ctx);
        if (st.HasErrors()) return st;
      }
    }
    ObjectState out;
    out.id = IdOf(refs);
    out.attributes = props;
    out.attributes["objects"] = RefsValue(refs);
    return out;
  }

  Session& session_;
  ResourceSchema schema_ = ManifestSchema();
};

}  // namespace

std::unique_ptr<ResourceType> NewManifestType(Session& session) {
  return std::make_unique<ManifestType>(session);
}

}  // namespace capstan::kube
