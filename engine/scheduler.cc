// Scheduler::Run: pooled workers draining a critical-path-ordered ready set.
//
/// All bookkeeping (in-degree counters, ready queues, pool and global counters,
/// outcomes) lives in one RunState guarded by one mutex; workers hold it only to pick or
/// to retire a job, never while a job runs, so the lock is held for O(log n) work per
/// transition. A worker parks only while at least one job is running: when nothing runs,
/// either something is startable (and the worker takes it) or the run is over. That
/// invariant is what lets Interrupt() be a pair of atomic stores with no lock and no
/// notify (it may be called from a signal-handling thread, and the contract header gives
/// it no access to the run's mutex): whichever running job finishes next re-checks the
/// drain flag under the lock and wakes everyone.
///
/// Ready jobs are kept in one priority queue per pool, ordered by the longest remaining
/// path (sum of weights down to a sink, computed in one reverse-topological pass) and
/// then by id. Picking looks at the head of each pool with a free slot, so a job whose
/// pool is full waits without blocking jobs of other pools; pools are few, so a pick
/// costs O(pools + log n).
///
/// Hand-off: an idle worker parks on a Slot of its own. The worker that retires a job
/// picks the next job for itself and, still under the lock, one startable job for each
/// parked worker, then wakes their slots after unlocking, as a tree: it wakes the first,
/// and each woken worker wakes two more before it starts its own job. A woken worker
/// starts its job without touching the mutex, so a wide level (a fan's thousand middles
/// after its root) is one thread assigning jobs, not a thousand threads queueing for the
/// lock to pick one each; and no one is woken who will find nothing to do.
///
/// Completion: a runner may report after it returns (RunAsync). Each job has a small
/// atomic cell: the runner's JobDone and the worker that called the runner race to close
/// it. When JobDone wins (it was called before the runner returned, which every
/// synchronous runner does), the worker retires the job under the same lock it takes to
/// pick the next one, as before. When the worker wins, the job stays running and JobDone,
/// whenever and wherever it is called, takes the lock, retires it and hands what became
/// startable to parked workers; the worker meanwhile goes on to other jobs or parks.
///
/// Quick runners (SchedulerOptions::quick_runners): when every runner only starts its job
/// and returns, a thread per running job would be a thousand threads that do nothing but
/// park. Then the run has a few threads (the cores), and a hand-out gives each parked
/// worker, and the caller, a chunk: its share of what is startable, with one prepare call
/// for all the chunks; each worker starts its chunk's jobs back to back, and the busy
/// ones take what the shares left when they are done.
///
/// Threads come from the process's WorkerPool (scheduler_pool.h) and go back to it after
/// the run, parked, so no thread is created or exits during a run that a previous one
/// already had. The calling thread works too: a run with parallelism 1 (or a chain) never
/// changes threads. Run returns as soon as the last job is retired (`done_`); pool threads
/// still inside Work then see `done_` and return, touching nothing but the RunState they
/// co-own. A worker also leaves early when the parked ones already outnumber the jobs not
/// yet started (after a fan's wide level, all but one): it could never run anything.

#include "engine/scheduler.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <queue>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "engine/scheduler_order.h"
#include "engine/scheduler_pool.h"

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

/// The job's completion cell: open while its runner runs, then closed by whichever of
/// JobDone (with the outcome) and the returning worker (as "reports later") comes first.
enum Completion : int { kOpen = 0, kDoneOk = 1, kDoneFailed = 2, kLater = 3 };

class RunState : public JobSink, public std::enable_shared_from_this<RunState> {
 public:
  RunState(const std::vector<Job>& jobs, const Scheduler::AsyncRunner& run,
           const Scheduler::Prepare& prepare, const SchedulerOptions& opts,
           const std::atomic<int>& interrupts, size_t threads)
      : jobs_(jobs),
        run_(run),
        prepare_(prepare),
        interrupts_(interrupts),
        graph_(BuildJobGraph(jobs)),
        outcomes_(jobs.size(), JobOutcome::kPending),
        job_pool_(jobs.size(), 0),
        completion_(new std::atomic<int>[jobs.size()]),
        unstarted_(jobs.size()) {
    for (size_t i = 0; i < jobs.size(); ++i) completion_[i].store(kOpen);
    parallelism_ = std::max(1, opts.parallelism);
    quick_ = opts.quick_runners;
    threads_ = std::max<size_t>(1, threads);
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

  /// The body of every worker: the calling thread's and each pool thread's.
  void Work() {
    std::unique_lock<std::mutex> lock(mu_);
    std::shared_ptr<JobSink> self = shared_from_this();
    Slot* me = nullptr;
    std::vector<int> mine;
    for (;;) {
      if (done_) return;
      if (Finished()) {
        Finish();
        return;
      }
      int id = Pick();
      if (id >= 0) {
        mine = HandOut(lock, id);
      } else {
        // The parked workers cover every job left (one each, unless runners are quick).
        if (!quick_ && parked_.size() >= unstarted_) return;
        if (me == nullptr) me = &slots_.emplace_back();
        parked_.push_back(me);
        lock.unlock();
        Wakeup w = me->Wait();
        if (!w.wave) return;  // the run is over
        WakeChildren(w.wave, w.index);
        mine = w.wave->Chunk(w.index);
      }
      // Run chunks back to back while this worker finds jobs to take after each.
      for (;;) {
        RunChunk(mine, self, lock);
        if (Finished()) {
          Finish();
          return;
        }
        id = Pick();
        if (id < 0) break;  // keep the lock: back to the top, which may park
        mine = HandOut(lock, id);
      }
    }
  }

  /// JobDone: before the runner returned, leave the outcome for its worker; after, retire
  /// the job here and hand what became startable to parked workers. A second report of
  /// the same job (a runner that reported, then threw) is ignored.
  void Done(int id, bool ok, bool hand_out) override {
    int open = kOpen;
    if (completion_[id].compare_exchange_strong(open, ok ? kDoneOk : kDoneFailed)) return;
    if (open != kLater) return;
    int later = kLater;
    if (!completion_[id].compare_exchange_strong(later, ok ? kDoneOk : kDoneFailed)) return;
    std::unique_lock<std::mutex> lock(mu_);
    Retire(id, ok);
    if (Finished()) {
      Finish();
      return;
    }
    // Without a hand-out the released jobs wait for HandOutReady, or for a worker that
    // finishes a job and picks: a worker parks only while a job runs, so one of those
    // comes (the reporter promises the first).
    if (hand_out) HandOut(lock);
  }

  void HandOutReady() override {
    std::unique_lock<std::mutex> lock(mu_);
    if (done_) return;
    if (Finished()) {
      Finish();
      return;
    }
    HandOut(lock);
  }

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

  class Slot;
  /// The slots one HandOut wakes, with their jobs: slot i runs the i-th chunk of `per`
  /// jobs (one job, unless runners are quick). Slot i, once woken, wakes slots 2i+1 and
  /// 2i+2 before it starts its own chunk: a fan's thousand wake-ups become a tree ten deep
  /// spread over the cores, not one thread's loop that each woken worker preempts.
  struct Wave {
    std::vector<Slot*> slots;
    std::vector<int> jobs;
    size_t per = 1;
    std::vector<int> Chunk(size_t i) const {
      auto begin = jobs.begin() + static_cast<std::ptrdiff_t>(std::min(jobs.size(), i * per));
      auto end = jobs.begin() + static_cast<std::ptrdiff_t>(std::min(jobs.size(), (i + 1) * per));
      return {begin, end};
    }
  };

  /// What a parked worker is woken with: the wave it belongs to and its place in it (a
  /// null wave: the run is over).
  struct Wakeup {
    std::shared_ptr<const Wave> wave;
    size_t index = 0;
  };

  /// Runs a chunk of jobs the caller was given, then (under `lock`, which it takes)
  /// retires those whose runners already reported.
  void RunChunk(const std::vector<int>& ids, const std::shared_ptr<JobSink>& self,
                std::unique_lock<std::mutex>& lock) {
    std::vector<std::pair<int, bool>> reported;
    for (int id : ids) {
      try {
        run_(jobs_[id], JobDone(self, id));
      } catch (...) {
        Done(id, false, true);  // A throwing runner is a failed job, not a dead worker.
      }
      int outcome = kOpen;
      if (!completion_[id].compare_exchange_strong(outcome, kLater))
        reported.emplace_back(id, outcome == kDoneOk);
    }
    lock.lock();
    for (auto [id, ok] : reported) Retire(id, ok);
  }

  /// One parked worker. Wait() blocks until Wake and returns its Wakeup (job -1: the run
  /// is over). A mutex and condition variable of its own rather than a semaphore:
  /// libstdc++'s semaphore spins with sched_yield before it sleeps, and a thousand
  /// parking workers spinning cost more CPU than the jobs' own work (perf, fan shape).
  class Slot {
   public:
    Wakeup Wait() {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return woken_; });
      woken_ = false;
      return std::move(wakeup_);
    }
    void Wake(Wakeup w) {
      std::lock_guard<std::mutex> lock(mu_);
      wakeup_ = std::move(w);
      woken_ = true;
      cv_.notify_one();
    }

   private:
    std::mutex mu_;
    std::condition_variable cv_;
    Wakeup wakeup_;
    bool woken_ = false;
  };

  /// Wakes wave entry `i`'s children (see Wave).
  static void WakeChildren(const std::shared_ptr<const Wave>& wave, size_t i) {
    for (size_t c = 2 * i + 1; c <= 2 * i + 2 && c < wave->slots.size(); ++c)
      wave->slots[c]->Wake({wave, c});
  }

  /// The run is over: wake Run (it returns the result), then the parked workers (they
  /// return to the pool). Called with mu_ held; the slots belong to this RunState, which
  /// every worker co-owns, so releasing under the lock cannot outlive them.
  void Finish() {
    done_ = true;
    done_cv_.notify_all();
    for (Slot* s : parked_) s->Wake({});
    parked_.clear();
  }

  /// Gives startable jobs to the parked workers and to the caller when it picked `own`
  /// (-1: the caller runs nothing), then (after unlocking) prepares them all in one call
  /// and wakes the workers. Returns the caller's chunk (starting with `own`). Called with
  /// `lock` held; returns with it released.
  ///
  /// A chunk is one job, or with quick runners a share of what is startable: 1/threads_ of
  /// it, at least kMinChunk. What the shares leave stays ready for the busy workers to
  /// take when they are done, so the first worker of a run does not start a thousand jobs
  /// alone while the others are still on their way to park.
  std::vector<int> HandOut(std::unique_lock<std::mutex>& lock, int own = -1) {
    const size_t workers = parked_.size() + (own >= 0 ? 1 : 0);
    size_t per = 1;
    if (quick_) {
      size_t startable = ready_count_ + (own >= 0 ? 1 : 0);
      per = std::max(kMinChunk, (startable + threads_ - 1) / threads_);
    }
    std::vector<int> picked;
    if (own >= 0) picked.push_back(own);
    while (picked.size() < per * workers) {
      int id = Pick();
      if (id < 0) break;
      picked.push_back(id);
    }
    if (picked.empty()) {
      lock.unlock();
      return {};
    }
    auto wave = std::make_shared<Wave>();
    wave->per = per;
    const size_t chunks = (picked.size() + wave->per - 1) / wave->per;
    const size_t kept = own >= 0 ? std::min(wave->per, picked.size()) : 0;
    // Take the woken slots off the parked list before unlocking; wake them after, so a
    // woken worker never finds the run's lock taken by the one that woke it.
    for (size_t i = 0; i < chunks - (own >= 0 ? 1 : 0); ++i)
      wave->slots.push_back(parked_[parked_.size() - 1 - i]);
    parked_.resize(parked_.size() - wave->slots.size());
    lock.unlock();
    Prepare(picked);
    std::vector<int> mine(picked.begin(), picked.begin() + static_cast<std::ptrdiff_t>(kept));
    if (wave->slots.empty()) return mine;
    wave->jobs.assign(picked.begin() + static_cast<std::ptrdiff_t>(kept), picked.end());
    wave->slots[0]->Wake({wave, 0});
    return mine;
  }

  /// Runs the prepare hook, if any, on jobs about to start. It reports its own failures
  /// (the applier fails the job when it runs); one that throws is not the run's concern.
  void Prepare(const std::vector<int>& ids) {
    if (!prepare_) return;
    try {
      prepare_(ids);
    } catch (...) {
    }
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

  /// Quick runners: fewer jobs than this are not worth waking another thread for.
  static constexpr size_t kMinChunk = 16;

  const std::vector<Job>& jobs_;
  const Scheduler::AsyncRunner& run_;
  const Scheduler::Prepare& prepare_;
  const std::atomic<int>& interrupts_;

  std::mutex mu_;
  std::condition_variable done_cv_;  ///< Run waits here for done_.
  // Everything below is guarded by mu_.
  bool done_ = false;  ///< Finished() was seen: workers exit, Run takes the result.
  JobGraph graph_;
  std::vector<JobOutcome> outcomes_;
  std::vector<int> job_pool_;
  std::unique_ptr<std::atomic<int>[]> completion_;  ///< Per job (atomic, not under mu_).
  std::vector<PoolState> pools_;
  int parallelism_ = 1;
  bool quick_ = false;  ///< SchedulerOptions::quick_runners.
  size_t threads_ = 1;  ///< Threads working on the run (the caller's and the pool's).
  int running_ = 0;
  int max_running_ = 0;
  size_t ready_count_ = 0;
  size_t unstarted_ = 0;       ///< Jobs neither started nor skipped.
  std::deque<Slot> slots_;     ///< One per worker that ever parked (stable addresses).
  std::vector<Slot*> parked_;  ///< Workers waiting for a job, most recent last.
};

}  // namespace

ScheduleResult Scheduler::Run(const std::vector<Job>& jobs, const Runner& run) {
  return RunAsync(jobs, [&run](const Job& job, const JobDone& done) { done(run(job)); }, {});
}

ScheduleResult Scheduler::RunAsync(const std::vector<Job>& jobs, const AsyncRunner& run,
                                   const Prepare& prepare) {
  size_t workers = static_cast<size_t>(std::max(1, opts_.parallelism));
  if (opts_.quick_runners) {
    size_t threads = opts_.threads > 0 ? static_cast<size_t>(opts_.threads)
                                       : std::max(2u, std::thread::hardware_concurrency());
    workers = std::min(workers, threads);
  }
  workers = std::min(workers, std::max<size_t>(1, jobs.size()));
  auto state = std::make_shared<RunState>(jobs, run, prepare, opts_, interrupts_, workers);
  // Pool threads start the first jobs while this thread works too; when no thread can
  // be had at all, this one runs everything.
  if (workers > 1) {
    WorkerPool::Shared().Run(
        workers - 1, std::make_shared<const std::function<void()>>([state] { state->Work(); }));
  }
  state->Work();
  return state->WaitAndTakeResult();
}

}  // namespace capstan
