// local.command: shell commands run on create, update, destroy and read.
//
/// The escape hatch of every declarative tool (Terraform's null_resource + local-exec).
/// Commands run through /bin/sh -c in their own process group, so Ctrl-C stops the
/// whole pipeline. Values reach the command through the environment, never argv, and
/// the values of sensitive_environment are redacted from every message capstan prints.
///
/// Update rule (docs/providers/local.md): `triggers` always replaces. Otherwise, when
/// `update` is set, an input change runs `update` in place with the same id; when it is
/// unset, Update re-creates the object itself: it runs the prior `destroy` command and
/// then `create`, and returns a new id.
#include <algorithm>
#include <utility>

#include "engine/hash.h"
#include "providers/attr_builder.h"
#include "providers/local/local_provider.h"
#include "providers/subprocess.h"

namespace capstan {
namespace {

constexpr int kReadGoneExitCode = 3;

ResourceSchema CommandSchema() {
  ResourceSchema s;
  s.type = "local.command";
  s.description =
      "Shell commands (/bin/sh -c) run on the machine running capstan when the resource is "
      "created, updated, destroyed or read.";
  s.attributes = {
      Attr("create",
           "Command run on create. Its stdout becomes `stdout` and, when it is a JSON object, "
           "`outputs`.")
          .Required(),
      Attr("update",
           "Command run when an input changes. Unset: a change re-creates (destroy, then "
           "create, new id).")
          .Optional(),
      Attr("destroy", "Command run on destroy.").Optional(),
      Attr("read",
           "Command run on refresh: exit 0 refreshes stdout/outputs from its output, exit 3 "
           "means the object is gone.")
          .Optional(),
      Attr("environment", "Environment variables for every command (string values).",
           AttrType::kMap)
          .Optional(),
      Attr("sensitive_environment",
           "Environment variables whose values are secret: never displayed, redacted from "
           "errors, encrypted in state.",
           AttrType::kMap)
          .Optional()
          .Sensitive(),
      Attr("working_dir", "Working directory of the commands (default: capstan's).").Optional(),
      Attr("triggers", "Arbitrary values; any change replaces the resource.", AttrType::kMap)
          .Optional()
          .ForceNew(),
      Attr("stdout", "Standard output of the last command, trimmed.").Computed(),
      Attr("outputs", "The fields of stdout when it is a JSON object, else {}.", AttrType::kMap)
          .Computed(),
      Attr("exit_code", "Exit code of the last command.", AttrType::kNumber).Computed(),
  };
  return s;
}

const char* const kInputs[] = {"create",      "update",      "destroy",
                               "read",        "environment", "sensitive_environment",
                               "working_dir", "triggers"};

std::string StrOr(const Value& v, const char* key) {
  auto it = v.find(key);
  return it != v.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string Trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

/// Replaces every sensitive value in `text` by "(sensitive)".
std::string Redact(std::string text, const Value& attrs) {
  auto it = attrs.find("sensitive_environment");
  if (it == attrs.end() || !it->is_object()) return text;
  std::vector<std::string> secrets;
  for (const auto& v : *it) {
    if (v.is_string() && !v.get_ref<const std::string&>().empty()) secrets.push_back(v);
  }
  // Longest first, so a secret containing another is replaced whole.
  std::sort(secrets.begin(), secrets.end(),
            [](const auto& a, const auto& b) { return a.size() > b.size(); });
  for (const auto& s : secrets) {
    for (size_t pos = text.find(s); pos != std::string::npos; pos = text.find(s, pos)) {
      text.replace(pos, s.size(), "(sensitive)");
      pos += 11;
    }
  }
  return text;
}

class LocalCommand : public ResourceType {
 public:
  const ResourceSchema& schema() const override { return schema_; }

  Diagnostics Validate(const Value& props) const override {
    Diagnostics d;
    for (const char* key : {"environment", "sensitive_environment"}) {
      auto it = props.find(key);
      if (it == props.end() || !it->is_object()) continue;
      for (auto e = it->begin(); e != it->end(); ++e) {
        if (e.key().empty() || e.key().find('=') != std::string::npos) {
          d.Error("invalid environment variable name \"" + e.key() + "\"").key =
              std::string("properties.") + key;
        }
        if (!e.value().is_string() && !IsUnknown(e.value())) {
          d.Error("environment variable \"" + e.key() + "\" must be a string",
                  std::string("Got a ") + e.value().type_name() + "; quote it.")
              .key = std::string("properties.") + key + "." + e.key();
        }
      }
    }
    if (props.contains("create") && props["create"].is_string() &&
        Trim(props["create"].get<std::string>()).empty()) {
      d.Error("create command of local.command must not be empty").key = "properties.create";
    }
    return d;
  }

  Value PlanAttributes(const Value& props, const ObjectState* prior) const override {
    Value planned = props.is_object() ? props : Value::object();
    bool same = prior != nullptr;
    for (const char* key : kInputs) {
      if (!same) break;
      same = planned.value(key, Value()) == prior->attributes.value(key, Value());
    }
    for (const char* key : {"stdout", "outputs", "exit_code"}) {
      planned[key] = same ? prior->attributes.value(key, Value()) : Unknown();
    }
    return planned;
  }

  Result<std::optional<ObjectState>> Read(const CallContext& ctx,
                                          const ObjectState& prior) override {
    std::string script = StrOr(prior.attributes, "read");
    if (script.empty()) return std::optional<ObjectState>(prior);
    auto ran = Run(ctx, "read", script, prior.attributes, prior.id, /*allow_gone=*/true);
    if (!ran) return ran.diags();
    if (!*ran) return std::optional<ObjectState>();
    ObjectState now = prior;
    SetOutputs(now.attributes, **ran);
    return std::optional<ObjectState>(std::move(now));
  }

  Result<ObjectState> Create(const CallContext& ctx, const Value& props) override {
    ObjectState out;
    out.id = RandomHex(8);
    out.attributes = props;
    auto ran = Run(ctx, "create", StrOr(props, "create"), props, out.id, false);
    if (!ran) return ran.diags();
    SetOutputs(out.attributes, **ran);
    return out;
  }

  Result<ObjectState> Update(const CallContext& ctx, const ObjectState& prior,
                             const Value& props) override {
    std::string script = StrOr(props, "update");
    if (script.empty()) {
      // No update command: re-create, old destroy first (see the header comment).
      Status st = Delete(ctx, prior);
      if (st.HasErrors()) return st;
      return Create(ctx, props);
    }
    ObjectState out;
    out.id = prior.id;
    out.attributes = props;
    auto ran = Run(ctx, "update", script, props, out.id, false);
    if (!ran) return ran.diags();
    SetOutputs(out.attributes, **ran);
    return out;
  }

  Status Delete(const CallContext& ctx, const ObjectState& prior) override {
    std::string script = StrOr(prior.attributes, "destroy");
    if (script.empty()) return {};
    auto ran = Run(ctx, "destroy", script, prior.attributes, prior.id, false);
    return ran.ok() ? Status() : ran.diags();
  }

 private:
  static void SetOutputs(Value& attrs, const ProcessResult& r) {
    std::string out = Trim(r.out);
    Value outputs = Value::object();
    Value parsed = Value::parse(out, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_object()) outputs = std::move(parsed);
    attrs["stdout"] = out;
    attrs["outputs"] = std::move(outputs);
    attrs["exit_code"] = r.exit_code;
  }

  /// Runs one command. Returns nullopt only for a read command exiting with 3.
  Result<std::optional<ProcessResult>> Run(const CallContext& ctx, const std::string& verb,
                                           const std::string& script, const Value& attrs,
                                           const std::string& id, bool allow_gone) {
    using R = Result<std::optional<ProcessResult>>;
    ProcessOptions opts;
    opts.argv = {"/bin/sh", "-c", script};
    for (const char* key : {"environment", "sensitive_environment"}) {
      auto it = attrs.find(key);
      if (it == attrs.end() || !it->is_object()) continue;
      for (auto e = it->begin(); e != it->end(); ++e) {
        opts.env[e.key()] = e.value().is_string() ? e.value().get<std::string>() : e.value().dump();
      }
    }
    opts.env["CAPSTAN_ID"] = id;
    opts.env["CAPSTAN_STACK"] = ctx.stack;
    opts.env["CAPSTAN_ADDRESS"] = ctx.address.ToString();
    opts.working_dir = StrOr(attrs, "working_dir");
    opts.cancel = ctx.cancel;
    opts.on_stdout_line = [&](const std::string& line) { ctx.Progress(Redact(line, attrs)); };
    auto res = RunProcess(opts);
    if (!res) return res.diags();
    if (res->cancelled) return R::Fail("local.command " + verb + " command was cancelled");
    if (allow_gone && res->exit_code == kReadGoneExitCode) return std::optional<ProcessResult>();
    if (!res->success()) {
      std::string detail = "The " + verb + " command " + res->Describe() + " (exit code " +
                           std::to_string(res->exit_code) + ").";
      std::string tail = LastLines(res->err, 20);
      if (!tail.empty()) detail += "\nLast lines of stderr:\n" + tail;
      return R::Fail("local.command " + verb + " command failed: " + res->Describe(),
                     Redact(detail, attrs));
    }
    return std::optional<ProcessResult>(std::move(*res));
  }

  ResourceSchema schema_ = CommandSchema();
};

}  // namespace

std::unique_ptr<ResourceType> NewLocalCommandType() { return std::make_unique<LocalCommand>(); }

}  // namespace capstan
