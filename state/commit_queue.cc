// CommitQueue (see commit_queue.h): one writer thread, batches in arrival order.
#include "state/commit_queue.h"

#include <pthread.h>

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

namespace {
/// The queue whose writer thread this is (none on other threads).
thread_local const CommitQueue* tl_writer_of = nullptr;
}  // namespace

bool CommitQueue::OnWriterThread() const { return tl_writer_of == this; }

void CommitQueue::Enqueue(CommitRequest* req) {
  std::lock_guard lock(mu_);
  if (!started_) {
    started_ = true;
    thread_ = std::thread([this] { Loop(); });
    pthread_setname_np(thread_.native_handle(), "capstan-commit");  // top -H, gdb
  }
  pending_.push_back(req);
  if (pending_.size() == 1) work_cv_.notify_one();
}

Status CommitQueue::Submit(CommitRequest& req) {
  req.done_ = false;
  if (OnWriterThread()) {  // from a completion: a batch of one, here and now
    {
      std::lock_guard lock(mu_);
      ++batches_;
    }
    run_({&req});
    return req.result;
  }
  Enqueue(&req);
  std::unique_lock done(req.mu_);
  req.cv_.wait(done, [&] { return req.done_; });
  return req.result;
}

void CommitQueue::AfterCompletions(std::function<void()> fn) {
  if (OnWriterThread() && in_completions_) {
    after_completions_.push_back(std::move(fn));
    return;
  }
  fn();
}

void CommitQueue::SubmitAsync(std::unique_ptr<CommitRequest> req,
                              std::function<void(const Diagnostics&)> done) {
  req->on_done_ = std::move(done);
  Enqueue(req.release());
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
  tl_writer_of = this;
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
    in_completions_ = true;
    for (CommitRequest* r : batch) {
      if (r->on_done_) {
        std::unique_ptr<CommitRequest> owned(r);
        owned->on_done_(owned->result);
        continue;
      }
      std::lock_guard done(r->mu_);
      r->done_ = true;
      r->cv_.notify_one();
    }
    in_completions_ = false;
    // What the completions left for after the batch (may submit again: runs inline).
    std::vector<std::function<void()>> after;
    after.swap(after_completions_);
    for (auto& fn : after) fn();
    batch.clear();
    lock.lock();
  }
}

}  // namespace capstan
