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
/// A job may also finish after its runner returns (RunAsync): the runner gets a JobDone
/// and calls it, on any thread, when the job's outcome is known. The applier uses this so
/// a worker goes back to work while its result waits for the state's group commit, and
/// the commit thread retires a whole batch of jobs without a thousand threads waking to
/// retire one each.
///
/// Interruption: Interrupt() (the first Ctrl-C) stops starting new jobs, lets running
/// ones finish and returns; a second Interrupt() also sets `cancel`, which providers
/// observe to abort their waits. The runner function is called on worker threads.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
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
  /// The runner only starts a job and returns (the job reports later through JobDone,
  /// e.g. a provider call completing on an event loop). Then a few threads serve any
  /// parallelism: a hand-out gives each parked thread, and the caller, a share of the
  /// startable jobs (at least 16), with one prepare call for all of them; busy threads
  /// take what is left when they are done. Off: one thread per running job, as a runner
  /// that blocks for its job's length needs.
  bool quick_runners = false;
  /// Threads for quick runners; 0 = the machine's cores (at least 2).
  int threads = 0;
};

struct ScheduleResult {
  std::vector<JobOutcome> outcomes;  ///< By job id.
  bool interrupted = false;
  int max_concurrency_seen = 0;  ///< Highest number of jobs running at once.
  bool AllSucceeded() const;
};

/// What a run's bookkeeping offers to a job's completion (implemented by the run).
class JobSink {
 public:
  virtual ~JobSink() = default;
  virtual void Done(int id, bool ok, bool hand_out) = 0;
  virtual void HandOutReady() = 0;
};

/// Reports one job's outcome to its run. Call exactly once, from any thread, during or
/// after the runner's call; a copy keeps the run's bookkeeping alive until then.
class JobDone {
 public:
  JobDone(std::shared_ptr<JobSink> sink, int id) : sink_(std::move(sink)), id_(id) {}
  /// Reports, and starts what became startable on parked workers.
  void operator()(bool ok) const { sink_->Done(id_, ok, true); }
  /// Reports without starting anything yet; the caller must call HandOut afterwards.
  /// Whoever reports a batch of jobs at once (the state's writer thread after a group
  /// commit) hands out once after the batch, and the jobs it released start as one wave
  /// (one prepare call, one journal write) instead of one write each.
  void ReportOnly(bool ok) const { sink_->Done(id_, ok, false); }
  /// Starts whatever is startable on parked workers (cheap when nothing is).
  void HandOut() const { sink_->HandOutReady(); }

 private:
  std::shared_ptr<JobSink> sink_;
  int id_;
};

class Scheduler {
 public:
  /// Returns true on success. Called concurrently from worker threads.
  using Runner = std::function<bool(const Job&)>;
  /// Starts a job; its outcome is reported through `done`, now or later.
  using AsyncRunner = std::function<void(const Job&, const JobDone& done)>;
  /// Called with jobs that are about to start, before any of them does, by the thread
  /// that picked them: a wave handed out at once comes as one call (the applier writes
  /// their journal rows in one transaction). Not called under the scheduler's lock.
  using Prepare = std::function<void(const std::vector<int>& ids)>;

  explicit Scheduler(SchedulerOptions opts);

  /// Runs all jobs. Precondition: `after` edges form a DAG over valid ids.
  ScheduleResult Run(const std::vector<Job>& jobs, const Runner& run);
  /// The same, for runners that may report after they return. Run returns once every
  /// started job has reported; `jobs` must outlive that, `run` is not called after it.
  ScheduleResult RunAsync(const std::vector<Job>& jobs, const AsyncRunner& run,
                          const Prepare& prepare = {});

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
