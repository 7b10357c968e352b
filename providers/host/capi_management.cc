// capi.management: Cluster API in a management cluster, installed by clusterctl on a host.
//
/// Replaces SCS deploy_cluster_api.sh: `clusterctl init` with pinned core, kubeadm
/// bootstrap and control-plane, and OpenStack (CAPO) versions, defaults from the SCS
/// version table (CAPI v1.6.3, CAPO v0.9.0), CLUSTER_TOPOLOGY=true. CAPO v0.12.0 and later
/// need ORC (openstack-resource-controller), installed first with kubectl (default
/// v2.0.3, as the CAPO docs recommend). Read lists the controller Deployments clusterctl
/// labels (`clusterctl.cluster.x-k8s.io`, `cluster.x-k8s.io/provider=<name>`) and takes
/// each version from its image tag, so a version that differs from the stack is drift,
/// and changing a version is an in-place update: `clusterctl upgrade apply`.
#include <array>
#include <cstdio>

#include "providers/attr_builder.h"
#include "providers/host/host_provider.h"
#include "providers/host/tool_support.h"

namespace capstan::host {
namespace {

constexpr const char* kDefaultOrc = "v2.0.3";

/// Version attribute, clusterctl flag, provider spec prefix, clusterctl provider name.
struct Slot {
  const char* attr;
  const char* flag;
  const char* spec;
  const char* provider;
};
constexpr Slot kSlots[] = {
    {"core_version", "--core", "cluster-api", "cluster-api"},
    {"bootstrap_version", "--bootstrap", "kubeadm", "bootstrap-kubeadm"},
    {"control_plane_version", "--control-plane", "kubeadm", "control-plane-kubeadm"},
    {"infrastructure_version", "--infrastructure", "openstack", "infrastructure-openstack"},
};

ResourceSchema CapiSchema() {
  ResourceSchema s;
  s.type = "capi.management";
  s.description = "Cluster API and CAPO installed into a management cluster by clusterctl.";
  s.attributes = {
      Attr("host", "The host: the connection of a host.node.", AttrType::kMap)
          .Required()
          .Sensitive(),
      Attr("kubeconfig", "Kubeconfig of the management cluster as seen on the host.")
          .Optional()
          .Sensitive(),
      Attr("core_version", "Cluster API core version.").Optional().Default("v1.6.3"),
      Attr("bootstrap_version", "kubeadm bootstrap provider version.").Optional().Default("v1.6.3"),
      Attr("control_plane_version", "kubeadm control-plane provider version.")
          .Optional()
          .Default("v1.6.3"),
      Attr("infrastructure_version", "OpenStack provider (CAPO) version.")
          .Optional()
          .Default("v0.9.0"),
      Attr("orc_version", "ORC version; unset: v2.0.3 when CAPO is v0.12.0 or later, else no ORC.")
          .Optional(),
      Attr("orc_manifest", "Where ORC's install.yaml comes from (URL or path on the host).")
          .Optional(),
      Attr("clusterctl_config", "clusterctl.yaml content (--config).").Optional().Sensitive(),
      Attr("environment", "Environment for clusterctl (not secret).", AttrType::kMap)
          .Optional()
          .Default(Value{{"CLUSTER_TOPOLOGY", "true"}}),
      Attr("providers", "Installed provider versions by clusterctl provider name (and orc).",
           AttrType::kMap)
          .Computed(),
  };
  return s;
}

/// "v1.2.3" → {1,2,3}; anything unparsable → {0,0,0}.
std::array<int, 3> Semver(const std::string& v) {
  std::array<int, 3> out{0, 0, 0};
  if (sscanf(v.c_str(), "v%d.%d.%d", &out[0], &out[1], &out[2]) < 2) return {0, 0, 0};
  return out;
}

/// The ORC version this configuration wants ("" = none).
std::string WantedOrc(const Value& p) {
  if (p.contains("orc_version") && p["orc_version"].is_string()) return Str(p, "orc_version");
  return Semver(Str(p, "infrastructure_version")) >= std::array<int, 3>{0, 12, 0} ? kDefaultOrc
                                                                                  : "";
}

std::string TagOf(const std::string& image) {
  size_t colon = image.rfind(':');
  size_t slash = image.rfind('/');
  if (colon == std::string::npos || (slash != std::string::npos && colon < slash)) return "";
  return image.substr(colon + 1);
}

class CapiManagement : public ResourceType {
 public:
  const ResourceSchema& schema() const override { return schema_; }

  Diagnostics Validate(const Value& props) const override {
    Diagnostics d;
    ValidateHost(props, d);
    for (const auto& s : kSlots) {
      std::string v = Str(props, s.attr);
      if (props.contains(s.attr) && props[s.attr].is_string() && Semver(v)[0] == 0 &&
          Semver(v)[1] == 0) {
        d.Error(std::string(s.attr) + " \"" + v + "\" is not a version like v1.6.3").key =
            std::string("properties.") + s.attr;
      }
    }
    return d;
  }

  Result<std::optional<ObjectState>> Read(const CallContext& ctx,
                                          const ObjectState& prior) override {
    auto t = HostOf(prior.attributes);
    if (!t) return t.diags();
    auto installed = Installed(**t, ctx, prior.attributes);
    if (!installed) return installed.diags();
    if (!installed->contains("cluster-api")) return std::optional<ObjectState>();
    ObjectState now = prior;
    Reflect(*installed, now.attributes);
    return std::optional<ObjectState>(std::move(now));
  }

  Result<ObjectState> Create(const CallContext& ctx, const Value& props) override {
    auto t = HostOf(props);
    if (!t) return t.diags();
    ObjectState out{"capi", props};
    auto installed = Installed(**t, ctx, props);
    if (!installed) return installed.diags();
    if (installed->contains("cluster-api")) {
      ctx.Progress("Cluster API is installed already; adopting it");
      return Update(ctx, out, props);
    }
    auto tmp = RemoteTempDir::Make(**t);
    if (!tmp) return tmp.diags();
    Status st = InstallOrc(**t, ctx, **tmp, props, *installed);
    if (st.HasErrors()) return st;
    std::vector<std::string> argv = {"clusterctl", "init"};
    for (const auto& s : kSlots) {
      argv.insert(argv.end(), {s.flag, std::string(s.spec) + ":" + Str(props, s.attr)});
    }
    st = Common(**tmp, props, argv);
    if (st.HasErrors()) return st;
    argv.push_back("--wait-providers");
    auto ran = RunTool(**t, ctx, argv, "clusterctl init", props.value("environment", Value()));
    if (!ran) return ran.diags();
    return Finish(**t, ctx, out);
  }

  Result<ObjectState> Update(const CallContext& ctx, const ObjectState& prior,
                             const Value& props) override {
    auto t = HostOf(props);
    if (!t) return t.diags();
    ObjectState out{prior.id, props};
    auto installed = Installed(**t, ctx, props);
    if (!installed) return installed.diags();
    auto tmp = RemoteTempDir::Make(**t);
    if (!tmp) return tmp.diags();
    Status st = InstallOrc(**t, ctx, **tmp, props, *installed);
    if (st.HasErrors()) return st;
    std::vector<std::string> argv = {"clusterctl", "upgrade", "apply"};
    bool any = false;
    for (const auto& s : kSlots) {
      if (installed->value(s.provider, "") == Str(props, s.attr)) continue;
      argv.insert(argv.end(), {s.flag, std::string(s.spec) + ":" + Str(props, s.attr)});
      any = true;
    }
    if (any) {
      st = Common(**tmp, props, argv);
      if (st.HasErrors()) return st;
      argv.push_back("--wait-providers");
      auto ran =
          RunTool(**t, ctx, argv, "clusterctl upgrade apply", props.value("environment", Value()));
      if (!ran) return ran.diags();
    }
    return Finish(**t, ctx, out);
  }

  Status Delete(const CallContext& ctx, const ObjectState& prior) override {
    auto t = HostOf(prior.attributes);
    if (!t) return t.diags();
    auto tmp = RemoteTempDir::Make(**t);
    if (!tmp) return tmp.diags();
    std::vector<std::string> argv = {"clusterctl", "delete", "--all"};
    Status st = Common(**tmp, prior.attributes, argv);
    if (st.HasErrors()) return st;
    auto ran = RunTool(**t, ctx, argv, "clusterctl delete --all");
    return ran.ok() ? Status() : ran.diags();
  }

 private:
  /// --kubeconfig and --config, written as 0600 files into `tmp`.
  static Status Common(RemoteTempDir& tmp, const Value& p, std::vector<std::string>& argv) {
    for (const auto& [attr, flag] :
         {std::pair{"kubeconfig", "--kubeconfig"}, std::pair{"clusterctl_config", "--config"}}) {
      if (Str(p, attr).empty()) continue;
      auto file = tmp.Put(std::string(attr) + ".yaml", Str(p, attr));
      if (!file) return file.diags();
      argv.insert(argv.end(), {flag, *file});
    }
    return {};
  }

  /// Provider name → version, from the controller Deployments (kubectl on the host).
  static Result<Value> Installed(Transport& t, const CallContext& ctx, const Value& p) {
    auto tmp = RemoteTempDir::Make(t);
    if (!tmp) return tmp.diags();
    std::vector<std::string> argv = {"kubectl",          "get", "deployments",
                                     "--all-namespaces", "-o",  "json"};
    Status st = Common(**tmp, {{"kubeconfig", p.value("kubeconfig", Value())}}, argv);
    if (st.HasErrors()) return st;
    RunOptions quiet;
    quiet.cancel = ctx.cancel;
    auto ran = RunChecked(t, {argv, {}, ""}, quiet, "listing the Cluster API controllers");
    if (!ran) return ran.diags();
    Value list = Value::parse(ran->out, nullptr, false);
    Value out = Value::object();
    for (const auto& d : list.value("items", Value::array())) {
      Value labels = d.value("/metadata/labels"_json_pointer, Value::object());
      std::string image = d.value("/spec/template/spec/containers/0/image"_json_pointer, "");
      if (labels.contains("clusterctl.cluster.x-k8s.io") &&
          labels.value("cluster.x-k8s.io/provider", "") != "") {
        out[labels["cluster.x-k8s.io/provider"].get<std::string>()] = TagOf(image);
      } else if (d.value("/metadata/namespace"_json_pointer, "") == "orc-system") {
        out["orc"] = TagOf(image);
      }
    }
    return out;
  }

  /// Writes installed versions over the configured ones, so a difference is drift.
  static void Reflect(const Value& installed, Value& attrs) {
    for (const auto& s : kSlots) {
      if (installed.contains(s.provider)) attrs[s.attr] = installed[s.provider];
    }
    std::string orc = WantedOrc(attrs);
    if (!orc.empty() && installed.value("orc", "") != orc) {
      attrs["orc_version"] = installed.value("orc", "");
    }
    attrs["providers"] = installed;
  }

  static Status InstallOrc(Transport& t, const CallContext& ctx, RemoteTempDir& tmp, const Value& p,
                           const Value& installed) {
    std::string orc = WantedOrc(p);
    if (orc.empty() || installed.value("orc", "") == orc) return {};
    std::string manifest = Str(p, "orc_manifest");
    if (manifest.empty()) {
      manifest = "https://github.com/k-orc/openstack-resource-controller/releases/download/" + orc +
                 "/install.yaml";
    }
    std::vector<std::string> argv = {"kubectl", "apply", "--server-side", "-f", manifest};
    Status st = Common(tmp, {{"kubeconfig", p.value("kubeconfig", Value())}}, argv);
    if (st.HasErrors()) return st;
    auto ran = RunTool(t, ctx, argv, "installing ORC " + orc);
    return ran.ok() ? Status() : ran.diags();
  }

  Result<ObjectState> Finish(Transport& t, const CallContext& ctx, ObjectState& out) {
    auto installed = Installed(t, ctx, out.attributes);
    if (!installed) return installed.diags();
    out.attributes["providers"] = *installed;
    return out;
  }

  ResourceSchema schema_ = CapiSchema();
};

}  // namespace

std::unique_ptr<ResourceType> NewCapiManagementType() { return std::make_unique<CapiManagement>(); }

}  // namespace capstan::host
