// host.node: a machine capstan runs commands on, and the pin of its ssh host key.
//
/// The node is not created by capstan (the server is an openstack.server, or this very
/// machine): "create" means first contact. For ssh it fetches and pins the host key
/// (trust on first use, or the key given in `host_key`), then waits for cloud-init. Its
/// `connection` map is what kind.cluster, helm.release and capi.management take as
/// `host`. Read = reachable with the pinned key; a changed key is an error, never drift.
/// Delete forgets the node (the machine itself belongs to whoever made it).
#include <chrono>
#include <thread>

#include "providers/attr_builder.h"
#include "providers/host/connection.h"
#include "providers/host/host_keys.h"
#include "providers/host/host_provider.h"

namespace capstan::host {
namespace {

ResourceSchema NodeSchema() {
  ResourceSchema s;
  s.type = "host.node";
  s.description = "A machine that commands run on: this one (local) or one reached by ssh.";
  s.attributes = {
      Attr("type", "local or ssh.").Optional().Default("local").ForceNew(),
      Attr("address", "ssh: the address to connect to (e.g. a floating IP).").Optional().ForceNew(),
      Attr("port", "ssh: the port.", AttrType::kNumber).Optional().Default(22).ForceNew(),
      Attr("user", "ssh: the login user (default: ssh's, the local user name).").Optional(),
      Attr("private_key",
           "ssh: the private key (e.g. an openstack.keypair's private_key). Unset: ssh's "
           "default identities.")
          .Optional()
          .Sensitive(),
      Attr("host_key",
           "ssh: the pinned host key \"type base64\". Unset: fetched on first contact and "
           "pinned (trust on first use).")
          .Optional()
          .Computed(),
      Attr("host_key_fingerprint", "SHA256 fingerprint of the pinned host key.").Computed(),
      Attr("env", "Environment variables for every command on the host (e.g. PATH).",
           AttrType::kMap)
          .Optional(),
      Attr("wait_cloud_init", "ssh: on create, wait until cloud-init has finished.",
           AttrType::kBool)
          .Optional()
          .Default(true),
      Attr("connect_timeout", "ssh: seconds to keep retrying the first contact.", AttrType::kNumber)
          .Optional()
          .Default(300),
      Attr("cloud_init_timeout", "ssh: seconds to wait for cloud-init.", AttrType::kNumber)
          .Optional()
          .Default(900),
      Attr("connection", "The connection map other resources take as `host`.", AttrType::kMap)
          .Computed()
          .Sensitive(),
  };
  return s;
}

std::string Str(const Value& v, const char* key) {
  auto it = v.find(key);
  return it != v.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int Num(const Value& v, const char* key, int def) {
  auto it = v.find(key);
  return it != v.end() && it->is_number() ? it->get<int>() : def;
}

/// The spec from properties; `pinned` overrides host_key when the properties leave it out.
Result<HostSpec> SpecOf(const Value& props, const std::string& pinned) {
  Value conn = {{"type", props.value("type", Value("local"))},
                {"address", props.value("address", Value())},
                {"port", props.value("port", Value(22))},
                {"user", props.value("user", Value())},
                {"private_key", props.value("private_key", Value())},
                {"host_key", Str(props, "host_key").empty() ? Value(pinned) : props["host_key"]},
                {"env", props.value("env", Value())}};
  auto spec = ParseHostSpec(conn, "properties");
  return spec;
}

class NodeType : public ResourceType {
 public:
  const ResourceSchema& schema() const override { return schema_; }

  Diagnostics Validate(const Value& props) const override {
    Diagnostics d;
    std::string type = Str(props, "type");
    if (!type.empty() && type != "local" && type != "ssh") {
      d.Error("host.node type must be \"local\" or \"ssh\"", "Got \"" + type + "\".").key =
          "properties.type";
    }
    if (type == "ssh" && !props.contains("address")) {
      d.Error("an ssh host.node needs an address").key = "properties.address";
    }
    std::string key = Str(props, "host_key");
    if (!key.empty() && ParseHostKey(key).type.empty()) {
      d.Error("host_key must be \"<type> <base64>\", as in known_hosts").key =
          "properties.host_key";
    }
    return d;
  }

  Value PlanAttributes(const Value& props, const ObjectState* prior) const override {
    Value planned = props.is_object() ? props : Value::object();
    std::string pinned = prior ? Str(prior->attributes, "host_key") : "";
    if (!Str(planned, "host_key").empty()) pinned = Str(planned, "host_key");
    bool local = Str(planned, "type") != "ssh";
    if (ContainsUnknown(planned) || (!local && pinned.empty())) {
      planned["host_key"] = local ? Value("") : Unknown();
      planned["host_key_fingerprint"] = local ? Value("") : Unknown();
      planned["connection"] = Unknown();
      return planned;
    }
    Finish(planned, pinned);
    return planned;
  }

  Result<std::optional<ObjectState>> Read(const CallContext&, const ObjectState& prior) override {
    using R = Result<std::optional<ObjectState>>;
    auto spec = SpecOf(prior.attributes, Str(prior.attributes, "host_key"));
    if (!spec) return spec.diags();
    if (spec->type == "local") return std::optional<ObjectState>(prior);
    auto t = GetTransport(*spec);
    if (!t) return t.diags();
    auto key = (*t)->HostKey();
    if (!key) return key.diags();
    if (*key != spec->host_key) {
      return R::Fail("host key of " + (*t)->Name() + " differs from the pinned one",
                     "Pinned " + Fingerprint(ParseHostKey(spec->host_key)) + ", presented " +
                         Fingerprint(ParseHostKey(*key)) + ".");
    }
    return std::optional<ObjectState>(prior);
  }

  Result<ObjectState> Create(const CallContext& ctx, const Value& props) override {
    return Contact(ctx, props, "");
  }

  Result<ObjectState> Update(const CallContext& ctx, const ObjectState& prior,
                             const Value& props) override {
    return Contact(ctx, props, Str(prior.attributes, "host_key"));
  }

  Status Delete(const CallContext&, const ObjectState&) override { return {}; }

 private:
  static void Finish(Value& attrs, const std::string& pinned) {
    attrs["host_key"] = pinned;
    attrs["host_key_fingerprint"] = pinned.empty() ? "" : Fingerprint(ParseHostKey(pinned));
    auto spec = SpecOf(attrs, pinned);
    attrs["connection"] = spec ? HostSpecToValue(*spec) : Value();
  }

  /// First contact: pin the key (retrying while the machine boots), wait for cloud-init.
  Result<ObjectState> Contact(const CallContext& ctx, const Value& props,
                              const std::string& pinned) {
    auto spec = SpecOf(props, pinned);
    if (!spec) return spec.diags();
    ObjectState out;
    out.attributes = props;
    if (spec->type == "local") {
      out.id = "local";
      Finish(out.attributes, "");
      return out;
    }
    out.id = (spec->user.empty() ? "" : spec->user + "@") + spec->address + ":" +
             std::to_string(spec->port);
    auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(Num(props, "connect_timeout", 300));
    std::unique_ptr<Transport> t;
    Result<std::string> key = std::string();
    while (true) {
      t = MakeTransport(*spec);
      key = t->HostKey();
      if (key.ok() || std::chrono::steady_clock::now() >= deadline || ctx.cancelled()) break;
      if (key.diags().ToString().find("has changed") != std::string::npos) break;
      ctx.Progress("waiting for ssh on " + t->Name());
      std::this_thread::sleep_for(std::chrono::seconds(3));
    }
    if (!key) return key.diags();
    if (spec->host_key.empty()) ctx.Progress("pinned host key " + Fingerprint(ParseHostKey(*key)));
    if (props.value("wait_cloud_init", true)) {
      Status st = WaitForCloudInit(*t, Num(props, "cloud_init_timeout", 900), 5.0, ctx);
      if (st.HasErrors()) return st;
    }
    Finish(out.attributes, *key);
    return out;
  }

  ResourceSchema schema_ = NodeSchema();
};

}  // namespace

std::unique_ptr<ResourceType> NewNodeType() { return std::make_unique<NodeType>(); }

}  // namespace capstan::host
