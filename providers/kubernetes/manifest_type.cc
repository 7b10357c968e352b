// k8s.manifest: a set of Kubernetes objects, applied with server-side apply.
//
/// What the SCS KaaS v1 scripts did with `kubectl apply -f` (and never undid), as one
/// resource whose set of objects capstan tracks: objects that leave the manifest are
/// deleted on update, destroy deletes them all (namespaces last) and waits until they are
/// gone, and drift is judged only on the fields capstan applied (manifest_objects.h), so
/// what controllers add is never drift. Create is resumable by construction: server-side
/// apply by name adopts an object a crashed run already created.
#include <algorithm>
#include <chrono>

#include "engine/hash.h"
#include "providers/attr_builder.h"
#include "providers/kubernetes/kube_provider.h"
#include "providers/kubernetes/manifest_objects.h"

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
  const Value& t = attrs.value("wait_timeout", Value());
  double s = t.is_number() ? t.get<double>() : kDefaultTimeoutSeconds;
  return std::chrono::milliseconds(static_cast<int64_t>(s * 1000));
}

std::string IdOf(const std::vector<ObjectRef>& refs) {
  std::string all;
  for (const auto& r : refs) all += r.ToString() + "\n";
  return "manifest-" + Sha256Hex(all).substr(0, 16);
}

std::vector<ObjectRef> TrackedRefs(const Value& attrs) {
  std::vector<ObjectRef> refs;
  const Value& objs = attrs.value("objects", Value());
  if (!objs.is_array()) return refs;
  for (const Value& o : objs) refs.push_back(ObjectRef::FromValue(o));
  return refs;
}

Diagnostics Prefixed(const Diagnostics& d, const std::string& prefix) {
  Diagnostics out;
  for (auto item : d.items()) {
    item.summary = prefix + item.summary;
    out.Add(item);
  }
  return out;
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
    std::vector<Value> projected, found_refs;
    bool in_sync = true;
    for (const Value& obj : *desired) {
      auto ref = (*client)->RefOf(obj, "default", ctx.cancel);
      if (!ref.ok()) return ref.diags();
      auto live = (*client)->Get(*ref, ctx.cancel);
      if (!live.ok()) return live.diags();
      if (!live->has_value()) {
        in_sync = false;
        continue;
      }
      Value p = ProjectLive(obj, **live);
      if (p != obj) in_sync = false;
      projected.push_back(std::move(p));
      found_refs.push_back(ref->ToValue());
    }
    if (found_refs.empty() && !desired->empty()) return R(std::optional<ObjectState>());
    ObjectState now;
    now.id = prior.id;
    now.attributes = prior.attributes;
    now.attributes["objects"] = found_refs;
    if (!in_sync) {
      // Show the managed fields as the cluster has them: the plan then re-applies the
      // manifest, and the drift report says what changed.
      if (IsSet(prior.attributes, "content")) {
        now.attributes["content"] = DumpYamlDocuments(projected);
      } else {
        now.attributes["manifests"] = projected;
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
      for (const Value& obj : *desired) {
        auto ref = (*client)->RefOf(obj, "default", ctx.cancel);
        if (!ref.ok()) return ref.diags();
        refs.push_back(*ref);
      }
    }
    return DeleteRefs(ctx, **client, refs, Timeout(prior.attributes));
  }

 private:
  Status DeleteRefs(const CallContext& ctx, Client& client, const std::vector<ObjectRef>& refs,
                    std::chrono::milliseconds timeout) {
    std::vector<Value> as_values;
    for (const auto& r : refs) as_values.push_back(r.ToValue());
    std::vector<size_t> order = DeleteOrder(as_values);
    for (size_t i : order) {
      ctx.Progress("deleting " + refs[i].kind + " " + refs[i].name);
      Status st = client.Delete(refs[i], "Background", ctx.cancel);
      if (st.HasErrors()) return st;
    }
    for (size_t i : order) {
      Status st = client.WaitGone(refs[i], timeout, ctx);
      if (st.HasErrors()) return st;
    }
    return {};
  }

  Result<ObjectState> ApplyAll(const CallContext& ctx, const Value& raw_props,
                               const std::vector<ObjectRef>& previous) {
    Value props = ApplyDefaults(schema_, raw_props);
    Diagnostics d = Validate(props);
    if (d.HasErrors()) return d;
    auto client = session_.Get();
    if (!client.ok()) return client.diags();
    auto desired = DesiredObjects(props);
    if (!desired.ok()) return desired.diags();
    std::vector<ObjectRef> refs(desired->size());
    for (size_t i = 0; i < desired->size(); ++i) {
      auto ref = (*client)->RefOf((*desired)[i], "default", ctx.cancel);
      if (!ref.ok()) return ref.diags();
      refs[i] = *ref;
    }
    for (size_t i : ApplyOrder(*desired)) {
      ctx.Progress("applying " + refs[i].kind + " " + refs[i].name);
      auto applied = (*client)->Apply((*desired)[i], "capstan", false, ctx.cancel);
      if (!applied.ok()) return applied.diags();
    }
    std::vector<ObjectRef> removed;
    for (const auto& old : previous) {
      if (std::find(refs.begin(), refs.end(), old) == refs.end()) removed.push_back(old);
    }
    if (!removed.empty()) {
      Status st = DeleteRefs(ctx, **client, removed, Timeout(props));
      if (st.HasErrors()) return Prefixed(st, "removing objects that left the manifest: ");
    }
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
    Value objects = Value::array();
    for (const auto& r : refs) objects.push_back(r.ToValue());
    out.attributes["objects"] = objects;
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
