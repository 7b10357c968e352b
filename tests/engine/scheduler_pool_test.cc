// Tests for WorkerPool: tasks run on as many threads as asked, and threads are reused.

#include "engine/scheduler_pool.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

namespace capstan {
namespace {

/// Counts tasks that started and holds each one until `width` of them run at once.
struct Gate {
  explicit Gate(int width) : width(width) {}
  void Enter() {
    std::unique_lock<std::mutex> lock(mu);
    ++entered;
    cv.notify_all();
    // The deadline only keeps a broken pool from hanging the suite.
    if (!cv.wait_for(lock, std::chrono::seconds(60), [&] { return entered >= width; }))
      all_met = false;
    ++left;
    cv.notify_all();
  }
  void WaitAllLeft(int n) {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return left >= n; });
  }
  const int width;
  std::mutex mu;
  std::condition_variable cv;
  int entered = 0;
  int left = 0;
  bool all_met = true;
};

void WaitParked(size_t n) {
  while (WorkerPool::Shared().parked() < n) std::this_thread::yield();
}

TEST_CASE("A pool task runs once on each of the threads asked for, all at the same time") {
  const int n = 64;
  auto gate = std::make_shared<Gate>(n);
  WorkerPool::Shared().Run(
      n, std::make_shared<const std::function<void()>>([gate] { gate->Enter(); }));
  gate->WaitAllLeft(n);
  CHECK(gate->all_met);
  CHECK(gate->entered == n);
}

TEST_CASE("Threads park after their task and the next Run wakes them instead of creating more") {
  const int n = 16;
  WorkerPool& pool = WorkerPool::Shared();
  auto first = std::make_shared<Gate>(n);
  pool.Run(n, std::make_shared<const std::function<void()>>([first] { first->Enter(); }));
  first->WaitAllLeft(n);
  WaitParked(n);
  size_t threads = pool.threads();
  auto second = std::make_shared<Gate>(n);
  pool.Run(n, std::make_shared<const std::function<void()>>([second] { second->Enter(); }));
  second->WaitAllLeft(n);
  CHECK(second->all_met);
  // Parked threads exit only after WorkerPool::kIdleExit without work, far longer than this.
  CHECK(pool.threads() <= threads);
}

}  // namespace
}  // namespace capstan
