// The plugin-backed Provider and ResourceTypes: every verb becomes one JSON request.
//
/// Optional verbs (validate, plan, read_many, import) fall back to the built-in default
/// when the plugin answers {"code":"unsupported"}, so a minimal plugin implements only
/// configure, read, create, update and delete.
#include "providers/plugin/plugin_provider.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <map>

#include "providers/plugin/connection.h"
#include "providers/schema_json.h"

namespace capstan {
namespace {

Value ContextJson(const CallContext& ctx) {
  return {{"stack", ctx.stack},
          {"address", ctx.address.type.empty() ? std::string() : ctx.address.ToString()},
          {"replacing_id", ctx.replacing_id}};
}

/// Parses {"object": {...}} out of a reply; a null object means "gone".
Result<std::optional<ObjectState>> ObjectFrom(const Value& result, const std::string& who) {
  using R = Result<std::optional<ObjectState>>;
  if (!result.is_object() || !result.contains("object")) {
    return R::Fail(who + " answered without an \"object\" field");
  }
  if (result["object"].is_null()) return std::optional<ObjectState>();
  auto o = ObjectStateFromJson(result["object"]);
  if (!o) return R::Fail(who + " answered with an invalid object", o.diags().ToString());
  return std::optional<ObjectState>(std::move(*o));
}

class PluginType : public ResourceType {
 public:
  PluginType(std::shared_ptr<PluginConnection> conn, ResourceSchema schema, bool supports_list)
      : conn_(std::move(conn)), schema_(std::move(schema)), supports_list_(supports_list) {}

  const ResourceSchema& schema() const override { return schema_; }
  bool SupportsList() const override { return supports_list_; }

  Diagnostics Validate(const Value& props) const override {
    PluginReply r = conn_->Call("validate", {{"type", schema_.type}, {"props", props}}, nullptr);
    if (r.unsupported) return {};
    if (!r.ok) return r.error;
    return DiagnosticsFromJson(r.result.value("diagnostics", Value::array()));
  }

  Value PlanAttributes(const Value& props, const ObjectState* prior) const override {
    Value params = {{"type", schema_.type},
                    {"props", props},
                    {"prior", prior ? ObjectStateToJson(*prior) : Value()}};
    PluginReply r = conn_->Call("plan", std::move(params), nullptr);
    if (r.ok && r.result.is_object() && r.result.contains("attributes") &&
        r.result["attributes"].is_object()) {
      return r.result["attributes"];
    }
    return ResourceType::PlanAttributes(props, prior);
  }

  Result<std::optional<ObjectState>> Read(const CallContext& ctx,
                                          const ObjectState& prior) override {
    PluginReply r = conn_->Call("read", Params(ctx, {{"prior", ObjectStateToJson(prior)}}), &ctx);
    if (!r.ok) return r.error;
    return ObjectFrom(r.result, Who("read"));
  }

  std::vector<Result<std::optional<ObjectState>>> ReadMany(
      const CallContext& ctx, const std::vector<ObjectState>& priors) override {
    Value list = Value::array();
    for (const auto& p : priors) list.push_back(ObjectStateToJson(p));
    PluginReply r = conn_->Call("read_many", Params(ctx, {{"priors", list}}), &ctx);
    if (r.unsupported) return ResourceType::ReadMany(ctx, priors);
    std::vector<Result<std::optional<ObjectState>>> out;
    const Value* results = r.ok && r.result.is_object() ? &r.result["results"] : nullptr;
    bool shaped = results && results->is_array() && results->size() == priors.size();
    for (size_t i = 0; i < priors.size(); ++i) {
      if (!r.ok) {
        out.emplace_back(r.error);
      } else if (!shaped) {
        out.push_back(Result<std::optional<ObjectState>>::Fail(
            Who("read_many") + " answered without one entry in \"results\" per prior"));
      } else if ((*results)[i].contains("error")) {
        out.emplace_back(DiagnosticFromJson((*results)[i]["error"]));
      } else {
        out.push_back(ObjectFrom((*results)[i], Who("read_many")));
      }
    }
    return out;
  }

  Result<ObjectState> Create(const CallContext& ctx, const Value& props) override {
    return Mutate("create", ctx, {{"props", props}});
  }

  Result<ObjectState> Update(const CallContext& ctx, const ObjectState& prior,
                             const Value& props) override {
    return Mutate("update", ctx, {{"prior", ObjectStateToJson(prior)}, {"props", props}});
  }

  Status Delete(const CallContext& ctx, const ObjectState& prior) override {
    PluginReply r = conn_->Call("delete", Params(ctx, {{"prior", ObjectStateToJson(prior)}}), &ctx);
    return r.ok ? Status() : r.error;
  }

  Result<std::vector<ObjectState>> List(const CallContext& ctx) override {
    if (!supports_list_) return ResourceType::List(ctx);
    PluginReply r = conn_->Call("list", Params(ctx, Value::object()), &ctx);
    if (!r.ok) return r.error;
    const Value& objs = r.result.value("objects", Value());
    if (!objs.is_array()) {
      return Result<std::vector<ObjectState>>::Fail(Who("list") +
                                                    " answered without an \"objects\" list");
    }
    std::vector<ObjectState> out;
    for (const auto& o : objs) {
      auto parsed = ObjectStateFromJson(o);
      if (!parsed) return parsed.diags();
      out.push_back(std::move(*parsed));
    }
    return out;
  }

  Result<ObjectState> Import(const CallContext& ctx, const std::string& id) override {
    PluginReply r = conn_->Call("import", Params(ctx, {{"id", id}}), &ctx);
    if (r.unsupported) return ResourceType::Import(ctx, id);
    if (!r.ok) return r.error;
    auto o = ObjectFrom(r.result, Who("import"));
    if (!o) return o.diags();
    if (!o->has_value()) {
      return Result<ObjectState>::Fail("no object with id \"" + id + "\" of type " + schema_.type);
    }
    return std::move(**o);
  }

 private:
  std::string Who(const char* verb) const {
    return "plugin " + conn_->name() + " (" + verb + " " + schema_.type + ")";
  }

  Value Params(const CallContext& ctx, Value extra) const {
    Value p = std::move(extra);
    p["type"] = schema_.type;
    p["context"] = ContextJson(ctx);
    return p;
  }

  Result<ObjectState> Mutate(const char* verb, const CallContext& ctx, Value extra) {
    PluginReply r = conn_->Call(verb, Params(ctx, std::move(extra)), &ctx);
    if (!r.ok) return r.error;
    auto o = ObjectFrom(r.result, Who(verb));
    if (!o) return o.diags();
    if (!o->has_value()) return Result<ObjectState>::Fail(Who(verb) + " answered a null object");
    return std::move(**o);
  }

  std::shared_ptr<PluginConnection> conn_;
  ResourceSchema schema_;
  bool supports_list_;
};

class PluginProvider : public Provider {
 public:
  PluginProvider(std::string name, std::shared_ptr<PluginConnection> conn, int max_concurrency)
      : name_(std::move(name)), conn_(std::move(conn)), max_concurrency_(max_concurrency) {}

  std::string name() const override { return name_; }
  int MaxConcurrency() const override { return max_concurrency_; }

  Status Configure(const Value& config) override {
    PluginReply r = conn_->Call("configure",
                                {{"config", config.is_null() ? Value::object() : config}}, nullptr);
    return r.ok ? Status() : r.error;
  }

  std::vector<std::string> TypeNames() const override {
    std::vector<std::string> names;
    for (const auto& [n, t] : types_) names.push_back(n);
    return names;
  }

  ResourceType* Type(std::string_view type) override {
    auto it = types_.find(std::string(type));
    return it == types_.end() ? nullptr : it->second.get();
  }

  std::map<std::string, std::unique_ptr<PluginType>> types_;

 private:
  std::string name_;
  std::shared_ptr<PluginConnection> conn_;
  int max_concurrency_;
};

}  // namespace

std::optional<std::string> FindPluginExecutable(const std::string& name, std::string* searched) {
  const char* env = getenv("PATH");
  std::string path = env ? env : "";
  if (searched) *searched = path;
  if (name.empty()) return std::nullopt;
  for (char c : name) {
    if (!isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return std::nullopt;
  }
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    // An empty PATH entry means the current directory.
    std::string dir = end > start ? path.substr(start, end - start) : std::string(".");
    std::string candidate = dir + "/capstan-provider-" + name;
    struct stat sb;
    if (::stat(candidate.c_str(), &sb) == 0 && S_ISREG(sb.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    start = end + 1;
  }
  return std::nullopt;
}

Result<std::unique_ptr<Provider>> StartPluginProvider(const std::string& name,
                                                      const std::string& executable) {
  using R = Result<std::unique_ptr<Provider>>;
  auto conn = PluginConnection::Start(name, executable);
  if (!conn) return conn.diags();
  const Value& hs = (*conn)->handshake();
  int max_conc = hs.value("max_concurrency", 0);
  auto provider = std::make_unique<PluginProvider>(name, *conn, max_conc);
  const Value& types = hs.value("types", Value::array());
  if (!types.is_array()) return R::Fail("plugin " + executable + ": \"types\" must be a list");
  for (const auto& tj : types) {
    auto schema = ResourceSchemaFromJson(tj);
    if (!schema) {
      Diagnostics d;
      for (auto item : schema.diags().items()) {
        item.summary = "plugin " + executable + ": " + item.summary;
        d.Add(std::move(item));
      }
      return d;
    }
    if (schema->type.rfind(name + ".", 0) != 0) {
      return R::Fail("plugin " + executable + " offers type \"" + schema->type + "\"",
                     "Types of provider " + name + " must start with \"" + name + ".\".");
    }
    bool list = tj.value("supports_list", false);
    std::string type = schema->type;
    provider->types_[type] = std::make_unique<PluginType>(*conn, std::move(*schema), list);
  }
  return std::unique_ptr<Provider>(std::move(provider));
}

}  // namespace capstan
