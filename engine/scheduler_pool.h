// WorkerPool: the process's parked worker threads, kept from one scheduler run to the next.
//
/// The scheduler needs one thread per job in flight (providers block in their calls), so
/// a wide apply asks for a thousand. Creating them per run and letting them exit after it
/// made thread creation, stack page faults and the `munmap` of every exiting thread (with
/// its TLB shoot-downs on every core) part of each run (bench/README.md). The pool keeps
/// finished workers parked instead: a later run, or a later phase of the same command
/// (refresh, then apply), wakes them instead of creating threads, and no worker exits
/// while a run lasts. A thread parked for `kIdleExit` with nothing to do exits, so a
/// long-lived process does not keep a wide run's threads forever.
///
/// A task is a function that one thread runs once; `Run(n, task)` asks for n threads to
/// run it. Parked threads are woken first; the rest are created in a fan-out (each new
/// thread first creates up to two more), so n threads take about log2(n) rounds of
/// `pthread_create` spread over the cores instead of n calls in a row on the caller.
/// Threads are detached with small stacks (scheduler_threads.h). The pool is never
/// destroyed: its threads may still be parked on it when `exit` runs.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

namespace capstan {

class WorkerPool {
 public:
  using Task = std::shared_ptr<const std::function<void()>>;

  /// How long a parked thread waits for a task before it exits.
  static constexpr std::chrono::seconds kIdleExit{30};

  /// The process-wide pool (created on first use, never destroyed).
  static WorkerPool& Shared();

  /// Queues `task` to run once on each of `n` threads and returns at once. Copies run as
  /// threads take them; when threads cannot be created (the process's thread limit),
  /// fewer run at a time and the rest wait for a thread to finish its task. Callers that
  /// must make progress regardless also run the task themselves (the scheduler does).
  void Run(size_t n, const Task& task);

  /// Threads parked right now, and threads in the pool (for tests and benches).
  size_t parked() const;
  size_t threads() const;

 private:
  WorkerPool() = default;
  void ThreadMain();
  bool ClaimCreation();  ///< Takes one of the threads still to be created.
  bool StartThread();    ///< Creates one pool thread; false (and stops creating) on failure.

  mutable std::mutex mu_;
  std::condition_variable cv_;  ///< Parked threads wait here.
  // Guarded by mu_:
  std::deque<Task> tasks_;  ///< One entry per thread that is to run it.
  size_t threads_ = 0;      ///< Threads started and not exited.
  size_t parked_ = 0;       ///< Threads waiting on cv_.
  size_t wakes_ = 0;        ///< Notifications sent to parked threads, not yet consumed.
  size_t to_create_ = 0;    ///< Threads still to be created (by the fan-out).
  size_t creating_ = 0;     ///< Creations claimed whose thread does not take tasks yet.
};

}  // namespace capstan
