// `capstan graph`: the stack's dependency graph as Graphviz DOT, Mermaid, JSON or SVG.
//
/// Made from the configuration alone (no state), so it explains ordering questions
/// ("why does the router wait for the network?") before anything exists: every edge
/// is labelled with the property that made it. `--plan` also plans (reading state and,
/// unless --refresh=false, the real objects) and colours each resource by its planned
/// action, so a reviewer sees what a change touches. Mermaid renders inside GitHub and
/// GitLab Markdown; SVG needs Graphviz's `dot` on PATH.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/commands.h"
#include "engine/config.h"
#include "engine/graph.h"
#include "engine/ops/planner.h"

namespace capstan::cli {
namespace {

struct GraphArgs {
  StackOptions stack;
  std::string format = "dot";
  bool json = false;
  bool plan = false;
  bool refresh = true;
};

/// The first executable `name` on PATH, or "".
std::string FindOnPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (dir.empty()) continue;
    std::string candidate = dir + "/" + name;
    struct stat st {};
    if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return {};
}

/// Renders `dot_text` to SVG on stdout with Graphviz.
Status WriteSvg(const std::string& dot_text) {
  Status st;
  const std::string dot = FindOnPath("dot");
  if (dot.empty()) {
    st.Error("--format svg needs Graphviz, but `dot` was not found on PATH",
             "Install Graphviz (Debian: apt-get install graphviz), or print DOT and render it "
             "elsewhere: capstan graph --format dot > graph.dot");
    return st;
  }
  char tmpl[] = "/tmp/capstan-graph-XXXXXX";
  int fd = mkstemp(tmpl);
  if (fd < 0) {
    st.Error("cannot create a temporary file for Graphviz");
    return st;
  }
  close(fd);
  std::ofstream(tmpl, std::ios::binary) << dot_text;
  std::cout.flush();
  pid_t pid = fork();
  if (pid == 0) {
    execl(dot.c_str(), "dot", "-Tsvg", tmpl, static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  unlink(tmpl);
  if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    st.Error("Graphviz failed to render the graph (" + dot + " -Tsvg)");
  }
  return st;
}

int RunGraph(const GraphArgs& args, Context& ctx) {
  const std::string format = args.json ? "json" : args.format;
  DepGraph::Actions actions;
  std::unique_ptr<Workspace> ws;
  const StackConfig* config = nullptr;
  std::unique_ptr<StackConfig> owned;
  if (args.plan) {
    auto opened = OpenWorkspace(args.stack, /*need_config=*/true);
    if (!opened) return Report(ctx.global, opened.diags());
    ws = std::move(*opened);
    PlanOptions po;
    po.refresh = args.refresh;
    auto plan = MakePlan(*ws, po);
    PrintDiagnostics(ctx.global, plan.diags());
    if (!plan) return kExitError;
    for (const ResourceChange& c : plan->changes) {
      if (c.deposed_key.empty()) actions[c.address.ToString()] = ActionName(c.action);
    }
    config = ws->config();
  } else {
    auto load = MakeLoadOptions(args.stack);
    if (!load) return Report(ctx.global, load.diags());
    auto loaded = LoadStack(*load);
    PrintDiagnostics(ctx.global, loaded.diags());
    if (!loaded) return kExitError;
    owned = std::move(*loaded);
    config = owned.get();
  }
  DepGraph graph(config->vertices());
  if (format == "json") {
    std::cout << graph.ToJson(actions) << "\n";
  } else if (format == "mermaid") {
    std::cout << graph.ToMermaid(actions);
  } else if (format == "svg") {
    Status st = WriteSvg(graph.ToDot(actions));
    if (st.HasErrors()) return Report(ctx.global, st);
  } else {
    std::cout << graph.ToDot(actions);
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
           "and outputs, with edges labelled by the property that made them. Needs no state, "
           "except with --plan, which colours each resource by its planned action (create, "
           "update, replace, delete, no-op).",
           "  capstan graph | dot -Tsvg > graph.svg\n"
           "  capstan graph --format svg > graph.svg          # needs Graphviz's dot\n"
           "  capstan graph --format mermaid --plan >> pr.md  # renders on GitHub/GitLab\n"
           "  capstan graph --format json | jq '.edges | length'");
  AddStackOptions(cmd, &args->stack, /*with_vars=*/true, /*with_state=*/true);
  cmd->add_option("--format", args->format,
                  "dot (default), mermaid, json, or svg (runs Graphviz's dot)")
      ->check(CLI::IsMember({"dot", "mermaid", "json", "svg"}));
  cmd->add_flag("--plan", args->plan,
                "Plan first and annotate each resource with its planned action (reads state)");
  cmd->add_flag("--refresh,!--no-refresh", args->refresh,
                "With --plan: read the real objects first (default true)");
  cmd->add_flag("--json", args->json, "Same as --format json");
  cmd->callback([args, &ctx] { ctx.exit_code = RunGraph(*args, ctx); });
}

}  // namespace capstan::cli
