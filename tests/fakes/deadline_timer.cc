// DeadlineTimer (test fixture): one thread, a min-heap of deadlines.
#include "tests/fakes/deadline_timer.h"

#include <pthread.h>

#include <algorithm>

namespace capstan {

DeadlineTimer::~DeadlineTimer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DeadlineTimer::At(Clock::time_point when, const std::atomic<bool>* cancel, Callback fn) {
  std::lock_guard<std::mutex> lock(mu_);
  bool earliest = pending_.empty() || when < pending_.top().when;
  pending_.push({when, next_seq_++, cancel, std::move(fn)});
  if (!thread_.joinable()) {
    thread_ = std::thread([this] { Loop(); });
    pthread_setname_np(thread_.native_handle(), "mem-timer");
  }
  if (earliest) cv_.notify_all();
}

DeadlineTimer::Entry DeadlineTimer::Pop() {
  // priority_queue only lends its top as const; moving it out right before pop is safe.
  Entry e = std::move(const_cast<Entry&>(pending_.top()));
  pending_.pop();
  return e;
}

std::vector<DeadlineTimer::Entry> DeadlineTimer::TakeCancelled() {
  std::vector<Entry> keep, cancelled;
  while (!pending_.empty()) {
    Entry e = Pop();
    bool gone = stop_ || (e.cancel != nullptr && e.cancel->load());
    (gone ? cancelled : keep).push_back(std::move(e));
  }
  for (Entry& e : keep) pending_.push(std::move(e));
  return cancelled;
}

void DeadlineTimer::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  auto next_scan = Clock::now();
  for (;;) {
    // Due entries run as they are; every 100 ms (and at stop) the pending ones are looked
    // over for cancellation — a scan per deadline would cost a wide apply O(n²).
    std::vector<std::pair<Entry, bool>> run;
    auto now = Clock::now();
    if (stop_ || now >= next_scan) {
      for (Entry& e : TakeCancelled()) run.emplace_back(std::move(e), true);
      next_scan = now + std::chrono::milliseconds(100);
    }
    while (!pending_.empty() && pending_.top().when <= now) run.emplace_back(Pop(), false);
    if (run.empty()) {
      if (stop_) return;
      auto wake = next_scan;
      if (!pending_.empty()) wake = std::min(wake, pending_.top().when);
      cv_.wait_until(lock, wake);
      continue;
    }
    lock.unlock();
    for (auto& [e, cancelled] : run) e.fn(cancelled);
    lock.lock();
  }
}

}  // namespace capstan
