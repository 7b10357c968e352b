// `capstan destroy`: delete every object the stack manages, dependents first.
//
/// The same program as apply with a destroy plan: the graph is walked backwards, the
/// confirmation rules are the same, and prevent_destroy refusals come from the planner
/// as errors naming the resource and the file:line of its lifecycle block.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/run_plan.h"
#include "engine/ops/interrupts.h"
#include "plans/render_json.h"

namespace capstan::cli {
namespace {

struct DestroyArgs {
  PlanArgs plan;
  bool auto_approve = false;
};

int RunDestroy(const DestroyArgs& args, Context& ctx) {
  interrupts::Install();
  RunSinks out = MakeRunSinks(ctx, args.plan.json);
  ApplyWording wording{"destroy",
                       "Do you really want to destroy all these objects? There is no undo. "
                       "Only 'yes' will be accepted:",
                       "Destroy complete!"};
  return PlanShowAndApply(ctx, args.plan, PlanMode::kDestroy, wording, args.auto_approve, out);
}

}  // namespace

void AddDestroyCommand(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<DestroyArgs>();
  CLI::App* cmd = app.add_subcommand("destroy", "");
  Describe(cmd,
           "Delete every object the stack manages (or only --target selections), dependents "
           "before what they depend on. Asks for confirmation like apply; resources with "
           "lifecycle.prevent_destroy stop the whole plan with an error.",
           "  capstan destroy\n  capstan destroy --auto-approve --target "
           "'module.cluster[\"test\"]'");
  AddStackOptions(cmd, &args->plan.stack);
  AddTargetOptions(cmd, &args->plan.targets);
  AddPlanFlags(cmd, &args->plan, /*with_parallelism=*/true);
  cmd->add_flag("--auto-approve", args->auto_approve, "Destroy without asking for confirmation");
  cmd->callback([args, &ctx] { ctx.exit_code = RunDestroy(*args, ctx); });
}

}  // namespace capstan::cli
