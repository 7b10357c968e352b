// DeadlineTimer: runs callbacks at deadlines on one thread (test fixture).
//
/// TEST FIXTURE. The in-memory provider's non-blocking calls (MemoryCloud::SetAsyncCalls)
/// wait their latency here instead of in a sleeping thread each, the way a real event
/// loop waits on a thousand sockets with one poll(): so an apply bench measures the
/// engine, not a thousand parked threads. A callback whose cancel flag turns true (the
/// second Ctrl-C) runs early with `cancelled` set, as a cancelled wait would return.
/// Callbacks run on the timer's thread, one at a time, in deadline order.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <queue>
#include <thread>
#include <vector>

namespace capstan {

class DeadlineTimer {
 public:
  using Clock = std::chrono::steady_clock;
  using Callback = std::function<void(bool cancelled)>;

  DeadlineTimer() = default;
  /// Runs what is still pending as cancelled, then stops the thread.
  ~DeadlineTimer();
  DeadlineTimer(const DeadlineTimer&) = delete;
  DeadlineTimer& operator=(const DeadlineTimer&) = delete;

  /// Calls `fn(false)` at `when`, or `fn(true)` soon after `*cancel` turns true.
  void At(Clock::time_point when, const std::atomic<bool>* cancel, Callback fn);

 private:
  struct Entry {
    Clock::time_point when;
    uint64_t seq;  ///< Equal deadlines run in the order they were set.
    const std::atomic<bool>* cancel;
    Callback fn;
  };
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const {
      return a.when != b.when ? a.when > b.when : a.seq > b.seq;
    }
  };
  void Loop();
  Entry Pop();  ///< Takes the earliest entry (caller holds mu_).
  /// Pending entries whose cancel flag is set (caller holds mu_).
  std::vector<Entry> TakeCancelled();

  std::mutex mu_;
  std::condition_variable cv_;
  std::priority_queue<Entry, std::vector<Entry>, Later> pending_;
  uint64_t next_seq_ = 0;
  bool stop_ = false;
  std::thread thread_;  ///< Started by the first At.
};

}  // namespace capstan
