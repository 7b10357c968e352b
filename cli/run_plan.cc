// The plan → confirm → apply sequence shared by `plan`, `apply` and `destroy`.
#include "cli/run_plan.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "cli/live_view.h"
#include "cli/run_summary.h"
#include "engine/ops/interrupts.h"
#include "plans/render_human.h"
#include "plans/render_json.h"

namespace capstan::cli {

void AddPlanFlags(CLI::App* cmd, PlanArgs* args, bool with_parallelism) {
  cmd->add_flag("--refresh,!--no-refresh", args->refresh,
                "Read the real objects before planning (default true; --refresh=false skips)");
  if (with_parallelism) {
    cmd->add_option("--parallelism", args->parallelism,
                    "Provider operations to run at once (default 10)")
        ->check(CLI::Range(1, 1000));
  }
  cmd->add_flag("--verbose,-v", args->verbose,
                "Also list differences that were ignored and why (controller-owned attributes, "
                "lifecycle.ignore_changes)");
  cmd->add_flag("--json", args->json, "Machine-readable output (JSON)");
}

Result<PlanOptions> MakePlanOptions(const PlanArgs& args, PlanMode mode) {
  PlanOptions po;
  po.mode = mode;
  po.refresh = args.refresh;
  po.parallelism = args.parallelism;
  auto targets = ParseTargets(args.targets.targets);
  if (!targets) return targets.diags();
  auto excludes = ParseTargets(args.targets.excludes);
  if (!excludes) return excludes.diags();
  po.targets = std::move(*targets);
  po.excludes = std::move(*excludes);
  return po;
}

void WarnTargeting(const Context& ctx, const PlanArgs& args) {
  if (args.targets.targets.empty() && args.targets.excludes.empty()) return;
  Diagnostics d;
  d.Warning("Resource targeting is in effect",
            "The plan may be incomplete: only the selected instances (and what they depend "
            "on) are considered. Use --target/--exclude for exceptional situations, such as "
            "recovering from errors, not routinely.");
  PrintDiagnostics(ctx.global, d);
}

void PrintPlanHuman(const Context& ctx, const Plan& plan, bool verbose) {
  RenderOptions ro;
  ro.color = UseColor(ctx.global, STDOUT_FILENO);
  ro.show_unchanged = false;
  ro.verbose = verbose;
  std::cout << RenderPlan(plan, ro) << std::flush;
}

void PrintOutputs(Workspace& ws) {
  auto state = ws.state().Load(ws.stack());
  if (!state || state->outputs.empty()) return;
  std::cout << "\nOutputs:\n\n";
  for (const OutputState& o : state->outputs) {
    std::cout << o.name << " = " << (o.sensitive ? "(sensitive)" : RenderValue(o.value)) << "\n";
  }
}

namespace {

/// The live view behind `sink`, if the run uses one.
LiveView* LiveOf(EventSink& sink) { return dynamic_cast<LiveView*>(&sink); }

/// True when the live view should draw: stdout is a terminal that understands cursor
/// movement. Colour is decided separately (UseColor).
bool WantLiveView() {
  if (isatty(STDOUT_FILENO) == 0) return false;
  const char* term = std::getenv("TERM");
  return term == nullptr || std::string(term) != "dumb";
}

int TerminalWidth() {
  winsize ws{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 0;
}

}  // namespace

int ConfirmAndApply(Context& ctx, Workspace& ws, const Plan& plan, const PlanArgs& args,
                    const ApplyWording& wording, bool auto_approve, EventSink& sink,
                    JsonEventPrinter* json) {
  LiveView* live = LiveOf(sink);
  if (live) live->Settle();
  if (!plan.HasChanges()) {
    if (json) {
      json->Emit({{"type", "change_summary"}, {"changes", false}, {"message", "No changes."}});
    } else {
      std::cout << "\nNo changes. Nothing to " << wording.command << ".\n";
    }
    return kExitOk;
  }
  if (!auto_approve) {
    Diagnostics d;
    if (json) {
      d.Error("--auto-approve is required with --json",
              "A JSON run cannot ask for confirmation. Review the plan with `capstan plan "
              "--json` and apply it with --auto-approve, or save it with --out and apply the "
              "file.");
    } else if (!StdinIsTerminal()) {
      d.Error("Refusing to " + wording.command + " without confirmation",
              "stdin is not a terminal, so capstan cannot ask. Pass --auto-approve, or apply "
              "a saved plan: `capstan plan --out FILE` then `capstan apply FILE`.");
    }
    if (d.HasErrors()) {
      PrintDiagnostics(ctx.global, d);
      if (json) json->Emit({{"type", "diagnostics"}, {"diagnostics", DiagnosticsToJson(d)}});
      return kExitError;
    }
    if (!ConfirmYes(wording.question)) {
      std::cerr << "\n" << wording.command << " cancelled.\n";
      return kExitError;
    }
    std::cout << "\n";
  }

  ApplyOptions ao;
  ao.parallelism = args.parallelism;
  ao.command = wording.command;
  const PlanSummary planned = plan.Summary();
  if (json) {
    json->Emit({{"type", "run_start"},
                {"command", wording.command},
                {"stack", plan.stack},
                {"operations", plan.exec.size()},
                {"add", planned.add},
                {"change", planned.change},
                {"destroy", planned.destroy},
                {"parallelism", args.parallelism}});
  }
  if (live) live->SetTotal(static_cast<int>(plan.exec.size()));
  auto report = ApplyPlan(ws, plan, ao);
  if (live) live->Settle();
  if (!report) {
    PrintDiagnostics(ctx.global, report.diags());
    if (json) {
      json->Emit({{"type", "diagnostics"}, {"diagnostics", DiagnosticsToJson(report.diags())}});
    }
    return kExitError;
  }
  const ApplyReport& r = *report;
  PrintDiagnostics(ctx.global, r.diags);
  const RunSummary timing = SummarizeRun(plan, r);
  if (json) {
    nlohmann::json times = RunSummaryToJson(timing);
    json->Emit({{"type", "summary"},
                {"ok", r.ok()},
                {"interrupted", r.interrupted},
                {"added", r.created},
                {"changed", r.updated},
                {"destroyed", r.deleted},
                {"forgotten", r.forgotten},
                {"failed", r.failed},
                {"skipped", r.skipped},
                {"not_started", r.not_started},
                {"seconds", r.seconds},
                {"message", r.Summary()},
                {"slowest", times["slowest"]},
                {"critical_path", times["critical_path"]},
                {"diagnostics", DiagnosticsToJson(r.diags)}});
    return r.ok() ? kExitOk : kExitError;
  }
  bool color = UseColor(ctx.global, STDOUT_FILENO);
  if (r.ok()) {
    std::cout << "\n"
              << Paint(color, "1;32", wording.done) << " Resources: " << r.Summary() << "\n";
    std::cout << RenderRunSummary(timing);
    if (wording.command == "apply") PrintOutputs(ws);
    return kExitOk;
  }
  std::string what = r.interrupted ? "interrupted" : "failed";
  std::cout << "\n"
            << Paint(color, "1;31", "The " + wording.command + " " + what + ".")
            << " Resources: " << r.Summary() << " " << r.failed << " failed, " << r.skipped
            << " skipped, " << r.not_started << " not started.\n";
  std::cout << RenderRunSummary(timing);
  if (r.interrupted) {
    std::cout << "State is saved; run `capstan " << wording.command << "` again to finish.\n";
  }
  return kExitError;
}

RunSinks MakeRunSinks(const Context& ctx, bool json) {
  RunSinks out;
  if (json) {
    auto j = std::make_unique<JsonEventPrinter>(std::cout);
    out.json = j.get();
    out.sink = std::move(j);
  } else if (WantLiveView()) {
    out.sink = std::make_unique<LiveView>(std::cout, std::cerr, UseColor(ctx.global, STDOUT_FILENO),
                                          TerminalWidth());
  } else {
    out.sink = std::make_unique<HumanEventPrinter>(std::cout, std::cerr,
                                                   UseColor(ctx.global, STDOUT_FILENO));
  }
  return out;
}

int RunSinks::Fail(const Context& ctx, const Diagnostics& d) const {
  PrintDiagnostics(ctx.global, d);
  if (json) json->Emit({{"type", "diagnostics"}, {"diagnostics", DiagnosticsToJson(d)}});
  return kExitError;
}

int PlanShowAndApply(Context& ctx, const PlanArgs& args, PlanMode mode, const ApplyWording& wording,
                     bool auto_approve, RunSinks& out) {
  auto fail = [&](const Diagnostics& d) { return out.Fail(ctx, d); };
  auto po = MakePlanOptions(args, mode);
  if (!po) return fail(po.diags());
  auto ws = OpenWorkspace(args.stack, /*need_config=*/true, out.sink.get());
  if (!ws) return fail(ws.diags());
  WarnTargeting(ctx, args);
  auto plan = MakePlan(**ws, *po);
  if (!plan) return fail(plan.diags());
  PrintDiagnostics(ctx.global, plan.diags());
  if (LiveView* live = LiveOf(*out.sink)) live->Settle();
  if (out.json) {
    out.json->Emit({{"type", "plan"}, {"plan", PlanToJson(*plan)}});
  } else if (plan->HasChanges()) {
    PrintPlanHuman(ctx, *plan, args.verbose);
  }
  return ConfirmAndApply(ctx, **ws, *plan, args, wording, auto_approve, *out.sink, out.json);
}

}  // namespace capstan::cli
