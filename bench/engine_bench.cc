// engine_bench: times validate, plan (with and without refresh) and apply on a generated stack.
//
/// Runs one phase per process so peak RSS (getrusage ru_maxrss) belongs to that phase:
///   engine_bench validate DIR          load + graph + topological order
///   engine_bench seed DIR              write the stack's state directly (state/bulk.h
///                                      PutInstances) as an apply would leave it, into
///                                      DIR/bench-state.db: seconds for 100,000 resources
///                                      where a real apply takes minutes
///   engine_bench seed-apply DIR        the same state through a real apply against the
///                                      in-memory provider with no latency
///   engine_bench plan DIR              (after seed) MakePlan without refresh: a no-change
///                                      plan; prints the add/change/destroy summary
///   engine_bench plan-refresh DIR      (after seed) the in-memory cloud is filled from the
///                                      state (untimed, printed as cloud_s), then MakePlan
///                                      with refresh
///   engine_bench apply DIR LATENCY_MS PARALLELISM [warm] [blocking]
///                                      plan + apply against the in-memory provider with
///                                      LATENCY_MS per call; prints the critical-path bound,
///                                      the apply's CPU time and where the time beyond the
///                                      bound went (PrintBreakdown). Calls complete on the
///                                      provider's timer (a provider on an event loop);
///                                      `blocking` makes each wait in its thread instead.
///                                      `warm` first runs an untimed apply-sized job set so
///                                      the worker pool already has its threads (a
///                                      process's second run)
/// DIR holds a stack from `stackgen --type mem.thing`. Prints `key=value` figures; never
/// judges them (bench/run.sh collects them).
#include <sys/resource.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/graph.h"
#include "engine/ops/applier.h"
#include "engine/ops/planner.h"
#include "engine/scheduler.h"
#include "state/bulk.h"
#include "tests/fakes/memory_provider.h"

using namespace capstan;
using Clock = std::chrono::steady_clock;

namespace {

double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

/// User + system CPU seconds of the whole process so far.
double CpuSeconds() {
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  auto secs = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return secs(ru.ru_utime) + secs(ru.ru_stime);
}

/// Runs `width` jobs at once through a Scheduler, so the worker pool holds that many
/// parked threads before the timed apply (what a second run in one process finds).
void WarmPool(int width) {
  std::vector<Job> jobs(std::max(1, width));
  for (size_t i = 0; i < jobs.size(); ++i) jobs[i].id = static_cast<int>(i);
  std::mutex mu;
  std::condition_variable cv;
  int arrived = 0;
  Scheduler sched({.parallelism = width, .pools = {}});
  sched.Run(jobs, [&](const Job&) {
    std::unique_lock<std::mutex> lock(mu);  // hold every job until all run: one per worker
    if (++arrived == width) cv.notify_all();
    cv.wait(lock, [&] { return arrived >= width; });
    return true;
  });
  // Let the workers park again before timing anything.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
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

/// Where an apply's time beyond the bound went, along the chain of nodes that ended last
/// (each step back: the predecessor that ended last, the one the node waited for):
///   setup_s     ApplyPlan outside its timed run (freshness check, lock, run record before;
///               final load, run record, unlock after)
///   first_s     run start to the chain's first node starting (scheduler and thread start)
///   dispatch_s  summed over the chain: a node's start minus its predecessor's end
///   in_node_s   summed over the chain: a node's time minus the latency (property
///               evaluation, journal commit, result commit, events)
///   tail_s      the chain's last end to the end of the timed run (outputs)
void PrintBreakdown(const Plan& plan, const ApplyReport& report, int latency_ms, double apply_s) {
  if (plan.exec.empty()) return;
  std::map<std::string, const OpTiming*> by_key;
  for (const OpTiming& t : report.timings) by_key[t.address + " " + t.action] = &t;
  std::vector<const OpTiming*> timing(plan.exec.size(), nullptr);
  for (const ExecNode& n : plan.exec) {
    auto it = by_key.find(plan.changes[n.change].address.ToString() + " " + OpKindName(n.op));
    if (it == by_key.end()) return;  // a node did not run: nothing to attribute
    timing[n.id] = it->second;
  }
  auto end = [&](int id) { return timing[id]->start_seconds + timing[id]->seconds; };
  int last = 0;
  for (const ExecNode& n : plan.exec)
    if (end(n.id) > end(last)) last = n.id;
  double dispatch = 0, in_node = 0, latency = latency_ms / 1000.0;
  int steps = 0, id = last;
  for (;;) {
    ++steps;
    in_node += timing[id]->seconds - latency;
    const std::vector<int>& after = plan.exec[id].after;
    if (after.empty()) break;
    int pred = after.front();
    for (int a : after)
      if (end(a) > end(pred)) pred = a;
    dispatch += timing[id]->start_seconds - end(pred);
    id = pred;
  }
  std::printf(
      "breakdown chain_nodes=%d setup_s=%.4f first_s=%.4f dispatch_s=%.4f in_node_s=%.4f "
      "tail_s=%.4f\n",
      steps, apply_s - report.seconds, timing[id]->start_seconds, dispatch, in_node,
      report.seconds - end(last));
}

/// Planned values for the seed walk: what each vertex evaluated to, by id.
class SeedValues : public ValueSource {
 public:
  explicit SeedValues(size_t n) : values_(n) {}
  const VertexValue* Get(int v) const override {
    return v >= 0 && static_cast<size_t>(v) < values_.size() && values_[v] ? &*values_[v] : nullptr;
  }
  void Set(int v, VertexValue value) { values_[v] = std::move(value); }

 private:
  std::vector<std::optional<VertexValue>> values_;
};

/// The state a successful apply against the in-memory provider would leave: every
/// vertex evaluated in dependency order, each resource's attributes as MemType::Create
/// returns them (properties with defaults, a fresh id, serial 1 for mem.thing), written
/// with one PutInstances. Returns the number of instances written.
Result<size_t> SeedState(Workspace& ws) {
  const StackConfig& config = *ws.config();
  DepGraph graph(config.vertices());
  auto order = graph.TopologicalOrder();
  if (!order.ok()) return order.diags();
  std::vector<std::vector<int>> deps = graph.ResourceDependencies();
  const auto& vertices = config.vertices();
  SeedValues values(vertices.size());
  std::vector<InstanceState> instances;
  for (int vid : order.value()) {
    const Vertex& v = vertices[vid];
    auto evaluated = config.Evaluate(vid, values);
    if (!evaluated.ok()) return evaluated.diags();
    if (v.kind != VertexKind::kResource) {
      values.Set(vid, std::move(evaluated.value()));
      continue;
    }
    auto type = ws.GetType(v.provider, v.type);
    if (!type.ok()) return type.diags();
    const ResourceSchema& schema = type.value()->schema();
    InstanceState inst;
    inst.address = v.address;
    inst.type = v.type;
    inst.provider = v.provider;
    inst.id = "seed-" + std::to_string(vid);
    inst.attributes = ApplyDefaults(schema, evaluated->value);
    inst.attributes["id"] = inst.id;
    if (v.type == "mem.thing") inst.attributes["serial"] = 1;
    inst.sensitive = evaluated->sensitive;
    for (const auto& a : schema.attributes) {
      if (a.sensitive) inst.sensitive.insert(a.name);
    }
    for (int d : deps[vid]) inst.dependencies.push_back(vertices[d].address.ToString());
    inst.create_before_destroy = v.lifecycle.create_before_destroy;
    values.Set(vid, VertexValue{inst.attributes, inst.sensitive, false});
    instances.push_back(std::move(inst));
  }
  size_t n = instances.size();
  Status st = PutInstances(ws.state(), ws.stack(), std::move(instances));
  if (st.HasErrors()) return st;
  return n;
}

/// Puts every instance of the state into the in-memory cloud, marked as its stack's.
Status FillCloud(Workspace& ws, MemoryCloud& cloud) {
  auto state = ws.state().Load(ws.stack());
  if (!state.ok()) return state.diags();
  for (const auto& inst : state->instances) {
    cloud.Put(inst.id,
              MemoryObject{inst.type, inst.attributes, ws.stack(), inst.address.ToString()});
  }
  return {};
}

void PrintPlan(const char* phase, const Plan& plan, double load_s, double extra_s, double total_s) {
  auto s = plan.Summary();
  std::printf(
      "phase=%s instances=%zu changes(add/change/destroy)=%d/%d/%d drift=%zu load_s=%.3f "
      "cloud_s=%.3f plan_s=%.3f total_s=%.3f peak_rss_mb=%ld\n",
      phase, plan.changes.size(), s.add, s.change, s.destroy, plan.drift.size(), load_s, extra_s,
      total_s - load_s - extra_s, total_s, PeakRssMb());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: engine_bench validate|seed|seed-apply|plan|plan-refresh|apply DIR "
                 "[LATENCY_MS PARALLELISM]\n");
    return 2;
  }
  std::string phase = argv[1], dir = argv[2];
  setenv("CAPSTAN_STATE_KEY", "bench-key", 1);
  std::string state = dir + "/bench-state.db";
  if (phase != "plan" && phase != "plan-refresh") {
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

  if (phase == "seed") {
    auto n = SeedState(*ws.value());
    if (!n.ok()) return Fail(n.diags());
    std::printf("phase=seed instances=%zu load_s=%.3f seed_s=%.3f peak_rss_mb=%ld\n", *n, load_s,
                Since(t0) - load_s, PeakRssMb());
    return 0;
  }

  PlanOptions po;
  po.refresh = false;
  if (phase == "seed-apply") {
    auto plan = MakePlan(*ws.value(), po);
    if (!plan.ok()) return Fail(plan.diags());
    ApplyOptions ao;
    auto report = ApplyPlan(*ws.value(), plan.value(), ao);
    if (!report.ok()) return Fail(report.diags());
    std::printf("phase=seed-apply created=%d seed_s=%.3f\n", report->created, Since(t0));
    return report->ok() ? 0 : 1;
  }
  if (phase == "plan" || phase == "plan-refresh") {
    double cloud_s = 0;
    if (phase == "plan-refresh") {
      auto t1 = Clock::now();
      Status st = FillCloud(*ws.value(), *cloud);
      if (st.HasErrors()) return Fail(st);
      cloud_s = Since(t1);
      po.refresh = true;
      po.parallelism = 10;  // the CLI default
    }
    auto plan = MakePlan(*ws.value(), po);
    if (!plan.ok()) return Fail(plan.diags());
    PrintPlan(phase.c_str(), plan.value(), load_s, cloud_s, Since(t0));
    return 0;
  }

  if (phase == "apply") {
    int latency = argc > 3 ? std::atoi(argv[3]) : 50;
    int parallelism = argc > 4 ? std::atoi(argv[4]) : 10;
    bool warm = false, blocking = false;
    for (int i = 5; i < argc; ++i) {
      warm = warm || std::string(argv[i]) == "warm";
      blocking = blocking || std::string(argv[i]) == "blocking";
    }
    cloud->SetLatencyMs(latency);
    cloud->SetAsyncCalls(!blocking);
    auto plan = MakePlan(*ws.value(), po);
    if (!plan.ok()) return Fail(plan.diags());
    int critical = CriticalPath(plan.value());
    if (warm) WarmPool(std::min<int>(parallelism, static_cast<int>(plan->exec.size())));
    ApplyOptions ao;
    ao.parallelism = parallelism;
    double cpu0 = CpuSeconds();
    auto t1 = Clock::now();
    auto report = ApplyPlan(*ws.value(), plan.value(), ao);
    if (!report.ok()) return Fail(report.diags());
    double secs = Since(t1);
    double cpu = CpuSeconds() - cpu0;
    double bound = critical * latency / 1000.0;
    std::printf(
        "phase=apply%s calls=%s nodes=%zu created=%d latency_ms=%d parallelism=%d critical_path=%d "
        "bound_s=%.3f apply_s=%.3f ratio=%.3f apply_cpu_s=%.3f max_concurrent=%d "
        "peak_rss_mb=%ld\n",
        warm ? " warm" : "", blocking ? "blocking" : "async", plan->exec.size(), report->created,
        latency, parallelism, critical, bound, secs, bound > 0 ? secs / bound : 0.0, cpu,
        cloud->MaxConcurrent(), PeakRssMb());
    PrintBreakdown(plan.value(), report.value(), latency, secs);
    return report->ok() ? 0 : 1;
  }
  std::fprintf(stderr, "unknown phase %s\n", phase.c_str());
  return 2;
}
