// CommitQueue (see commit_queue.h): one writer thread, batches in arrival order.
#include "state/commit_queue.h"

#include <utility>

namespace capstan {

CommitQueue::CommitQueue(RunBatch run) : run_(std::move(run)) {}

CommitQueue::~CommitQueue() { Stop(); }

void CommitQueue::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  work_cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

Status CommitQueue::Submit(CommitRequest& req) {
  req.done_ = false;
  {
    std::lock_guard lock(mu_);
    if (!started_) {
      started_ = true;
      thread_ = std::thread([this] { Loop(); });
    }
    pending_.push_back(&req);
    if (pending_.size() == 1) work_cv_.notify_one();
  }
  std::unique_lock done(req.mu_);
  req.cv_.wait(done, [&] { return req.done_; });
  return req.result;
}

int CommitQueue::batches() const {
  std::lock_guard lock(mu_);
  return batches_;
}

size_t CommitQueue::queued() const {
  std::lock_guard lock(mu_);
  return pending_.size();
}

void CommitQueue::Loop() {
  std::vector<CommitRequest*> batch;
  std::unique_lock lock(mu_);
  for (;;) {
    work_cv_.wait(lock, [&] { return stop_ || !pending_.empty(); });
    if (pending_.empty()) return;  // stop_ and nothing left to write
    batch.swap(pending_);
    ++batches_;
    lock.unlock();
    run_(batch);
    // Notify under the request's own lock: its writer may return (and destroy the
    // request) as soon as it sees done_, so nothing may touch it after the unlock.
    for (CommitRequest* r : batch) {
      std::lock_guard done(r->mu_);
      r->done_ = true;
      r->cv_.notify_one();
    }
    batch.clear();
    lock.lock();
  }
}

}  // namespace capstan
