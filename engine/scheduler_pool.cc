// WorkerPool (see scheduler_pool.h): a task queue, parked threads and a creation fan-out.
#include "engine/scheduler_pool.h"

#include <algorithm>
#include <utility>

#include "engine/scheduler_threads.h"

namespace capstan {

WorkerPool& WorkerPool::Shared() {
  // Leaked on purpose: parked threads wait on its condition variable until the process
  // ends, so it must outlive static destruction.
  static WorkerPool* pool = new WorkerPool();
  return *pool;
}

void WorkerPool::Run(size_t n, const Task& task) {
  if (n == 0) return;
  size_t wake = 0;
  {
    std::lock_guard lock(mu_);
    for (size_t i = 0; i < n; ++i) tasks_.push_back(task);
    // Threads already on their way to the queue: notified, being created, to be created.
    size_t coming = wakes_ + creating_ + to_create_;
    size_t uncovered = tasks_.size() > coming ? tasks_.size() - coming : 0;
    size_t sleeping = parked_ > wakes_ ? parked_ - wakes_ : 0;
    wake = std::min(sleeping, uncovered);
    wakes_ += wake;
    to_create_ += uncovered - wake;
  }
  for (size_t i = 0; i < wake; ++i) cv_.notify_one();
  // The caller creates threads too, until none are left to create.
  while (ClaimCreation() && StartThread()) {
  }
}

size_t WorkerPool::parked() const {
  std::lock_guard lock(mu_);
  return parked_;
}

size_t WorkerPool::threads() const {
  std::lock_guard lock(mu_);
  return threads_;
}

bool WorkerPool::ClaimCreation() {
  std::lock_guard lock(mu_);
  if (to_create_ == 0) return false;
  --to_create_;
  ++creating_;
  return true;
}

bool WorkerPool::StartThread() {
  if (StartDetachedThread([this] { ThreadMain(); })) return true;
  std::lock_guard lock(mu_);
  --creating_;
  to_create_ = 0;  // at the thread limit: queued tasks wait for a thread to come back
  return false;
}

void WorkerPool::ThreadMain() {
  {
    std::lock_guard lock(mu_);
    ++threads_;
  }
  for (int i = 0; i < 2 && ClaimCreation(); ++i) {
    if (!StartThread()) break;
  }
  std::unique_lock lock(mu_);
  --creating_;
  auto idle_until = std::chrono::steady_clock::now() + kIdleExit;
  for (;;) {
    if (!tasks_.empty()) {
      Task task = std::move(tasks_.front());
      tasks_.pop_front();
      lock.unlock();
      (*task)();
      task.reset();  // release what the task holds before parking
      lock.lock();
      idle_until = std::chrono::steady_clock::now() + kIdleExit;
      continue;
    }
    ++parked_;
    bool timed_out = cv_.wait_until(lock, idle_until) == std::cv_status::timeout;
    --parked_;
    // Any wake-up consumes a notification, whether or not it finds a task: a notified
    // thread that finds the queue empty must not stay counted as coming for a later Run.
    if (wakes_ > 0) --wakes_;
    if (timed_out && tasks_.empty()) {
      --threads_;
      return;
    }
  }
}

}  // namespace capstan
