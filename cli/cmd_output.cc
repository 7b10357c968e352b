// `capstan output`: the stack's root outputs as stored by the last apply.
//
/// Without NAME: every output, sensitive ones shown as "(sensitive)". With NAME: that
/// output's raw value — strings without quotes, everything else as JSON — ready for
/// `$(capstan output ip)` in scripts. Naming a sensitive output prints it: asking for it
/// by name is the explicit request. `--json` prints values (sensitive ones included,
/// flagged "sensitive": true) in the shape `terraform output -json` uses.
#include <unistd.h>

#include <iostream>
#include <memory>

#include "cli/commands.h"

namespace capstan::cli {
namespace {

struct OutputArgs {
  StackOptions stack;
  std::string name;
  bool json = false;
};

int RunOutput(const OutputArgs& args, Context& ctx) {
  auto ws = OpenWorkspace(args.stack, /*need_config=*/false);
  if (!ws) return Report(ctx.global, ws.diags());
  auto state = (*ws)->state().Load((*ws)->stack());
  if (!state) return Report(ctx.global, state.diags());
  const auto& outputs = state->outputs;

  if (!args.name.empty()) {
    for (const OutputState& o : outputs) {
      if (o.name != args.name) continue;
      if (args.json) {
        std::cout << o.value.dump(2) << "\n";
      } else {
        std::cout << RawValue(o.value) << (o.value.is_string() ? "" : "\n");
        if (o.value.is_string() && isatty(STDOUT_FILENO)) std::cout << "\n";
      }
      return kExitOk;
    }
    Diagnostics d;
    std::string names;
    for (const OutputState& o : outputs) names += (names.empty() ? "" : ", ") + o.name;
    d.Error("Output \"" + args.name + "\" not found",
            outputs.empty() ? "The stack \"" + (*ws)->stack() +
                                  "\" has no outputs in state; run `capstan apply` first."
                            : "Outputs in state: " + names + ".");
    return Report(ctx.global, d);
  }

  if (args.json) {
    nlohmann::json j = nlohmann::json::object();
    for (const OutputState& o : outputs) {
      j[o.name] = {{"value", o.value}, {"sensitive", o.sensitive}};
    }
    std::cout << j.dump(2) << "\n";
    return kExitOk;
  }
  if (outputs.empty()) {
    std::cerr << "No outputs in state for stack \"" << (*ws)->stack() << "\".\n";
    return kExitOk;
  }
  for (const OutputState& o : outputs) {
    std::cout << o.name << " = " << (o.sensitive ? "(sensitive)" : RenderValue(o.value)) << "\n";
  }
  return kExitOk;
}

}  // namespace

void AddOutputCommand(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<OutputArgs>();
  CLI::App* cmd = app.add_subcommand("output", "");
  Describe(cmd,
           "Print root outputs from state. Without NAME, all of them (sensitive ones as "
           "\"(sensitive)\"); with NAME, that value raw: strings unquoted, other values as "
           "JSON. Naming a sensitive output prints its value. --json includes sensitive "
           "values, flagged \"sensitive\": true.",
           "  capstan output\n  ssh ubuntu@$(capstan output mgmt_address)\n"
           "  capstan output private_key > id_rsa && chmod 600 id_rsa");
  cmd->add_option("NAME", args->name, "Output to print");
  AddStateOptions(cmd, &args->stack);
  cmd->add_flag("--json", args->json, "Machine-readable output (JSON)");
  cmd->callback([args, &ctx] { ctx.exit_code = RunOutput(*args, ctx); });
}

}  // namespace capstan::cli
