// `capstan graph`: the stack's dependency graph as Graphviz DOT or JSON.
//
/// Made from the configuration alone (no state), so it explains ordering questions
/// ("why does the router wait for the network?") before anything exists: every edge
/// is labelled with the property that made it.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "engine/config.h"
#include "engine/graph.h"

namespace capstan::cli {
namespace {

struct GraphArgs {
  StackOptions stack;
  std::string format = "dot";
  bool json = false;
};

int RunGraph(const GraphArgs& args, Context& ctx) {
  auto load = MakeLoadOptions(args.stack);
  if (!load) return Report(ctx.global, load.diags());
  auto config = LoadStack(*load);
  PrintDiagnostics(ctx.global, config.diags());
  if (!config) return kExitError;
  DepGraph graph((*config)->vertices());
  if (args.format == "json" || args.json) {
    std::cout << graph.ToJson() << "\n";
  } else {
    std::cout << graph.ToDot();
  }
  // A cycle is still drawn (it is what the user wants to see) but is an error.
  auto order = graph.TopologicalOrder();
  if (!order) return Report(ctx.global, order.diags());
  return kExitOk;
}

}  // namespace

void AddGraphCommand(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<GraphArgs>();
  CLI::App* cmd = app.add_subcommand("graph", "");
  Describe(cmd,
           "Print the dependency graph of the stack: resource instances, module variables "
           "and outputs, with edges labelled by the property that made them. Needs no state.",
           "  capstan graph | dot -Tsvg > graph.svg\n  capstan graph --format json | jq "
           "'.edges | length'");
  AddStackOptions(cmd, &args->stack, /*with_vars=*/true, /*with_state=*/false);
  cmd->add_option("--format", args->format, "dot (default) or json")
      ->check(CLI::IsMember({"dot", "json"}));
  cmd->add_flag("--json", args->json, "Same as --format json");
  cmd->callback([args, &ctx] { ctx.exit_code = RunGraph(*args, ctx); });
}

}  // namespace capstan::cli
