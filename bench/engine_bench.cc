// engine_bench: times validate, plan --refresh=false and apply on a generated stack.
//
/// Runs one phase per process so peak RSS (getrusage ru_maxrss) belongs to that phase:
///   engine_bench validate DIR          load + graph + topological order
///   engine_bench seed DIR              apply the stack against the in-memory provider with
///                                      no latency, leaving DIR/bench-state.db behind
///   engine_bench plan DIR              (after seed) time MakePlan without refresh from
///                                      that applied state: a no-change plan
///   engine_bench apply DIR LATENCY_MS PARALLELISM
///                                      plan + apply against the in-memory provider with
///                                      LATENCY_MS per call; prints the critical-path bound
/// DIR holds a stack from `stackgen --type mem.thing`. Prints `key=value` figures; never
/// judges them (bench/run.sh collects them).
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "engine/graph.h"
#include "engine/ops/applier.h"
#include "engine/ops/planner.h"
#include "tests/fakes/memory_provider.h"

using namespace capstan;
using Clock = std::chrono::steady_clock;

namespace {

double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

long PeakRssMb() {
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024;
}

int Fail(const Diagnostics& d) {
  std::fprintf(stderr, "%s\n", d.ToString().c_str());
  return 1;
}

/// Longest chain of the plan's execution graph, in nodes.
int CriticalPath(const Plan& plan) {
  std::vector<int> depth(plan.exec.size(), 1);
  int best = 0;
  for (const auto& n : plan.exec) {  // exec is in topological order
    for (int a : n.after) depth[n.id] = std::max(depth[n.id], depth[a] + 1);
    best = std::max(best, depth[n.id]);
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: engine_bench validate|seed|plan|apply DIR [LATENCY_MS PARALLELISM]\n");
    return 2;
  }
  std::string phase = argv[1], dir = argv[2];
  setenv("CAPSTAN_STATE_KEY", "bench-key", 1);
  std::string state = dir + "/bench-state.db";
  if (phase != "plan") {
    std::filesystem::remove(state);
    std::filesystem::remove(state + "-wal");
    std::filesystem::remove(state + "-shm");
  }

  auto cloud = std::make_shared<MemoryCloud>();
  ProviderRegistry registry;
  RegisterMemoryProvider(registry, cloud);
  WorkspaceOptions wo;
  wo.state_path = state;
  wo.load.paths = {dir};
  wo.registry = &registry;

  auto t0 = Clock::now();
  auto ws = Workspace::Open(wo);
  if (!ws.ok()) return Fail(ws.diags());
  double load_s = Since(t0);

  if (phase == "validate") {
    DepGraph g(ws.value()->config()->vertices());
    auto order = g.TopologicalOrder();
    if (!order.ok()) return Fail(order.diags());
    std::printf("phase=validate vertices=%zu load_s=%.3f total_s=%.3f peak_rss_mb=%ld\n", g.size(),
                load_s, Since(t0), PeakRssMb());
    return 0;
  }

  PlanOptions po;
  po.refresh = false;
  if (phase == "seed") {
    auto plan = MakePlan(*ws.value(), po);
    if (!plan.ok()) return Fail(plan.diags());
    ApplyOptions ao;
    auto report = ApplyPlan(*ws.value(), plan.value(), ao);
    if (!report.ok()) return Fail(report.diags());
    std::printf("phase=seed created=%d seed_s=%.3f\n", report->created, Since(t0));
    return report->ok() ? 0 : 1;
  }
  if (phase == "plan") {
    auto plan = MakePlan(*ws.value(), po);
    if (!plan.ok()) return Fail(plan.diags());
    auto s = plan->Summary();
    std::printf(
        "phase=plan instances=%zu changes(add/change/destroy)=%d/%d/%d load_s=%.3f "
        "total_s=%.3f peak_rss_mb=%ld\n",
        plan->changes.size(), s.add, s.change, s.destroy, load_s, Since(t0), PeakRssMb());
    return 0;
  }

  if (phase == "apply") {
    int latency = argc > 3 ? std::atoi(argv[3]) : 50;
    int parallelism = argc > 4 ? std::atoi(argv[4]) : 10;
    cloud->SetLatencyMs(latency);
    auto plan = MakePlan(*ws.value(), po);
    if (!plan.ok()) return Fail(plan.diags());
    int critical = CriticalPath(plan.value());
    ApplyOptions ao;
    ao.parallelism = parallelism;
    auto t1 = Clock::now();
    auto report = ApplyPlan(*ws.value(), plan.value(), ao);
    if (!report.ok()) return Fail(report.diags());
    double secs = Since(t1);
    double bound = critical * latency / 1000.0;
    std::printf(
        "phase=apply nodes=%zu created=%d latency_ms=%d parallelism=%d critical_path=%d "
        "bound_s=%.3f apply_s=%.3f ratio=%.3f max_concurrent=%d peak_rss_mb=%ld\n",
        plan->exec.size(), report->created, latency, parallelism, critical, bound, secs,
        bound > 0 ? secs / bound : 0.0, cloud->MaxConcurrent(), PeakRssMb());
    return report->ok() ? 0 : 1;
  }
  std::fprintf(stderr, "unknown phase %s\n", phase.c_str());
  return 2;
}
