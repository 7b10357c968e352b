// `capstan apply`: make the real objects match the stack.
//
/// Two forms, as in Terraform. Without a plan file: plan, show, ask (only "yes" counts;
/// a non-terminal stdin without --auto-approve is refused rather than hanging or
/// guessing), apply. With a plan file: check it is still fresh and execute it without
/// asking — the review happened when it was saved. Progress is printed as it happens;
/// the first Ctrl-C stops starting work, lets calls in flight finish and saves state.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/run_plan.h"
#include "engine/ops/interrupts.h"
#include "plans/plan_file.h"
#include "plans/render_json.h"

namespace capstan::cli {
namespace {

struct ApplyArgs {
  PlanArgs plan;
  std::string plan_file;
  bool auto_approve = false;
};

/// The variables recorded in a plan, as --var arguments (strings raw, others as JSON,
/// which the loader reads as YAML), so the configuration is evaluated as it was planned.
std::vector<std::string> PlanVarsAsArgs(const Plan& plan) {
  std::vector<std::string> out;
  for (const auto& [name, value] : plan.variables) {
    out.push_back(name + "=" + (value.is_string() ? value.get<std::string>() : value.dump()));
  }
  return out;
}

int RunApply(const ApplyArgs& args, Context& ctx) {
  interrupts::Install();
  RunSinks out = MakeRunSinks(ctx, args.plan.json);
  std::unique_ptr<EventSink>& sink = out.sink;
  JsonEventPrinter* json = out.json;
  auto fail = [&](const Diagnostics& d) { return out.Fail(ctx, d); };
  ApplyWording wording{
      "apply",
      "Do you want to perform these actions? Only 'yes' will be accepted:", "Apply complete!"};

  if (!args.plan_file.empty()) {
    const PlanArgs& p = args.plan;
    if (!p.stack.vars.empty() || !p.stack.var_files.empty() || !p.targets.targets.empty() ||
        !p.targets.excludes.empty()) {
      Diagnostics d;
      d.Error("Cannot combine a saved plan with --var, --var-file, --target or --exclude",
              "A saved plan already fixes its variables and targets. Make a new plan with "
              "those options instead.");
      return fail(d);
    }
    auto first = OpenWorkspace(p.stack, /*need_config=*/true, sink.get());
    if (!first) return fail(first.diags());
    auto plan = ReadPlanFile(args.plan_file, (*first)->box());
    if (!plan) return fail(plan.diags());
    std::unique_ptr<Workspace> ws = std::move(*first);
    if (!plan->variables.empty()) {
      // Reopen with the plan's variables so every expression evaluates as planned.
      ws.reset();
      StackOptions with_vars = p.stack;
      with_vars.vars = PlanVarsAsArgs(*plan);
      auto reopened = OpenWorkspace(with_vars, /*need_config=*/true, sink.get());
      if (!reopened) return fail(reopened.diags());
      ws = std::move(*reopened);
    }
    Status fresh = CheckPlanFresh(*ws, *plan);
    if (fresh.HasErrors()) return fail(fresh);
    if (json) json->Emit({{"type", "plan"}, {"plan", PlanToJson(*plan)}});
    return ConfirmAndApply(ctx, *ws, *plan, p, wording, /*auto_approve=*/true, *sink, json);
  }

  return PlanShowAndApply(ctx, args.plan, PlanMode::kNormal, wording, args.auto_approve, out);
}

}  // namespace

void AddApplyCommand(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<ApplyArgs>();
  CLI::App* cmd = app.add_subcommand("apply", "");
  Describe(cmd,
           "Create, update and delete objects so they match the stack. Without PLANFILE: "
           "plan, show the plan and ask for confirmation (refused on a non-terminal stdin "
           "unless --auto-approve). With PLANFILE (from `capstan plan --out`): apply it "
           "without asking, refusing it if state or configuration changed since. The first "
           "Ctrl-C finishes operations in flight and saves state; the second aborts them.",
           "  capstan apply\n  capstan apply --auto-approve --var env=prod --parallelism 4\n"
           "  capstan plan --out prod.plan && capstan apply prod.plan");
  cmd->add_option("PLANFILE", args->plan_file, "A plan saved with `capstan plan --out`");
  AddStackOptions(cmd, &args->plan.stack);
  AddTargetOptions(cmd, &args->plan.targets);
  AddPlanFlags(cmd, &args->plan, /*with_parallelism=*/true);
  cmd->add_flag("--auto-approve", args->auto_approve, "Apply without asking for confirmation");
  cmd->callback([args, &ctx] { ctx.exit_code = RunApply(*args, ctx); });
}

}  // namespace capstan::cli
