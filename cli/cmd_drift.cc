// `capstan drift`: compare state with the real objects, change nothing.
//
/// A refresh-only plan, for CI pipelines that watch for out-of-band edits: exit 0 when
/// the real objects match state, 2 when something drifted (always, no flag needed),
/// 1 on errors. Attributes owned by controllers or ignored via lifecycle are skipped
/// (`--verbose` lists them). `--format` picks the report a CI system reads best: a
/// Markdown comment, a JUnit test report, or GitHub Actions annotations.
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/run_plan.h"
#include "plans/render_github.h"
#include "plans/render_human.h"
#include "plans/render_json.h"
#include "plans/render_junit.h"
#include "plans/render_markdown.h"

namespace capstan::cli {
namespace {

struct DriftArgs {
  StackOptions stack;
  bool json = false;
  bool verbose = false;
  std::string format = "human";  ///< human, json, markdown, junit, github.
  int parallelism = 10;
};

/// The report of a check that failed, in the chosen format (diagnostics are on stderr).
void PrintFailure(const std::string& format, const std::string& stack, const Diagnostics& d) {
  if (format == "json") {
    std::cout << nlohmann::json{{"errored", true}, {"diagnostics", DiagnosticsToJson(d)}}.dump(2)
              << "\n";
  } else if (format == "junit") {
    std::string message;
    for (const Diagnostic& item : d.items()) {
      if (item.severity != Severity::kError) continue;
      if (!message.empty()) message += "\n";
      message += item.ToString();
    }
    std::cout << RenderDriftJUnitError(stack, message);
  }
}

int RunDrift(DriftArgs args, Context& ctx) {
  if (args.json) args.format = "json";
  std::unique_ptr<EventSink> sink;
  if (args.format == "human") {
    sink = std::make_unique<HumanEventPrinter>(std::cout, std::cerr,
                                               UseColor(ctx.global, STDOUT_FILENO));
  }
  const auto started = std::chrono::steady_clock::now();
  auto ws = OpenWorkspace(args.stack, /*need_config=*/true, sink.get());
  if (!ws) {
    PrintFailure(args.format, "", ws.diags());
    return Report(ctx.global, ws.diags());
  }
  PlanOptions po;
  po.mode = PlanMode::kRefreshOnly;
  po.refresh = true;
  po.parallelism = args.parallelism;
  auto plan = MakePlan(**ws, po);
  PrintDiagnostics(ctx.global, plan.diags());
  if (!plan) {
    PrintFailure(args.format, (*ws)->stack(), plan.diags());
    return kExitError;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const bool drifted = !plan->drift.empty();
  if (args.format == "json") {
    nlohmann::json j = PlanToJson(*plan);
    j["drift_detected"] = drifted;
    std::cout << j.dump(2) << "\n";
  } else if (args.format == "markdown") {
    std::cout << RenderDriftMarkdown(*plan);
  } else if (args.format == "junit") {
    std::cout << RenderDriftJUnit(*plan, seconds);
  } else if (args.format == "github") {
    std::cout << RenderDriftGithub(*plan);
  } else {
    RenderOptions ro;
    ro.color = UseColor(ctx.global, STDOUT_FILENO);
    ro.show_unchanged = false;
    ro.verbose = args.verbose;
    std::cout << RenderDrift(*plan, ro);
  }
  std::cout << std::flush;
  return drifted ? kExitChanges : kExitOk;
}

}  // namespace

void AddDriftCommand(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<DriftArgs>();
  CLI::App* cmd = app.add_subcommand("drift", "");
  Describe(cmd,
           "Detect drift: read every managed object and report where it differs from state "
           "(changed attributes, deleted objects). Changes nothing. Attributes owned by "
           "controllers and those under lifecycle.ignore_changes are not drift (--verbose "
           "lists them). Exit code 0 no drift, 2 drift found, 1 error, in every format.",
           "  capstan drift\n"
           "  capstan drift --verbose                       # also: what was ignored, and why\n"
           "  capstan drift --format junit > drift.xml      # a CI test report\n"
           "  capstan drift --format markdown > drift.md    # a PR/MR comment\n"
           "  capstan drift --format github                 # GitHub Actions annotations\n"
           "  capstan drift --json > drift.json || [ $? -eq 2 ] && notify-team drift.json");
  AddStackOptions(cmd, &args->stack);
  cmd->add_option("--parallelism", args->parallelism, "Objects to read at once (default 10)")
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--format", args->format,
                  "human (default), json, markdown (PR/MR comment), junit (JUnit XML test "
                  "report) or github (workflow annotations)")
      ->check(CLI::IsMember({"human", "json", "markdown", "junit", "github"}));
  cmd->add_flag("--json", args->json, "Same as --format json");
  cmd->add_flag("--verbose,-v", args->verbose,
                "Also list differences that were ignored and why (controller-owned "
                "attributes, lifecycle.ignore_changes)");
  cmd->callback([args, &ctx] { ctx.exit_code = RunDrift(*args, ctx); });
}

}  // namespace capstan::cli
