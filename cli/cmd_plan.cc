// `capstan plan`: show what apply would do, optionally saving it as a plan file.
//
/// The plan is the program apply runs; `--out` saves it (sensitive values sealed with
/// the state key) so that `capstan apply FILE` executes exactly what was reviewed, and
/// refuses it once state or configuration moved on. `--detailed-exitcode` lets CI tell
/// "no changes" (0) from "changes" (2) from "error" (1). `--format markdown` prints the plan
/// as a pull/merge-request comment (plans/render_markdown.h).
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/run_plan.h"
#include "plans/plan_file.h"
#include "plans/render_json.h"
#include "plans/render_markdown.h"

namespace capstan::cli {
namespace {

struct PlanCmdArgs {
  PlanArgs plan;
  std::string out;
  bool detailed_exitcode = false;
  bool destroy = false;
  std::string format = "human";  ///< human, json or markdown; --json means json.
};

int RunPlan(PlanCmdArgs args, Context& ctx) {
  if (args.plan.json) args.format = "json";
  args.plan.json = args.format == "json";
  const bool human = args.format == "human";
  auto po = MakePlanOptions(args.plan, args.destroy ? PlanMode::kDestroy : PlanMode::kNormal);
  if (!po) return Report(ctx.global, po.diags());
  std::unique_ptr<EventSink> sink;
  if (human) {
    sink = std::make_unique<HumanEventPrinter>(std::cout, std::cerr,
                                               UseColor(ctx.global, STDOUT_FILENO));
  }
  auto ws = OpenWorkspace(args.plan.stack, /*need_config=*/true, sink.get());
  if (!ws) return Report(ctx.global, ws.diags());
  WarnTargeting(ctx, args.plan);
  auto plan = MakePlan(**ws, *po);
  PrintDiagnostics(ctx.global, plan.diags());
  if (!plan) {
    if (args.plan.json) {
      std::cout << nlohmann::json{{"errored", true},
                                  {"diagnostics", DiagnosticsToJson(plan.diags())}}
                       .dump(2)
                << "\n";
    }
    return kExitError;
  }
  if (args.plan.json) {
    nlohmann::json j = PlanToJson(*plan);
    if (!plan.diags().empty()) j["diagnostics"] = DiagnosticsToJson(plan.diags());
    std::cout << j.dump(2) << "\n";
  } else if (args.format == "markdown") {
    std::cout << RenderPlanMarkdown(*plan) << std::flush;
  } else {
    PrintPlanHuman(ctx, *plan, args.plan.verbose);
  }
  if (!args.out.empty()) {
    Status st = WritePlanFile(args.out, *plan, (*ws)->box());
    if (st.HasErrors()) return Report(ctx.global, st);
    if (human) {
      std::cout << "\nSaved the plan to " << args.out
                << ". To perform exactly these actions, run:\n  capstan apply " << args.out << "\n";
    }
  }
  if (args.detailed_exitcode && plan->HasChanges()) return kExitChanges;
  return kExitOk;
}

}  // namespace

void AddPlanCommand(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<PlanCmdArgs>();
  CLI::App* cmd = app.add_subcommand("plan", "");
  Describe(cmd,
           "Show the changes apply would make: compare the stack with the state (refreshed "
           "from the real objects) and print one action per resource instance. Exit code 0 "
           "(no changes or, without --detailed-exitcode, any success), 1 (error), 2 (changes "
           "present, with --detailed-exitcode).",
           "  capstan plan --var env=prod --out prod.plan\n"
           "  capstan plan --target 'module.cluster[\"a\"]' --detailed-exitcode\n"
           "  capstan plan --destroy\n"
           "  capstan plan --format markdown > plan.md   # a pull-request comment\n"
           "  capstan plan --verbose                     # also: what was ignored, and why");
  AddStackOptions(cmd, &args->plan.stack);
  AddTargetOptions(cmd, &args->plan.targets);
  AddPlanFlags(cmd, &args->plan, /*with_parallelism=*/true);
  cmd->add_option("--out,-o", args->out, "Save the plan to FILE for `capstan apply FILE`")
      ->type_name("FILE");
  cmd->add_flag("--detailed-exitcode", args->detailed_exitcode,
                "Exit 2 when there are changes (0 none, 1 error)");
  cmd->add_flag("--destroy", args->destroy, "Plan to destroy every managed object");
  cmd->add_option("--format", args->format,
                  "human (default), json (same as --json) or markdown (a PR/MR comment)")
      ->check(CLI::IsMember({"human", "json", "markdown"}));
  cmd->callback([args, &ctx] { ctx.exit_code = RunPlan(*args, ctx); });
}

}  // namespace capstan::cli
