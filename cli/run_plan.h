// The plan → confirm → apply sequence shared by `plan`, `apply` and `destroy`.
//
/// `apply` and `destroy` are the same program with a different plan mode, prompt and
/// wording; `plan` is its first half. Keeping the sequence in one place means the
/// confirmation rules (never wait on a non-terminal stdin), the target warning, the
/// interrupt handling and the summary line cannot drift apart between commands.
#pragma once

#include <memory>
#include <string>

#include "cli/common.h"
#include "cli/event_printer.h"
#include "engine/ops/applier.h"
#include "engine/ops/planner.h"
#include "plans/plan.h"

namespace capstan::cli {

/// Flags shared by plan, apply and destroy.
struct PlanArgs {
  StackOptions stack;
  TargetOptions targets;
  bool refresh = true;
  bool json = false;
  bool verbose = false;  ///< Also say which differences were ignored, and why.
  int parallelism = 10;
};

/// Adds --refresh, --parallelism (if `with_parallelism`), --verbose and --json.
void AddPlanFlags(CLI::App* cmd, PlanArgs* args, bool with_parallelism);

/// PlanOptions from the flags; errors name bad selectors.
Result<PlanOptions> MakePlanOptions(const PlanArgs& args, PlanMode mode);

/// "Warning: resource targeting is in effect ..." on stderr when targets/excludes exist.
void WarnTargeting(const Context& ctx, const PlanArgs& args);

/// Prints the plan for people (RenderPlan) on stdout; `verbose` lists ignored differences.
void PrintPlanHuman(const Context& ctx, const Plan& plan, bool verbose = false);

/// How apply/destroy word things.
struct ApplyWording {
  std::string command;   ///< "apply" / "destroy" (history and messages)
  std::string question;  ///< The confirmation prompt.
  std::string done;      ///< "Apply complete!" / "Destroy complete!"
};

/// Confirms (unless auto-approved), applies and prints the outcome. The plan has already
/// been shown. Returns the exit code.
int ConfirmAndApply(Context& ctx, Workspace& ws, const Plan& plan, const PlanArgs& args,
                    const ApplyWording& wording, bool auto_approve, EventSink& sink,
                    JsonEventPrinter* json);

/// Where apply/destroy report: a human or JSON-lines event sink, and a failure path that
/// prints diagnostics in the same view.
struct RunSinks {
  std::unique_ptr<EventSink> sink;
  JsonEventPrinter* json = nullptr;  ///< Set in the --json view.
  /// Prints `d` (and emits it as a JSON event in the --json view); returns kExitError.
  int Fail(const Context& ctx, const Diagnostics& d) const;
};
RunSinks MakeRunSinks(const Context& ctx, bool json);

/// The no-plan-file path of apply and destroy: plan in `mode`, show it (human or JSON),
/// then ConfirmAndApply. Returns the exit code.
int PlanShowAndApply(Context& ctx, const PlanArgs& args, PlanMode mode, const ApplyWording& wording,
                     bool auto_approve, RunSinks& out);

/// Prints root outputs from state after a successful apply ("Outputs:" block).
void PrintOutputs(Workspace& ws);

}  // namespace capstan::cli
