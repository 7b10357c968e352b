// `capstan validate`: check a stack without touching state or any cloud.
//
/// Runs every check that needs only the files: loading (syntax, references, variables,
/// for_each), the dependency graph (cycles) and each resource's properties against its
/// type's schema. It deliberately opens no state database, so it works in CI on a
/// fresh checkout. Unknown values (attributes of other resources) pass the type checks;
/// the planner re-checks them with real values.
#include <iostream>
#include <map>
#include <memory>

#include "cli/commands.h"
#include "engine/config.h"
#include "engine/graph.h"
#include "providers/provider.h"

namespace capstan::cli {
namespace {

struct ValidateArgs {
  StackOptions stack;
  bool json = false;
};

/// Values of evaluated non-resource vertices; resources stay unknown (nullptr).
class MapValues : public ValueSource {
 public:
  const VertexValue* Get(int vertex) const override {
    auto it = values_.find(vertex);
    return it == values_.end() ? nullptr : &it->second;
  }
  void Set(int vertex, VertexValue v) { values_[vertex] = std::move(v); }

 private:
  std::map<int, VertexValue> values_;
};

/// Adds the vertex's location and name to schema diagnostics (which carry only the key).
void Locate(const Vertex& v, const Diagnostics& in, Diagnostics& out) {
  for (Diagnostic d : in.items()) {
    if (!d.where.known()) d.where = v.where;
    d.key = v.name + (d.key.empty() ? "" : "." + d.key);
    out.Add(std::move(d));
  }
}

Diagnostics CheckSchemas(const StackConfig& config, const std::vector<int>& order) {
  Diagnostics diags;
  std::map<std::string, std::unique_ptr<Provider>> providers;
  MapValues values;
  for (int id : order) {
    const Vertex& v = config.vertices()[id];
    auto evaluated = config.Evaluate(id, values);
    if (!evaluated) {
      Locate(v, evaluated.diags(), diags);
      continue;
    }
    if (v.kind != VertexKind::kResource) {
      values.Set(id, std::move(*evaluated));
      continue;
    }
    std::string provider_name = v.provider.empty() ? v.address.Provider() : v.provider;
    auto it = providers.find(provider_name);
    if (it == providers.end()) {
      auto created = ProviderRegistry::Builtin().Create(provider_name);
      if (!created) {
        Diagnostics located;
        for (Diagnostic d : created.diags().items()) {
          d.where = v.where;
          d.key = v.name + ".type";
          located.Add(std::move(d));
        }
        diags.Append(located);
        providers[provider_name] = nullptr;
        continue;
      }
      it = providers.emplace(provider_name, std::move(*created)).first;
    }
    if (!it->second) continue;  // already reported
    ResourceType* type = it->second->Type(v.type);
    if (type == nullptr) {
      Diagnostic d;
      d.summary = "Unknown resource type \"" + v.type + "\"";
      d.detail = "Provider \"" + provider_name + "\" offers:";
      for (const std::string& n : it->second->TypeNames()) d.detail += " " + n;
      d.where = v.where;
      d.key = v.name + ".type";
      diags.Add(std::move(d));
      continue;
    }
    Locate(v, ValidateProperties(type->schema(), evaluated->value), diags);
    Locate(v, type->Validate(evaluated->value), diags);
  }
  return diags;
}

int RunValidate(const ValidateArgs& args, Context& ctx) {
  Diagnostics diags;
  size_t resources = 0;
  auto load = MakeLoadOptions(args.stack);
  if (!load) {
    diags = load.diags();
  } else {
    auto config = LoadStack(*load);
    diags = config.diags();
    if (config) {
      DepGraph graph((*config)->vertices());
      auto order = graph.TopologicalOrder();
      diags.Append(order.diags());
      if (order) diags.Append(CheckSchemas(**config, *order));
      for (const Vertex& v : (*config)->vertices()) {
        if (v.kind == VertexKind::kResource) ++resources;
      }
    }
  }
  bool ok = !diags.HasErrors();
  if (args.json) {
    nlohmann::json j = {{"valid", ok},
                        {"error_count", 0},
                        {"warning_count", 0},
                        {"diagnostics", DiagnosticsToJson(diags)}};
    int errors = 0, warnings = 0;
    for (const Diagnostic& d : diags.items())
      (d.severity == Severity::kError ? errors : warnings)++;
    j["error_count"] = errors;
    j["warning_count"] = warnings;
    std::cout << j.dump(2) << "\n";
    return ok ? kExitOk : kExitError;
  }
  PrintDiagnostics(ctx.global, diags);
  if (ok) {
    std::cout << Paint(UseColor(ctx.global, 1), "1;32", "Success!") << " The stack is valid ("
              << resources << " resource instance" << (resources == 1 ? "" : "s") << ").\n";
  }
  return ok ? kExitOk : kExitError;
}

}  // namespace

void AddValidateCommand(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<ValidateArgs>();
  CLI::App* cmd = app.add_subcommand("validate", "");
  Describe(cmd,
           "Check the stack files: syntax, references, variables, dependency cycles and "
           "resource properties against their schemas. Needs no state and no cloud access.",
           "  capstan validate -f stack.yaml --var env=prod\n  capstan validate --json | jq "
           ".diagnostics");
  AddStackOptions(cmd, &args->stack, /*with_vars=*/true, /*with_state=*/false);
  cmd->add_flag("--json", args->json, "Print the result as JSON");
  cmd->callback([args, &ctx] { ctx.exit_code = RunValidate(*args, ctx); });
}

}  // namespace capstan::cli
