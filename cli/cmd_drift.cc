// `capstan drift`: compare state with the real objects, change nothing.
//
/// A refresh-only plan, for CI pipelines that watch for out-of-band edits: exit 0 when
/// the real objects match state, 2 when something drifted (always, no flag needed),
/// 1 on errors. Attributes owned by controllers or ignored via lifecycle are skipped.
#include <unistd.h>

#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/run_plan.h"
#include "plans/render_human.h"
#include "plans/render_json.h"

namespace capstan::cli {
namespace {

struct DriftArgs {
  StackOptions stack;
  bool json = false;
  int parallelism = 10;
};

int RunDrift(const DriftArgs& args, Context& ctx) {
  std::unique_ptr<EventSink> sink;
  if (!args.json) {
    sink = std::make_unique<HumanEventPrinter>(std::cout, std::cerr,
                                               UseColor(ctx.global, STDOUT_FILENO));
  }
  auto ws = OpenWorkspace(args.stack, /*need_config=*/true, sink.get());
  if (!ws) return Report(ctx.global, ws.diags());
  PlanOptions po;
  po.mode = PlanMode::kRefreshOnly;
  po.refresh = true;
  po.parallelism = args.parallelism;
  auto plan = MakePlan(**ws, po);
  PrintDiagnostics(ctx.global, plan.diags());
  if (!plan) {
    if (args.json) {
      std::cout << nlohmann::json{{"errored", true},
                                  {"diagnostics", DiagnosticsToJson(plan.diags())}}
                       .dump(2)
                << "\n";
    }
    return kExitError;
  }
  bool drifted = !plan->drift.empty();
  if (args.json) {
    nlohmann::json j = PlanToJson(*plan);
    j["drift_detected"] = drifted;
    std::cout << j.dump(2) << "\n";
  } else {
    RenderOptions ro;
    ro.color = UseColor(ctx.global, STDOUT_FILENO);
    ro.show_unchanged = false;
    std::cout << RenderDrift(*plan, ro) << std::flush;
  }
  return drifted ? kExitChanges : kExitOk;
}

}  // namespace

void AddDriftCommand(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<DriftArgs>();
  CLI::App* cmd = app.add_subcommand("drift", "");
  Describe(cmd,
           "Detect drift: read every managed object and report where it differs from state "
           "(changed attributes, deleted objects). Changes nothing. Exit code 0 no drift, "
           "2 drift found, 1 error.",
           "  capstan drift\n  capstan drift --json > drift.json || [ $? -eq 2 ] && "
           "notify-team drift.json");
  AddStackOptions(cmd, &args->stack);
  cmd->add_option("--parallelism", args->parallelism, "Objects to read at once (default 10)")
      ->check(CLI::Range(1, 1000));
  cmd->add_flag("--json", args->json, "Machine-readable output (JSON)");
  cmd->callback([args, &ctx] { ctx.exit_code = RunDrift(*args, ctx); });
}

}  // namespace capstan::cli
