// Scheduler: runs a DAG of jobs with bounded parallelism and per-pool limits.
//
/// The engine's only executor. Given jobs with `after` edges (a plan's ExecNodes), it
/// starts every job whose predecessors succeeded, at most `parallelism` at once overall
/// and at most `pools[job.pool]` at once per pool (provider API budgets, like ninja's
/// pools). A failed job marks every transitive dependent as skipped while independent
/// branches run to the end (Terraform's semantics, not Pulumi's stop-at-first-error).
/// Ready jobs start in order of longest remaining critical path, then by id, so long
/// chains are not starved by wide fan-out.
///
/// Interruption: Interrupt() (the first Ctrl-C) stops starting new jobs, lets running
/// ones finish and returns; a second Interrupt() also sets `cancel`, which providers
/// observe to abort their waits. The runner function is called on worker threads.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace capstan {

struct Job {
  int id = 0;              ///< Index in the jobs vector.
  std::vector<int> after;  ///< Ids that must succeed first.
  std::string pool;        ///< "" = only the global limit.
  double weight = 1.0;     ///< Expected cost, for critical-path priority.
};

enum class JobOutcome { kPending, kSucceeded, kFailed, kSkipped, kNotStarted };
const char* JobOutcomeName(JobOutcome o);

struct SchedulerOptions {
  int parallelism = 10;
  std::map<std::string, int> pools;  ///< pool name -> max concurrent; missing = unlimited.
};

struct ScheduleResult {
  std::vector<JobOutcome> outcomes;  ///< By job id.
  bool interrupted = false;
  int max_concurrency_seen = 0;  ///< Highest number of jobs running at once.
  bool AllSucceeded() const;
};

class Scheduler {
 public:
  /// Returns true on success. Called concurrently from worker threads.
  using Runner = std::function<bool(const Job&)>;

  explicit Scheduler(SchedulerOptions opts);

  /// Runs all jobs. Precondition: `after` edges form a DAG over valid ids.
  ScheduleResult Run(const std::vector<Job>& jobs, const Runner& run);

  /// First call: drain (start nothing new). Second call: also set cancel().
  void Interrupt();
  const std::atomic<bool>* cancel_flag() const { return &cancel_; }
  bool draining() const { return interrupts_.load() > 0; }

 private:
  SchedulerOptions opts_;
  std::atomic<int> interrupts_{0};
  std::atomic<bool> cancel_{false};
};

}  // namespace capstan
