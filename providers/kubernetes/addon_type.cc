// k8s.addon: one cluster addon from the catalog, as a tracked set of objects.
//
/// Replaces the SCS apply_*.sh scripts and the addon steps of create_cluster.sh (steps
/// 20-22), and what they never did: an addon removed from the stack is deleted (SCS #137),
/// a CNI change is a planned, announced replacement (#131), and the manifests applied are
/// pinned by sha256. The pieces: the catalog (addon_catalog.h), version rules
/// (addon_versions.h), property resolution (addon_config.h), fetching (addon_fetch.h),
/// patches (addon_patches.h), plan remarks (addon_plan.h); the object set lifecycle is
/// k8s.manifest's (object_set.h). The cluster is the `kubeconfig` property, else the
/// provider's connection.
#include <map>
#include <mutex>

#include "engine/hash.h"
#include "providers/kubernetes/addon_plan.h"
#include "providers/kubernetes/addon_render.h"
#include "providers/kubernetes/kube_provider.h"
#include "providers/kubernetes/object_set.h"

namespace capstan::kube {
namespace {

constexpr int kDefaultTimeoutSeconds = 600;

class AddonType : public ResourceType {
 public:
  explicit AddonType(Session& session) : session_(session) {}

  const ResourceSchema& schema() const override { return schema_; }

  Diagnostics Validate(const Value& props) const override {
    Diagnostics d;
    for (const char* key : {"resolved_version", "in_sync"}) {
      if (props.is_object() && props.contains(key) && !props[key].is_null()) {
        d.Error(std::string(key) + " is reported by capstan and cannot be set",
                std::string(key) == "resolved_version" ? "Set version instead." : "")
            .key = "properties." + std::string(key);
      }
    }
    d.Append(ValidateAddonProps(AddonInputs(props)));
    return d;
  }

  Value PlanAttributes(const Value& props, const ObjectState* prior) const override {
    return PlanAddonAttributes(ResourceType::PlanAttributes(props, prior), props,
                               prior != nullptr ? &prior->attributes : nullptr);
  }

  ChangeReview ReviewChange(const Value& planned, const ObjectState& prior) const override {
    return {Diagnostics(), AddonChangeNote(prior.attributes, planned)};
  }

  Result<std::optional<ObjectState>> Read(const CallContext& ctx,
                                          const ObjectState& prior) override {
    using R = Result<std::optional<ObjectState>>;
    auto client = ClientFor(prior.attributes);
    if (!client.ok()) return client.diags();
    std::vector<ObjectRef> tracked = TrackedRefs(prior.attributes);
    LiveSet live;
    auto rendered = RenderApplied(prior.attributes, ctx);
    if (rendered.ok()) {
      auto read = ReadObjectSet(**client, rendered->objects, ctx);
      if (!read.ok()) return read.diags();
      live = std::move(*read);
    } else {
      // Manifests unavailable (cache cleared, offline): judge existence only.
      for (const ObjectRef& ref : tracked) {
        auto got = (*client)->Get(ref, ctx.cancel);
        if (!got.ok()) return got.diags();
        if (got->has_value()) live.found.push_back(ref);
      }
      live.in_sync = live.found.size() == tracked.size();
    }
    if (live.found.empty() && !tracked.empty()) return R(std::optional<ObjectState>());
    ObjectState now{prior.id, prior.attributes};
    now.attributes["objects"] = RefsValue(live.found);
    now.attributes["in_sync"] = live.in_sync;
    return R(std::optional<ObjectState>(std::move(now)));
  }

  Result<ObjectState> Create(const CallContext& ctx, const Value& props) override {
    return Apply(ctx, props, nullptr);
  }

  Result<ObjectState> Update(const CallContext& ctx, const ObjectState& prior,
                             const Value& props) override {
    return Apply(ctx, props, &prior);
  }

  Status Delete(const CallContext& ctx, const ObjectState& prior) override {
    auto client = ClientFor(prior.attributes);
    if (!client.ok()) return client.diags();
    return DeleteObjectSet(**client, TrackedRefs(prior.attributes),
                           WaitTimeout(prior.attributes, kDefaultTimeoutSeconds), ctx);
  }

  Result<ObjectState> Import(const CallContext&, const std::string&) override {
    return Result<ObjectState>::Fail(
        "k8s.addon cannot be imported by id",
        "Declare the addon and apply: server-side apply adopts the existing objects of the "
        "same names (fields another manager owns with other values are conflicts).");
  }

 private:
  /// The client for `attrs`: its own kubeconfig (clients cached per kubeconfig, so
  /// discovery is asked once per run), else the provider's.
  Result<Client*> ClientFor(const Value& attrs) {
    const Value& kc = attrs.value("kubeconfig", Value());
    if (!kc.is_string() || kc.get<std::string>().empty()) return session_.Get();
    std::string context = attrs.value("context", Value()).is_string()
                              ? attrs["context"].get<std::string>()
                              : std::string();
    std::string key = Sha256Hex(kc.get<std::string>() + '\0' + context);
    std::lock_guard<std::mutex> lock(mu_);
    auto it = clients_.find(key);
    if (it != clients_.end()) return it->second.get();
    auto conn = LoadKubeconfigSource(kc.get<std::string>(), context);
    if (!conn.ok()) return Prefixed(conn.diags(), "k8s.addon kubeconfig: ");
    auto& slot = clients_[key];
    slot = std::make_unique<Client>(*conn);
    return slot.get();
  }

  /// The objects as last applied: the prior inputs at the prior resolved_version, with
  /// the files pinned to the hashes recorded in state.
  Result<RenderedAddon> RenderApplied(const Value& attrs, const CallContext& ctx) {
    Value inputs = AddonInputs(attrs);
    if (attrs.value("resolved_version", Value()).is_string()) {
      inputs["version"] = attrs["resolved_version"];
    }
    auto cfg = ConfigFromProps(inputs);
    if (!cfg.ok()) return cfg.diags();
    return RenderAddon(*cfg, PinsFor(*cfg, attrs.value("manifest_sha256", Value())), "",
                       ctx.cancel);
  }

  Result<ObjectState> Apply(const CallContext& ctx, const Value& raw_props,
                            const ObjectState* prior) {
    Value props = AddonInputs(ApplyDefaults(schema_, raw_props));
    auto cfg = ConfigFromProps(props);
    if (!cfg.ok()) return cfg.diags();
    Value prior_sha =
        prior != nullptr ? prior->attributes.value("manifest_sha256", Value()) : Value();
    ctx.Progress("fetching " + cfg->spec->name + " " + cfg->version.version);
    auto rendered = RenderAddon(*cfg, PinsFor(*cfg, prior_sha), "", ctx.cancel);
    if (!rendered.ok()) return rendered.diags();
    auto client = ClientFor(props);
    if (!client.ok()) return client.diags();
    auto timeout = WaitTimeout(props, kDefaultTimeoutSeconds);
    std::vector<ObjectRef> previous =
        prior ? TrackedRefs(prior->attributes) : std::vector<ObjectRef>();
    auto refs = ApplyObjectSet(**client, rendered->objects, previous, timeout, ctx);
    if (!refs.ok()) return refs.diags();
    if (timeout.count() > 0) {
      for (const ObjectRef& ref : *refs) {
        if (ref.kind != "Deployment") continue;
        Status st = (*client)->WaitCondition(ref, "Available", timeout, ctx);
        if (st.HasErrors()) return st;
      }
    }
    ObjectState out;
    out.id = cfg->spec->name + "-" + cfg->version.version;
    out.attributes = props;
    out.attributes["resolved_version"] = cfg->version.version;
    out.attributes["in_sync"] = true;
    out.attributes["cni"] = cfg->spec->cni;
    out.attributes["objects"] = RefsValue(*refs);
    out.attributes["manifest_sha256"] = rendered->sha256;
    return out;
  }

  Session& session_;
  ResourceSchema schema_ = AddonSchema();
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<Client>> clients_;
};

}  // namespace

std::unique_ptr<ResourceType> NewAddonType(Session& session) {
  return std::make_unique<AddonType>(session);
}

}  // namespace capstan::kube
