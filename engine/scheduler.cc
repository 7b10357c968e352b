// Scheduler::Run: a fixed pool of workers draining a critical-path-ordered ready set.
//
/// All bookkeeping (in-degree counters, ready queues, pool and global counters,
/// outcomes) lives in one RunState guarded by one mutex; workers hold it only to pick or
/// to retire a job, never while a job runs, so the lock is held for O(log n) work per
/// transition. A worker sleeps on the condition variable only while at least one job is
/// running: when nothing runs, either something is startable (and the worker takes it)
/// or the run is over. That invariant is what lets Interrupt() be a pair of atomic
/// stores with no lock and no notify (it may be called from a signal-handling thread,
/// and the contract header gives it no access to the run's mutex): whichever running job
/// finishes next re-checks the drain flag under the lock and wakes everyone.
///
/// Ready jobs are kept in one priority queue per pool, ordered by the longest remaining
/// path (sum of weights down to a sink, computed in one reverse-topological pass) and
/// then by id. Picking looks at the head of each pool with a free slot, so a job whose
/// pool is full waits without blocking jobs of other pools; pools are few, so a pick
/// costs O(pools + log n).
///
/// Workers are detached threads with small stacks (scheduler_threads.h) that share the
/// RunState: Run returns as soon as the last job is retired (`done_`), and the idle workers
/// wake, see `done_` and exit afterwards, so a thousand thread exits are not part of the
/// run. After `done_` a worker touches nothing but the RunState it co-owns. A worker
/// also exits early when the idle ones already outnumber the jobs not yet started (after
/// a fan's wide level, all but one): those threads could never run anything again.

#include "engine/scheduler.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include "engine/scheduler_order.h"
#include "engine/scheduler_threads.h"

namespace capstan {

const char* JobOutcomeName(JobOutcome o) {
  switch (o) {
    case JobOutcome::kPending:
      return "pending";
    case JobOutcome::kSucceeded:
      return "succeeded";
    case JobOutcome::kFailed:
      return "failed";
    case JobOutcome::kSkipped:
      return "skipped";
    case JobOutcome::kNotStarted:
      return "not-started";
  }
  return "unknown";
}

bool ScheduleResult::AllSucceeded() const {
  return std::all_of(outcomes.begin(), outcomes.end(),
                     [](JobOutcome o) { return o == JobOutcome::kSucceeded; });
}

Scheduler::Scheduler(SchedulerOptions opts) : opts_(std::move(opts)) {}

void Scheduler::Interrupt() {
  // fetch_add is lock-free on every platform capstan targets, so this is safe from a
  // signal-handling thread and from inside a running job.
  if (interrupts_.fetch_add(1) >= 1) cancel_.store(true);
}

namespace {

struct ReadyEntry {
  double priority = 0;
  int id = 0;
};
/// priority_queue puts the "largest" on top: longest path first, then lowest id.
struct ReadyLess {
  bool operator()(const ReadyEntry& a, const ReadyEntry& b) const {
    if (a.priority != b.priority) return a.priority < b.priority;
    return a.id > b.id;
  }
};

struct PoolState {
  int limit = -1;  ///< -1: only the global limit applies.
  int running = 0;
  std::priority_queue<ReadyEntry, std::vector<ReadyEntry>, ReadyLess> ready;
};

class RunState {
 public:
  RunState(const std::vector<Job>& jobs, const Scheduler::Runner& run, const SchedulerOptions& opts,
           const std::atomic<int>& interrupts)
      : jobs_(jobs),
        run_(run),
        interrupts_(interrupts),
        graph_(BuildJobGraph(jobs)),
        outcomes_(jobs.size(), JobOutcome::kPending),
        job_pool_(jobs.size(), 0),
        unstarted_(jobs.size()) {
    parallelism_ = std::max(1, opts.parallelism);
    // Pool 0 is the unnamed pool; named pools get an index in name order.
    pools_.emplace_back();
    std::map<std::string, int> pool_index;
    for (size_t i = 0; i < jobs.size(); ++i) {
      const std::string& name = jobs[i].pool;
      if (name.empty()) continue;
      auto [it, inserted] = pool_index.emplace(name, static_cast<int>(pools_.size()));
      if (inserted) {
        pools_.emplace_back();
        auto limit = opts.pools.find(name);
        // A pool of size zero could never run its jobs; treat it as size one.
        if (limit != opts.pools.end()) pools_.back().limit = std::max(1, limit->second);
      }
      job_pool_[i] = it->second;
    }
    for (size_t i = 0; i < jobs.size(); ++i)
      if (graph_.waiting_for[i] == 0) PushReady(static_cast<int>(i));
  }

  /// The body of every worker thread.
  void Work() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      if (done_) return;
      if (Finished()) {
        Finish();
        return;
      }
      int id = Pick();
      if (id < 0) {
        if (idle_ >= unstarted_) return;  // the idle workers cover every job left
        ++idle_;
        cv_.wait(lock);
        --idle_;
        continue;
      }
      lock.unlock();
      bool ok = false;
      try {
        ok = run_(jobs_[id]);
      } catch (...) {
        ok = false;  // A throwing runner is a failed job, not a dead worker.
      }
      lock.lock();
      Retire(id, ok);
      if (Finished()) {
        Finish();
        return;
      }
      // Wake only as many idle workers as there are jobs they could start; this worker
      // takes one itself. (Waking all of them per finished job cost a wide apply more
      // CPU in futex calls than the jobs themselves.)
      size_t startable = std::min(ready_count_, static_cast<size_t>(parallelism_ - running_));
      for (size_t i = 1; i < startable; ++i) cv_.notify_one();
    }
  }

  /// Takes one of the workers still to be created; false when all are (or creation failed).
  bool ClaimWorker() {
    int n = to_start_.load();
    while (n > 0 && !to_start_.compare_exchange_weak(n, n - 1)) {
    }
    return n > 0;
  }
  void StopCreatingWorkers() { to_start_.store(0); }
  void SetWorkersToStart(int n) { to_start_.store(n); }

  /// Blocks until the run is over, then hands out its result (once).
  ScheduleResult WaitAndTakeResult() {
    std::unique_lock<std::mutex> lock(mu_);
    done_cv_.wait(lock, [&] { return done_; });
    ScheduleResult r;
    for (JobOutcome& o : outcomes_)
      if (o == JobOutcome::kPending) o = JobOutcome::kNotStarted;
    r.outcomes = std::move(outcomes_);
    r.interrupted = interrupts_.load() > 0;
    r.max_concurrency_seen = max_running_;
    return r;
  }

 private:
  bool Draining() const { return interrupts_.load(std::memory_order_relaxed) > 0; }

  /// The run is over: wake Run first (it returns the result), then the idle workers (they
  /// exit). Called with mu_ held.
  void Finish() {
    done_ = true;
    done_cv_.notify_all();
    cv_.notify_all();
  }

  /// Nothing runs and nothing more may start.
  bool Finished() const { return running_ == 0 && (Draining() || ready_count_ == 0); }

  void PushReady(int id) {
    pools_[job_pool_[id]].ready.push({graph_.priority[id], id});
    ++ready_count_;
  }

  /// The best startable job, marked running; -1 if none may start now.
  int Pick() {
    if (Draining() || running_ >= parallelism_ || ready_count_ == 0) return -1;
    PoolState* best = nullptr;
    ReadyLess less;
    for (PoolState& p : pools_) {
      if (p.ready.empty() || (p.limit >= 0 && p.running >= p.limit)) continue;
      if (best == nullptr || less(best->ready.top(), p.ready.top())) best = &p;
    }
    if (best == nullptr) return -1;
    int id = best->ready.top().id;
    best->ready.pop();
    --ready_count_;
    --unstarted_;
    ++best->running;
    ++running_;
    max_running_ = std::max(max_running_, running_);
    return id;
  }

  void Retire(int id, bool ok) {
    --running_;
    --pools_[job_pool_[id]].running;
    outcomes_[id] = ok ? JobOutcome::kSucceeded : JobOutcome::kFailed;
    if (ok) {
      for (int d : graph_.dependents[id])
        if (--graph_.waiting_for[d] == 0 && outcomes_[d] == JobOutcome::kPending) PushReady(d);
      return;
    }
    // Skip everything downstream. None of it can be ready (each waits, directly or
    // transitively, for this job), and an already-skipped job's dependents are skipped.
    std::vector<int> stack(graph_.dependents[id].begin(), graph_.dependents[id].end());
    while (!stack.empty()) {
      int d = stack.back();
      stack.pop_back();
      if (outcomes_[d] != JobOutcome::kPending) continue;
      outcomes_[d] = JobOutcome::kSkipped;
      --unstarted_;
      stack.insert(stack.end(), graph_.dependents[d].begin(), graph_.dependents[d].end());
    }
  }

  const std::vector<Job>& jobs_;
  const Scheduler::Runner& run_;
  const std::atomic<int>& interrupts_;
  std::atomic<int> to_start_{0};  ///< Workers not created yet (WorkerMain).

  std::mutex mu_;
  std::condition_variable cv_;       ///< Idle workers wait here.
  std::condition_variable done_cv_;  ///< Run waits here for done_.
  // Everything below is guarded by mu_.
  bool done_ = false;  ///< Finished() was seen: workers exit, Run takes the result.
  JobGraph graph_;
  std::vector<JobOutcome> outcomes_;
  std::vector<int> job_pool_;
  std::vector<PoolState> pools_;
  int parallelism_ = 1;
  int running_ = 0;
  int max_running_ = 0;
  size_t ready_count_ = 0;
  size_t unstarted_ = 0;  ///< Jobs neither started nor skipped.
  size_t idle_ = 0;       ///< Workers waiting on cv_.
};

/// A worker thread's body: first create up to two more workers, then work. Creation thus
/// fans out over the threads already running (about log2(n) rounds for n workers, and
/// both cores) instead of n pthread_create calls in a row on the calling thread, which
/// on a loaded machine left a wide level waiting for its threads.
void WorkerMain(const std::shared_ptr<RunState>& state) {
  for (int i = 0; i < 2 && state->ClaimWorker(); ++i) {
    if (!StartDetachedThread([state] { WorkerMain(state); })) {
      state->StopCreatingWorkers();
      break;
    }
  }
  state->Work();
}

}  // namespace

ScheduleResult Scheduler::Run(const std::vector<Job>& jobs, const Runner& run) {
  auto state = std::make_shared<RunState>(jobs, run, opts_, interrupts_);
  const size_t workers = std::min(static_cast<size_t>(std::max(1, opts_.parallelism)),
                                  std::max<size_t>(1, jobs.size()));
  // The first workers start the first jobs while the rest are still being created; the
  // calling thread creates workers too until none are left to create.
  state->SetWorkersToStart(static_cast<int>(workers));
  size_t started = 0;
  while (state->ClaimWorker()) {
    if (!StartDetachedThread([state] { WorkerMain(state); })) {
      state->StopCreatingWorkers();
      break;
    }
    ++started;
  }
  // No thread at all (the process is at its thread limit): run everything here.
  if (started == 0) state->Work();
  return state->WaitAndTakeResult();
}

}  // namespace capstan
