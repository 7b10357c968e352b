// kind.cluster: a kind management cluster on a host (local, or the management VM by ssh).
//
/// Replaces SCS install_kind.sh's `kind create cluster`. kind itself has no update, so
/// name, node image and config replace the cluster; changing only the host connection or
/// local_port re-reads the outputs. Create adopts a cluster of that name that already
/// exists (a crashed earlier run), Read = the name is listed by `kind get clusters`.
/// The kubeconfig kind prints points at the host's loopback; for an ssh host capstan
/// opens a port forward (kept for the whole run) and offers `kubeconfig_local`, the same
/// kubeconfig with the server rewritten to that forward, for the kubernetes provider.
#include <regex>
#include <sstream>

#include "providers/attr_builder.h"
#include "providers/host/host_provider.h"
#include "providers/host/tool_support.h"

namespace capstan::host {
namespace {

ResourceSchema KindSchema() {
  ResourceSchema s;
  s.type = "kind.cluster";
  s.description = "A kind (Kubernetes in Docker) cluster on a host.";
  s.attributes = {
      Attr("host", "The host: the connection of a host.node.", AttrType::kMap)
          .Required()
          .Sensitive(),
      Attr("name", "Cluster name (kind --name); the context is kind-<name>.").Required().ForceNew(),
      Attr("node_image", "Node image (kind --image), e.g. kindest/node:v1.28.0.")
          .Optional()
          .ForceNew(),
      Attr("config", "kind configuration (YAML, kind: Cluster).").Optional().ForceNew(),
      Attr("local_port",
           "ssh hosts: local port of the forward to the API server (default: the API "
           "server's port on the host).",
           AttrType::kNumber)
          .Optional(),
      Attr("kubeconfig", "The kubeconfig as on the host (server on its loopback).")
          .Computed()
          .Sensitive(),
      Attr("kubeconfig_local", "The kubeconfig usable here (through the forward for ssh hosts).")
          .Computed()
          .Sensitive(),
      Attr("api_server", "The API server URL as seen on the host.").Computed(),
      Attr("api_server_local", "The API server URL as seen here.").Computed(),
      Attr("context", "The kubeconfig context, kind-<name>.").Computed(),
  };
  return s;
}

/// The `server:` URL of a kubeconfig, split as scheme://host:port.
struct ServerUrl {
  std::string scheme, host;
  int port = 0;
  std::string ToString() const { return scheme + "://" + host + ":" + std::to_string(port); }
};

const std::regex& ServerRe() {
  static const std::regex re(R"((server:\s*)(https?)://([^:/\s]+|\[[^\]]+\]):(\d+))");
  return re;
}

std::optional<ServerUrl> FindServer(const std::string& kubeconfig) {
  std::smatch m;
  if (!std::regex_search(kubeconfig, m, ServerRe())) return std::nullopt;
  return ServerUrl{m[2], m[3], std::stoi(m[4])};
}

class KindCluster : public ResourceType {
 public:
  const ResourceSchema& schema() const override { return schema_; }

  /// A read opens the forward `kubeconfig_local` names: a capi.cluster or k8s.manifest
  /// that uses it is read after this in a refresh, not while the port is still closed.
  bool ReadEnablesDependents() const override { return true; }

  Diagnostics Validate(const Value& props) const override {
    Diagnostics d;
    ValidateHost(props, d);
    std::string name = Str(props, "name");
    if (props.contains("name") && props["name"].is_string() &&
        !std::regex_match(name, std::regex("[a-z0-9]([-a-z0-9]*[a-z0-9])?"))) {
      d.Error("kind cluster name \"" + name + "\" is not a valid name",
              "Lower-case letters, digits and '-', starting and ending with a letter or digit.")
          .key = "properties.name";
    }
    std::string config = Str(props, "config");
    if (!config.empty() && config.find("kind: Cluster") == std::string::npos) {
      d.Error("kind config must be a kind Cluster configuration",
              "Expected `kind: Cluster` and `apiVersion: kind.x-k8s.io/v1alpha4`.")
          .key = "properties.config";
    }
    return d;
  }

  Result<std::optional<ObjectState>> Read(const CallContext& ctx,
                                          const ObjectState& prior) override {
    auto t = HostOf(prior.attributes);
    if (!t) return t.diags();
    auto exists = Exists(**t, ctx, prior.id);
    if (!exists) return exists.diags();
    if (!*exists) return std::optional<ObjectState>();
    ObjectState now = prior;
    Status st = Outputs(**t, ctx, now.attributes);
    if (st.HasErrors()) return st;
    return std::optional<ObjectState>(std::move(now));
  }

  Result<ObjectState> Create(const CallContext& ctx, const Value& props) override {
    auto t = HostOf(props);
    if (!t) return t.diags();
    ObjectState out;
    out.id = Str(props, "name");
    out.attributes = props;
    auto exists = Exists(**t, ctx, out.id);
    if (!exists) return exists.diags();
    if (*exists) {
      ctx.Progress("kind cluster " + out.id + " exists already; adopting it");
    } else {
      std::vector<std::string> argv = {"kind", "create", "cluster", "--name", out.id};
      if (!Str(props, "node_image").empty()) {
        argv.insert(argv.end(), {"--image", Str(props, "node_image")});
      }
      std::unique_ptr<RemoteTempDir> tmp;
      if (!Str(props, "config").empty()) {
        auto made = RemoteTempDir::Make(**t);
        if (!made) return made.diags();
        tmp = std::move(*made);
        auto file = tmp->Put("kind-config.yaml", Str(props, "config"));
        if (!file) return file.diags();
        argv.insert(argv.end(), {"--config", *file});
      }
      auto ran = RunTool(**t, ctx, argv, "kind create cluster " + out.id);
      if (!ran) return ran.diags();
    }
    Status st = Outputs(**t, ctx, out.attributes);
    if (st.HasErrors()) return st;
    return out;
  }

  Result<ObjectState> Update(const CallContext& ctx, const ObjectState& prior,
                             const Value& props) override {
    auto t = HostOf(props);
    if (!t) return t.diags();
    ObjectState out{prior.id, props};
    Status st = Outputs(**t, ctx, out.attributes);
    if (st.HasErrors()) return st;
    return out;
  }

  Status Delete(const CallContext& ctx, const ObjectState& prior) override {
    auto t = HostOf(prior.attributes);
    if (!t) return t.diags();
    auto ran = RunTool(**t, ctx, {"kind", "delete", "cluster", "--name", prior.id},
                       "kind delete cluster " + prior.id);
    return ran.ok() ? Status() : ran.diags();
  }

 private:
  static Result<bool> Exists(Transport& t, const CallContext& ctx, const std::string& name) {
    auto ran = RunTool(t, ctx, {"kind", "get", "clusters"}, "kind get clusters");
    if (!ran) return ran.diags();
    std::istringstream lines(ran->out);
    std::string line;
    while (std::getline(lines, line)) {
      if (line == name) return true;
    }
    return false;
  }

  /// Fills kubeconfig, kubeconfig_local, api_server(_local) and context; opens the
  /// forward for ssh hosts.
  static Status Outputs(Transport& t, const CallContext& ctx, Value& attrs) {
    Status st;
    std::string name = Str(attrs, "name");
    RunOptions quiet;
    quiet.cancel = ctx.cancel;
    auto ran = RunChecked(t, {{"kind", "get", "kubeconfig", "--name", name}, {}, ""}, quiet,
                          "kind get kubeconfig " + name);
    if (!ran) return ran.diags();
    std::string kubeconfig = ran->out;
    auto server = FindServer(kubeconfig);
    if (!server) {
      st.Error("the kubeconfig of kind cluster " + name + " names no server",
               "`kind get kubeconfig --name " + name + "` printed no `server: <url>` line.");
      return st;
    }
    ServerUrl local = *server;
    if (t.Name() != "local") {
      auto spec = ParseHostSpec(attrs["host"], "properties.host");
      if (!spec) return spec.diags();
      int want = attrs.value("local_port", 0);
      auto port = KeepForward(*spec, want > 0 ? want : server->port, server->host, server->port);
      if (!port && want == 0) {
        // The host's port is taken here (often by another forward): any free port will do.
        port = KeepForward(*spec, 0, server->host, server->port);
      }
      if (!port) return port.diags();
      local.host = "127.0.0.1";
      local.port = *port;
    }
    attrs["kubeconfig"] = kubeconfig;
    attrs["kubeconfig_local"] = std::regex_replace(kubeconfig, ServerRe(), "$1" + local.ToString(),
                                                   std::regex_constants::format_first_only);
    attrs["api_server"] = server->ToString();
    attrs["api_server_local"] = local.ToString();
    attrs["context"] = "kind-" + name;
    return st;
  }

  ResourceSchema schema_ = KindSchema();
};

}  // namespace

std::unique_ptr<ResourceType> NewKindClusterType() { return std::make_unique<KindCluster>(); }

}  // namespace capstan::host
