// Helpers for Scheduler::RunAsync tests: a fan of jobs, and a thread that reports jobs
// after their runners returned.
//
/// LaterReporter is shaped like the state's commit writer: runners queue their JobDone
/// here and return; its thread reports them later, in order, each after a commit's worth
/// of time.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/scheduler.h"

namespace capstan::testing {

/// Job 0 is the root, 1..width the middles, width + 1 the sink.
inline std::vector<Job> Fan(int width) {
  std::vector<Job> jobs(width + 2);
  for (int i = 0; i < width + 2; ++i) jobs[i].id = i;
  for (int i = 1; i <= width; ++i) jobs[i].after = {0};
  for (int i = 1; i <= width; ++i) jobs[width + 1].after.push_back(i);
  return jobs;
}

class LaterReporter {
 public:
  LaterReporter() : thread_([this] { Loop(); }) {}
  ~LaterReporter() {
    {
      std::lock_guard<std::mutex> l(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  void Report(const JobDone& done, bool ok) {
    Later([done, ok] { done(ok); });
  }
  /// Runs `report` on the reporter's thread, in turn (it calls a JobDone, and may do
  /// bookkeeping of its own first).
  void Later(std::function<void()> report) {
    std::lock_guard<std::mutex> l(mu_);
    queue_.push_back(std::move(report));
    cv_.notify_all();
  }

 private:
  using Item = std::function<void()>;
  void Loop() {
    std::unique_lock<std::mutex> l(mu_);
    for (;;) {
      cv_.wait(l, [&] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;
      Item item = queue_.front();
      queue_.pop_front();
      l.unlock();
      std::this_thread::sleep_for(std::chrono::microseconds(200));  // a commit's time
      item();
      l.lock();
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> queue_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace capstan::testing
