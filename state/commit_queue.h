// CommitQueue: group commit for the state writes of a parallel apply.
//
/// Every executed plan node writes twice: its journal row before the provider call and
/// its result after. Run one SQLite transaction per write and a wide apply spends its time
/// queueing for the store's mutex, not calling the cloud. The queue turns that around:
/// callers hand their write (a body that runs inside a transaction) to one writer thread
/// and block; while one batch commits, new writes pile up, and the next batch runs all of
/// them in one transaction. A caller returns only after the transaction holding its write
/// has committed (or failed), so "durable before the call starts" and "committed before
/// dependents start" hold exactly as with one transaction per write.
///
/// The queue knows nothing about SQLite: `RunBatch` (supplied by the store) executes a
/// batch in order and fills every request's `result`. Requests are taken in arrival
/// order, so writes from one thread stay ordered and a batch's order is its arrival order.
/// The writer thread starts on the first Submit (stores that only read never start it)
/// and is joined by the destructor.
///
/// SubmitAsync queues a write without blocking: the queue owns the request and calls its
/// completion on the writer thread once the batch is done, so the applier's workers need
/// not sleep through a commit and a batch's completions run on one thread instead of
/// waking one thread each. A completion may Submit again (a retired job's dependents
/// write their journal rows): on the writer thread Submit runs its write as a batch of
/// one right there, since waiting for the writer from the writer would never end.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/result.h"

namespace capstan {

/// One write waiting for its batch. Lives on the submitting thread's stack.
struct CommitRequest {
  /// Runs inside the batch's transaction (on the writer thread); adds errors to *err.
  std::function<void(Diagnostics* err)> body;
  /// What the write is, for errors of the batch as a whole ("cannot journal ...").
  std::string what;
  /// Filled by RunBatch: empty when the write committed.
  Diagnostics result;

 private:
  friend class CommitQueue;
  // Set by SubmitAsync: called on the writer thread with `result`; the queue owns the
  // request then and deletes it afterwards.
  std::function<void(const Diagnostics&)> on_done_;
  // Completion has its own mutex so that waking a batch's writers does not make them
  // all queue for the queue's mutex (which the writer thread holds to take the next one).
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;  // guarded by mu_
};

class CommitQueue {
 public:
  /// Executes `batch` (in order) and sets each request's `result`.
  using RunBatch = std::function<void(const std::vector<CommitRequest*>& batch)>;

  explicit CommitQueue(RunBatch run);
  ~CommitQueue();  ///< Stop().
  CommitQueue(const CommitQueue&) = delete;
  CommitQueue& operator=(const CommitQueue&) = delete;

  /// Finishes what is queued, then joins the writer thread. Call before tearing down
  /// what RunBatch uses; Submit after Stop is a programming error.
  void Stop();

  /// Queues `req` and blocks until the batch holding it is done; returns req->result.
  Status Submit(CommitRequest& req);
  /// Queues `req` and returns at once; `done(result)` runs on the writer thread after the
  /// batch holding it, and may Submit (see above) but must not block on other work.
  void SubmitAsync(std::unique_ptr<CommitRequest> req,
                   std::function<void(const Diagnostics&)> done);

  /// Runs `fn` once the completions of the batch being reported have all run, when called
  /// from one of them on the writer thread (in call order); anywhere else, runs it now.
  /// The applier releases a whole batch's dependents with one hand-out this way.
  void AfterCompletions(std::function<void()> fn);

  /// Batches started so far, and writes waiting for the next one (for tests and benches).
  int batches() const;
  size_t queued() const;

 private:
  void Loop();
  void Enqueue(CommitRequest* req);  ///< Starts the writer if needed; takes mu_.
  bool OnWriterThread() const;
  // Filled by AfterCompletions during a batch's completions; only the writer touches it.
  std::vector<std::function<void()>> after_completions_;
  bool in_completions_ = false;  // writer thread only

  RunBatch run_;
  mutable std::mutex mu_;
  std::condition_variable work_cv_;
  std::vector<CommitRequest*> pending_;  // guarded by mu_
  bool stop_ = false;                    // guarded by mu_
  bool started_ = false;                 // guarded by mu_
  int batches_ = 0;                      // guarded by mu_
  std::thread thread_;
};

}  // namespace capstan
