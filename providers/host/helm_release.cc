// helm.release: a Helm release installed with the helm CLI on a host.
//
/// Create and update both run `helm upgrade --install`, so a release left by a crashed
/// run is adopted instead of failing "name still in use". Values never reach a command
/// line: `values` and `sensitive_values` are written as JSON (valid YAML) into 0600
/// files in a private temporary directory on the host, passed with -f (sensitive last,
/// so it wins), and removed after. Read = `helm status -o json` (gone when helm says
/// "not found") and `helm get values -o json`: values that differ from what capstan set,
/// or a chart version other than the pinned one, show as drift. Drift inside
/// sensitive_values is not reported (it would print the secret).
#include "providers/attr_builder.h"
#include "providers/host/host_provider.h"
#include "providers/host/tool_support.h"

namespace capstan::host {
namespace {

ResourceSchema HelmSchema() {
  ResourceSchema s;
  s.type = "helm.release";
  s.description = "A Helm release, installed by the helm CLI on a host.";
  s.attributes = {
      Attr("host", "The host: the connection of a host.node.", AttrType::kMap)
          .Required()
          .Sensitive(),
      Attr("kubeconfig",
           "Kubeconfig as seen on the host (e.g. a kind.cluster's kubeconfig). Unset: helm's "
           "default on the host.")
          .Optional()
          .Sensitive(),
      Attr("name", "Release name.").Required().ForceNew(),
      Attr("namespace", "Release namespace.").Optional().Default("default").ForceNew(),
      Attr("chart", "Chart reference: repo/chart, an OCI URL, or a chart name with `repo`.")
          .Required(),
      Attr("repo", "Chart repository URL (helm --repo).").Optional(),
      Attr("version", "Chart version; unset: the latest.").Optional(),
      Attr("values", "Values (shown in plans).", AttrType::kMap).Optional(),
      Attr("sensitive_values", "Values that are secrets; merged over `values`.", AttrType::kMap)
          .Optional()
          .Sensitive(),
      Attr("create_namespace", "Create the namespace if missing.", AttrType::kBool)
          .Optional()
          .Default(true),
      Attr("wait", "Wait until the release's resources are ready (helm --wait).", AttrType::kBool)
          .Optional()
          .Default(false),
      Attr("timeout", "Seconds helm may take (--timeout).", AttrType::kNumber)
          .Optional()
          .Default(300),
      Attr("revision", "Release revision.", AttrType::kNumber).Computed(),
      Attr("status", "Release status (deployed, failed, ...).").Computed(),
      Attr("chart_version", "The chart version installed.").Computed(),
  };
  return s;
}

Value MapOr(const Value& v, const char* key) {
  auto it = v.find(key);
  return it != v.end() && it->is_object() ? *it : Value::object();
}

/// `over` merged into `base`, maps recursively.
Value Merge(Value base, const Value& over) {
  for (auto it = over.begin(); it != over.end(); ++it) {
    if (it.value().is_object() && base.contains(it.key()) && base[it.key()].is_object()) {
      base[it.key()] = Merge(base[it.key()], it.value());
    } else {
      base[it.key()] = it.value();
    }
  }
  return base;
}

/// `v` without the leaves that `mask` has (so sensitive values never land in `values`).
Value Without(Value v, const Value& mask) {
  for (auto it = mask.begin(); it != mask.end(); ++it) {
    if (!v.contains(it.key())) continue;
    if (it.value().is_object() && v[it.key()].is_object()) {
      v[it.key()] = Without(v[it.key()], it.value());
      if (v[it.key()].empty()) v.erase(it.key());
    } else {
      v.erase(it.key());
    }
  }
  return v;
}

class HelmRelease : public ResourceType {
 public:
  const ResourceSchema& schema() const override { return schema_; }

  Diagnostics Validate(const Value& props) const override {
    Diagnostics d;
    ValidateHost(props, d);
    return d;
  }

  Result<std::optional<ObjectState>> Read(const CallContext& ctx,
                                          const ObjectState& prior) override {
    auto t = HostOf(prior.attributes);
    if (!t) return t.diags();
    const Value& a = prior.attributes;
    auto tmp = RemoteTempDir::Make(**t);
    if (!tmp) return tmp.diags();
    std::vector<std::string> scope;
    Status st = Scope(**tmp, a, scope);
    if (st.HasErrors()) return st;
    RunOptions quiet;
    quiet.cancel = ctx.cancel;
    Command status{{"helm", "status", prior.id}, {}, ""};
    status.argv.insert(status.argv.end(), scope.begin(), scope.end());
    status.argv.insert(status.argv.end(), {"-o", "json"});
    auto ran = (*t)->Run(status, quiet);
    if (!ran) return ran.diags();
    if (ran->exit_code != 0 && ran->err.find("not found") != std::string::npos) {
      return std::optional<ObjectState>();
    }
    if (ran->exit_code != 0) {
      auto failed = RunChecked(**t, status, quiet, "helm status " + prior.id);
      if (!failed) return failed.diags();
    }
    Value info = Value::parse(ran->out, nullptr, false);
    Command values{{"helm", "get", "values", prior.id}, {}, ""};
    values.argv.insert(values.argv.end(), scope.begin(), scope.end());
    values.argv.insert(values.argv.end(), {"-o", "json"});
    auto got = RunChecked(**t, values, quiet, "helm get values " + prior.id);
    if (!got) return got.diags();
    Value live = Value::parse(got->out, nullptr, false);
    if (!live.is_object()) live = Value::object();

    ObjectState now = prior;
    Value secret = MapOr(a, "sensitive_values");
    if (live != Merge(MapOr(a, "values"), secret)) now.attributes["values"] = Without(live, secret);
    if (info.is_object()) {
      std::string chart_version = info.value("/chart/metadata/version"_json_pointer, "");
      now.attributes["revision"] = info.value("version", 0);
      now.attributes["status"] = info.value("/info/status"_json_pointer, "");
      now.attributes["chart_version"] = chart_version;
      if (!Str(a, "version").empty() && chart_version != Str(a, "version")) {
        now.attributes["version"] = chart_version;
      }
    }
    return std::optional<ObjectState>(std::move(now));
  }

  Result<ObjectState> Create(const CallContext& ctx, const Value& props) override {
    ObjectState out{Str(props, "name"), props};
    Status st = Install(ctx, out);
    if (st.HasErrors()) return st;
    return out;
  }

  Result<ObjectState> Update(const CallContext& ctx, const ObjectState& prior,
                             const Value& props) override {
    ObjectState out{prior.id, props};
    Status st = Install(ctx, out);
    if (st.HasErrors()) return st;
    return out;
  }

  Status Delete(const CallContext& ctx, const ObjectState& prior) override {
    auto t = HostOf(prior.attributes);
    if (!t) return t.diags();
    auto tmp = RemoteTempDir::Make(**t);
    if (!tmp) return tmp.diags();
    std::vector<std::string> argv = {"helm", "uninstall", prior.id};
    Status st = Scope(**tmp, prior.attributes, argv);
    if (st.HasErrors()) return st;
    if (prior.attributes.value("wait", false)) argv.push_back("--wait");
    Command cmd{argv, {}, ""};
    auto ran = (*t)->Run(cmd, StreamTo(ctx));
    if (!ran) return ran.diags();
    if (ran->exit_code == 0 || ran->err.find("not found") != std::string::npos) return st;
    auto failed = RunChecked(**t, cmd, StreamTo(ctx), "helm uninstall " + prior.id);
    return failed.ok() ? st : failed.diags();
  }

 private:
  /// Appends --namespace and --kubeconfig (written to a 0600 file in `tmp`).
  static Status Scope(RemoteTempDir& tmp, const Value& a, std::vector<std::string>& argv) {
    argv.insert(argv.end(), {"--namespace", a.value("namespace", "default")});
    if (Str(a, "kubeconfig").empty()) return {};
    auto file = tmp.Put("kubeconfig", Str(a, "kubeconfig"));
    if (!file) return file.diags();
    argv.insert(argv.end(), {"--kubeconfig", *file});
    return {};
  }

  Status Install(const CallContext& ctx, ObjectState& out) {
    const Value& p = out.attributes;
    auto t = HostOf(p);
    if (!t) return t.diags();
    auto tmp = RemoteTempDir::Make(**t);
    if (!tmp) return tmp.diags();
    std::vector<std::string> argv = {"helm", "upgrade", "--install", out.id, Str(p, "chart")};
    Status st = Scope(**tmp, p, argv);
    if (st.HasErrors()) return st;
    if (p.value("create_namespace", true)) argv.push_back("--create-namespace");
    if (!Str(p, "repo").empty()) argv.insert(argv.end(), {"--repo", Str(p, "repo")});
    if (!Str(p, "version").empty()) argv.insert(argv.end(), {"--version", Str(p, "version")});
    for (const char* key : {"values", "sensitive_values"}) {
      auto file = (*tmp)->Put(std::string(key) + ".json", MapOr(p, key).dump());
      if (!file) return file.diags();
      argv.insert(argv.end(), {"-f", *file});
    }
    if (p.value("wait", false)) argv.push_back("--wait");
    argv.insert(argv.end(), {"--timeout", std::to_string(p.value("timeout", 300)) + "s"});
    auto ran = RunTool(**t, ctx, argv, "helm upgrade --install " + out.id);
    if (!ran) return ran.diags();
    ObjectState prior = out;
    auto read = Read(ctx, prior);
    if (!read) return read.diags();
    if (!*read) {
      st.Error("helm release " + out.id + " is missing right after helm installed it");
      return st;
    }
    for (const char* key : {"revision", "status", "chart_version"}) {
      out.attributes[key] = (**read).attributes[key];
    }
    return st;
  }

  ResourceSchema schema_ = HelmSchema();
};

}  // namespace

std::unique_ptr<ResourceType> NewHelmReleaseType() { return std::make_unique<HelmRelease>(); }

}  // namespace capstan::host
