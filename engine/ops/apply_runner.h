// NodeRunner: executes plan nodes for ApplyPlan — journal row, provider call, commit.
//
/// A node's provider call starts on a scheduler worker and may complete there or on the
/// provider's own thread (ResourceType::CallsCompleteLater); its result commit is handed
/// to the store's group commit without waiting (CommitResultAsync), and the node is
/// reported done — values recorded, events sent, dependents released — from the commit's
/// completion. The worker is free for other nodes meanwhile, and a batch of results
/// retires its nodes on the store's writer thread instead of waking one worker per node.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "engine/ops/applier.h"
#include "engine/ops/apply_values.h"
#include "engine/scheduler.h"

namespace capstan {

class NodeRunner {
 public:
  using Clock = std::chrono::steady_clock;
  /// Receives a node's final status; called exactly once per node, on any thread.
  using Finish = std::function<void(const Status&)>;

  NodeRunner(Workspace& ws, const Plan& plan, const std::string& run_id, Scheduler& sched,
             ApplyValues& values, ApplyReport& report, Clock::time_point t0);

  /// The scheduler's prepare hook: opens the journal rows of the nodes about to start in
  /// one transaction (a fan's thousand middles write one batch, not a thousand), before
  /// any of their provider calls can begin.
  void Prepare(const std::vector<int>& ids);
  /// The scheduler's runner: starts `node`; `done` hears its outcome.
  void Run(const ExecNode& node, const JobDone& done);

 private:
  /// The node's timing, counts and events; true when it succeeded.
  bool Record(const ExecNode& node, const std::string& addr, Clock::time_point started,
              const Status& st);
  /// Calls the provider (its row was journaled by Prepare) and commits the result.
  /// `finish` gets the outcome: from this thread when the node fails before its call,
  /// else from the commit's completion. The call itself may complete on the provider's
  /// own thread (ResourceType::CallsCompleteLater), so everything after it captures what
  /// it needs by value or lives in the plan and this NodeRunner, which outlast every node.
  void Execute(const ExecNode& node, const ResourceChange& c, const std::string& addr,
               const Finish& finish);
  /// A node that fails before or in its call closes its journal row with the error.
  /// Without waiting: a provider's completion thread (its event loop) must not block on
  /// the state. The node reports the call's error whatever the close's outcome.
  void Abort(int64_t row, const Status& st, const Finish& finish);
  /// Commits a delete: the instance (or its deposed object) leaves the state.
  void CommitDeleted(const ExecNode& node, const ResourceChange& c, int64_t row,
                     const Finish& finish);
  /// Commits a create or update: the object's new state (and, for the create of a
  /// create_before_destroy replacement, the old object as deposed) in one transaction.
  void CommitWritten(const ExecNode& node, const ResourceChange& c, int64_t row, ObjectState result,
                     std::set<std::string> sensitive, const Finish& finish);

  Workspace& ws_;
  const Plan& plan_;
  std::string run_id_;
  Scheduler& sched_;
  ApplyValues& values_;
  ApplyReport& report_;
  Clock::time_point t0_;
  /// A node's journal row, opened by Prepare before the node starts (id 0: not opened,
  /// and `error` says why). Written by the preparing thread, read by the node's worker.
  struct Journal {
    int64_t id = 0;
    Status error;
  };
  std::vector<Journal> journal_;
  std::mutex report_mu_;  ///< Guards report_ and last_id_ (nodes finish on many threads).
  std::map<int, std::string> last_id_;
};

}  // namespace capstan
