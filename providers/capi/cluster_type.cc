// capi.cluster: a workload cluster as one resource (create, update with rolling templates, delete).
//
/// Replaces create_cluster.sh / delete_cluster.sh: the objects are rendered from the
/// properties (render.h) and server-side applied to the management cluster; apply
/// completes when the SCS wait protocol says the cluster is ready (cluster_ops.h). An
/// update whose machine templates changed applies the new templates, repoints the
/// KubeadmControlPlane / MachineDeployment, waits for the rollout and deletes the old
/// templates afterwards. Delete tears down LoadBalancer Services and PVCs inside the
/// workload cluster first, then deletes only the Cluster object and waits until CAPI's
/// cascade has removed it.
#include "providers/capi/capi_provider.h"
#include "providers/capi/change_review.h"
#include "providers/capi/cluster_ops.h"
#include "providers/capi/cluster_read.h"
#include "providers/capi/render.h"

namespace capstan::capi {
namespace {

std::chrono::seconds Seconds(const Value& attrs, const char* key, int fallback) {
  const Value& v = attrs.value(key, Value());
  return std::chrono::seconds(v.is_number() ? v.get<int64_t>() : fallback);
}

/// Unknown top-level values replaced by placeholders of their type, so Validate can judge
/// everything that is known at plan time.
Value WithPlaceholders(const ResourceSchema& schema, const Value& props) {
  Value out = props;
  if (!out.is_object()) return out;
  for (auto& [key, value] : out.items()) {
    if (!ContainsUnknown(value)) continue;
    const AttrSchema* a = schema.Find(key);
    AttrType t = a ? a->type : AttrType::kString;
    value = t == AttrType::kNumber ? Value(1)
            : t == AttrType::kBool ? Value(false)
            : t == AttrType::kList ? Value::array()
            : t == AttrType::kMap  ? Value::object()
                                   : Value("unknown");
  }
  return out;
}

class ClusterType : public ResourceType {
 public:
  const ResourceSchema& schema() const override { return schema_; }

  Diagnostics Validate(const Value& props) const override {
    auto spec = SpecFromProps(WithPlaceholders(schema_, props));
    return spec.ok() ? Diagnostics() : spec.diags();
  }

  Value PlanAttributes(const Value& props, const ObjectState* prior) const override {
    Value planned = ResourceType::PlanAttributes(props, prior);
    const Value& version = props.value("kubernetes_version", Value());
    if (version.is_string()) {
      auto v = ResolveVersion(version.get<std::string>());
      if (v.ok()) planned["resolved_version"] = v->ToString();
    }
    return planned;
  }

  ChangeReview ReviewChange(const Value& planned, const ObjectState& prior) const override {
    Review r = ReviewUpdate(prior.attributes, planned);
    return {r.diags, r.note};
  }

  Result<std::optional<ObjectState>> Read(const CallContext& ctx,
                                          const ObjectState& prior) override {
    return ReadCluster(prior, ctx);
  }

  Result<ObjectState> Create(const CallContext& ctx, const Value& props) override {
    return ApplyCluster(ctx, props, nullptr);
  }

  Result<ObjectState> Update(const CallContext& ctx, const ObjectState& prior,
                             const Value& props) override {
    return ApplyCluster(ctx, props, &prior);
  }

  Result<ObjectState> Import(const CallContext&, const std::string&) override {
    return Result<ObjectState>::Fail(
        "capi.cluster cannot be imported by id",
        "Declare the cluster with its properties and apply: server-side apply adopts the "
        "existing objects of the same names.");
  }

  Status Delete(const CallContext& ctx, const ObjectState& prior) override {
    auto spec = SpecFromProps(prior.attributes);
    if (!spec.ok()) return spec.diags();
    auto mgmt = Connect(prior.attributes);
    if (!mgmt.ok()) return mgmt.diags();
    kube::Client& c = **mgmt;
    kube::ObjectRef cluster{kClusterApi, "Cluster", spec->ns, spec->name};
    auto live = c.Get(cluster, ctx.cancel);
    if (!live.ok()) return live.diags();
    if (live->has_value()) {
      // 1. Inside the workload cluster, while OCCM and Cinder CSI still run.
      auto kubeconfig = ReadWorkloadKubeconfig(c, *spec, ctx.cancel);
      if (!kubeconfig.ok()) return kubeconfig.diags();
      if (kubeconfig->has_value()) {
        auto workload = ConnectKubeconfig(**kubeconfig, "", "workload cluster kubeconfig");
        if (!workload.ok()) return workload.diags();
        Status st = TeardownWorkload(
            **workload, Seconds(prior.attributes, "workload_cleanup_timeout", 300), ctx);
        if (st.HasErrors()) return Prefixed(st, "workload cluster teardown: ");
      }
      // 2. Only the Cluster: CAPI deletes machines, KCP, MachineDeployment and infrastructure.
      ctx.Progress("deleting Cluster " + spec->ns + "/" + spec->name);
      Status st = c.Delete(cluster, "Background", ctx.cancel);
      if (st.HasErrors()) return st;
      st = c.WaitGone(cluster, Seconds(prior.attributes, "delete_timeout", 1200), ctx);
      if (st.HasErrors()) return st;
    }
    // 3. What CAPI does not own (templates, the cloud-config Secret), if still there.
    for (const Value& obj : Render(*spec).objects) {
      if (obj["kind"] == "Cluster") continue;
      Status st = c.Delete({obj["apiVersion"], obj["kind"], spec->ns, obj["metadata"]["name"]},
                           "Background", ctx.cancel);
      if (st.HasErrors()) return st;
    }
    return {};
  }

 private:
  static Diagnostics Prefixed(const Diagnostics& d, const std::string& prefix) {
    Diagnostics out;
    for (auto item : d.items()) {
      item.summary = prefix + item.summary;
      out.Add(item);
    }
    return out;
  }

  static Result<std::unique_ptr<kube::Client>> Connect(const Value& attrs) {
    return ConnectKubeconfig(attrs.value("kubeconfig", ""), attrs.value("context", ""),
                             "management cluster kubeconfig");
  }

  Result<ObjectState> ApplyCluster(const CallContext& ctx, const Value& raw_props,
                                   const ObjectState* prior) {
    Value props = ApplyDefaults(schema_, raw_props);
    auto spec = SpecFromProps(props);
    if (!spec.ok()) return spec.diags();
    auto mgmt = Connect(props);
    if (!mgmt.ok()) return mgmt.diags();
    kube::Client& c = **mgmt;
    if (spec->ns != "default") {
      Value ns = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", spec->ns}}}};
      auto applied = c.Apply(ns, "capstan", false, ctx.cancel);
      if (!applied.ok()) return applied.diags();
    }
    RenderedCluster rendered = Render(*spec);
    for (Value obj : rendered.objects) {
      obj["metadata"]["annotations"]["capstan-stack"] = ctx.stack;
      obj["metadata"]["annotations"]["capstan-addr"] = ctx.address.ToString();
      ctx.Progress("applying " + obj["kind"].get<std::string>() + " " +
                   obj["metadata"]["name"].get<std::string>());
      auto applied = c.Apply(obj, "capstan", false, ctx.cancel);
      if (!applied.ok()) return applied.diags();
    }
    Status st = WaitClusterReady(c, *spec, Seconds(props, "ready_timeout", 1800), ctx);
    if (st.HasErrors()) return st;
    if (prior != nullptr) {
      // The rollout is done: templates no longer referenced can go.
      st = DeleteOldTemplates(c, *spec, prior->attributes, rendered, ctx);
      if (st.HasErrors()) return st;
    }
    auto kubeconfig = ReadWorkloadKubeconfig(c, *spec, ctx.cancel);
    if (!kubeconfig.ok()) return kubeconfig.diags();
    ObjectState out;
    out.id = spec->ns + "/" + spec->name;
    out.attributes = props;
    out.attributes["resolved_version"] = spec->version.ToString();
    out.attributes["control_plane_template"] = rendered.control_plane_template;
    out.attributes["worker_template"] = rendered.worker_template;
    out.attributes["worker_bootstrap_template"] = rendered.worker_bootstrap_template;
    out.attributes["workload_kubeconfig"] = kubeconfig->value_or("");
    return out;
  }

  static Status DeleteOldTemplates(kube::Client& c, const ClusterSpec& s, const Value& prior,
                                   const RenderedCluster& now, const CallContext& ctx) {
    // Old templates live in the API version they were rendered with.
    const std::string infra =
        "infrastructure.cluster.x-k8s.io/" + prior.value("capo_api_version", s.capo_api_version);
    struct Old {
      const char* attr;
      std::string api, kind, current;
    };
    for (const Old& o :
         {Old{"control_plane_template", infra, "OpenStackMachineTemplate",
              now.control_plane_template},
          Old{"worker_template", infra, "OpenStackMachineTemplate", now.worker_template},
          Old{"worker_bootstrap_template", kBootstrapApi, "KubeadmConfigTemplate",
              now.worker_bootstrap_template}}) {
      const Value& old = prior.value(o.attr, Value());
      if (!old.is_string() || old.get<std::string>().empty() || old == o.current) continue;
      ctx.Progress("deleting replaced " + o.kind + " " + old.get<std::string>());
      Status st = c.Delete({o.api, o.kind, s.ns, old.get<std::string>()}, "Background", ctx.cancel);
      if (st.HasErrors()) return st;
    }
    return {};
  }

  ResourceSchema schema_ = ClusterSchema();
};

}  // namespace

std::unique_ptr<ResourceType> NewClusterType() { return std::make_unique<ClusterType>(); }

}  // namespace capstan::capi
