// scheduler_bench: how close the Scheduler gets to the critical-path bound, and its cost.
//
/// Two questions, answered with figures (never a pass/fail on time):
///  1. With enough workers, a DAG of jobs that each take `sleep` cannot finish faster
///     than its longest chain times `sleep`. How close does the scheduler come? It runs
///     1,000-job DAGs of the stackgen shapes with parallelism = the graph's width and
///     prints wall time, the bound and their ratio (1.00 is perfect).
///     Threads come from the process's WorkerPool: the first run of a process creates
///     them, later runs (`--repeat`) find them parked; both are printed (`cold`/`warm`).
///  2. What does the scheduler itself cost per job? It runs 100,000 jobs that do nothing
///     and prints the wall time per job.
///
///   scheduler_bench [--shape chain|fan|foreach|mixed|all] [--jobs 1000] [--sleep-ms 50]
///                   [--repeat 1] [--overhead-jobs 100000] [--overhead-parallelism 10]

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "engine/scheduler.h"

namespace {

using capstan::Job;
using Clock = std::chrono::steady_clock;

/// The same shapes as stackgen, as job lists (ids are creation order, deps first).
std::vector<Job> MakeShape(const std::string& shape, int count) {
  std::vector<Job> jobs;
  auto add = [&](std::vector<int> after) {
    Job j;
    j.id = static_cast<int>(jobs.size());
    j.after = std::move(after);
    jobs.push_back(std::move(j));
    return jobs.back().id;
  };
  auto chain = [&](int n, int after) {
    int prev = after;
    for (int i = 0; i < n; ++i) prev = add(prev >= 0 ? std::vector<int>{prev} : std::vector<int>{});
    return prev;
  };
  auto fan = [&](int middles, int after) {
    int root = add(after >= 0 ? std::vector<int>{after} : std::vector<int>{});
    std::vector<int> mids;
    for (int i = 0; i < middles; ++i) mids.push_back(add({root}));
    return add(mids);
  };
  if (shape == "chain") {
    chain(count, -1);
  } else if (shape == "fan") {
    fan(std::max(0, count - 2), -1);
  } else if (shape == "foreach") {
    int keys = std::max(1, count / 2);
    for (int i = 0; i < keys; ++i) add({});
    for (int i = 0; i < keys; ++i) add({i});
  } else {
    for (int u = 0; u < count / 22; ++u) fan(10, chain(10, -1));
    if (count % 22 > 0) chain(count % 22, -1);
  }
  return jobs;
}

struct Shape {
  int width = 0;
  int critical_path = 0;
};

/// Width = most jobs at one depth; critical path = jobs on the longest chain.
Shape Measure(const std::vector<Job>& jobs) {
  std::vector<int> depth(jobs.size(), 1);
  for (const Job& j : jobs)
    for (int a : j.after) depth[j.id] = std::max(depth[j.id], depth[a] + 1);
  Shape s;
  s.critical_path = jobs.empty() ? 0 : *std::max_element(depth.begin(), depth.end());
  std::vector<int> per_level(s.critical_path + 1, 0);
  for (int d : depth) s.width = std::max(s.width, ++per_level[d]);
  return s;
}

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

void SleepRun(const std::string& shape, int count, int sleep_ms, bool warm) {
  std::vector<Job> jobs = MakeShape(shape, count);
  Shape s = Measure(jobs);
  capstan::Scheduler sched({.parallelism = s.width, .pools = {}});
  auto t0 = Clock::now();
  auto result = sched.Run(jobs, [sleep_ms](const Job&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms));
    return true;
  });
  double wall = Seconds(t0, Clock::now());
  double bound = s.critical_path * sleep_ms / 1000.0;
  std::printf(
      "%-8s %s jobs %6zu  width %5d  critical %5d  wall %8.3f s  bound %8.3f s  ratio %.3f"
      "  max_concurrency %d%s\n",
      shape.c_str(), warm ? "warm" : "cold", jobs.size(), s.width, s.critical_path, wall, bound,
      wall / bound, result.max_concurrency_seen, result.AllSucceeded() ? "" : "  (FAILED JOBS)");
}

void OverheadRun(const std::string& shape, int count, int parallelism) {
  std::vector<Job> jobs = MakeShape(shape, count);
  capstan::Scheduler sched({.parallelism = parallelism, .pools = {}});
  auto t0 = Clock::now();
  auto result = sched.Run(jobs, [](const Job&) { return true; });
  double wall = Seconds(t0, Clock::now());
  std::printf("%-8s jobs %6zu  parallelism %3d  wall %8.3f s  per job %7.2f us%s\n", shape.c_str(),
              jobs.size(), parallelism, wall, wall * 1e6 / jobs.size(),
              result.AllSucceeded() ? "" : "  (FAILED JOBS)");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Scheduler wall time vs the critical-path bound, and per-job overhead."};
  std::string shape = "all";
  int jobs = 1000, sleep_ms = 50, repeat = 1, overhead_jobs = 100000, overhead_parallelism = 10;
  app.add_option("--shape", shape, "chain, fan, foreach, mixed or all")
      ->check(CLI::IsMember({"chain", "fan", "foreach", "mixed", "all"}));
  app.add_option("--jobs", jobs, "Jobs per sleeping DAG")->check(CLI::Range(1, 1000000));
  app.add_option("--sleep-ms", sleep_ms, "Cost of each sleeping job")->check(CLI::Range(1, 10000));
  app.add_option("--repeat", repeat, "Sleeping runs per shape (later ones reuse the threads)")
      ->check(CLI::Range(1, 100));
  app.add_option("--overhead-jobs", overhead_jobs, "Zero-cost jobs; 0 skips the overhead runs")
      ->check(CLI::Range(0, 100000000));
  app.add_option("--overhead-parallelism", overhead_parallelism, "Workers for zero-cost jobs")
      ->check(CLI::Range(1, 1024));
  CLI11_PARSE(app, argc, argv);

  std::vector<std::string> shapes = {"fan", "foreach", "mixed", "chain"};
  if (shape != "all") shapes = {shape};

  std::printf("# critical-path runs: %d jobs, %d ms each, parallelism = width\n", jobs, sleep_ms);
  bool warm = false;  // the pool has threads from an earlier run of this process
  for (const std::string& s : shapes) {
    for (int i = 0; i < repeat; ++i, warm = true) SleepRun(s, jobs, sleep_ms, warm);
  }
  if (overhead_jobs > 0) {
    std::printf("# overhead runs: %d zero-cost jobs\n", overhead_jobs);
    for (const std::string& s : shapes) {
      OverheadRun(s, overhead_jobs, overhead_parallelism);
      OverheadRun(s, overhead_jobs, 1);
    }
  }
  return 0;
}
