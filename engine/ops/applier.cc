// ApplyPlan: run the plan's execution graph; journal, call, commit per node.
#include "engine/ops/applier.h"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "engine/hash.h"
#include "engine/ops/apply_values.h"
#include "engine/ops/interrupts.h"
#include "engine/scheduler.h"

namespace capstan {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

/// Renews the stack lock in the background while a run lasts.
class LeaseKeeper {
 public:
  LeaseKeeper(StateStore& store, LockInfo lock, int lease)
      : store_(store), lock_(std::move(lock)), lease_(lease), thread_([this] { Loop(); }) {}
  ~LeaseKeeper() {
    {
      std::lock_guard<std::mutex> l(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  void Loop() {
    std::unique_lock<std::mutex> l(mu_);
    while (!cv_.wait_for(l, std::chrono::seconds(std::max(1, lease_ / 3)), [&] { return stop_; })) {
      store_.RenewLock(lock_, lease_);
    }
  }
  StateStore& store_;
  LockInfo lock_;
  int lease_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

/// The action name events and the journal carry: the plan format's op names.
const char* Verb(OpKind k) { return OpKindName(k); }

/// The deposed key given to the old object of a create_before_destroy replacement:
/// derived from its id so a re-run after a crash finds the same row.
std::string DeposedKeyFor(const std::string& old_id) { return Sha256Hex(old_id).substr(0, 8); }

/// Runs plan nodes. A node's provider call runs on a scheduler worker; its result commit
/// is handed to the store's group commit without waiting (CommitResultAsync), and the node
/// is reported done — values recorded, events sent, dependents released — from the
/// commit's completion. The worker is free for other nodes meanwhile, and a batch of
/// results retires its nodes on the store's writer thread instead of waking one worker
/// per node to do it.
class Runner {
 public:
  /// Receives a node's final status; called exactly once per node, on any thread.
  using Finish = std::function<void(const Status&)>;

  Runner(Workspace& ws, const Plan& plan, const std::string& run_id, Scheduler& sched,
         ApplyValues& values, ApplyReport& report, Clock::time_point t0)
      : ws_(ws),
        plan_(plan),
        run_id_(run_id),
        sched_(sched),
        values_(values),
        report_(report),
        t0_(t0),
        journal_(plan.exec.size()) {}

  /// The scheduler's prepare hook: opens the journal rows of the nodes about to start in
  /// one transaction (a fan's thousand middles write one batch, not a thousand), before
  /// any of their provider calls can begin.
  void Prepare(const std::vector<int>& ids) {
    std::vector<JournalIntent> ops;
    ops.reserve(ids.size());
    for (int id : ids) {
      const ExecNode& n = plan_.exec[id];
      const ResourceChange& c = plan_.changes[n.change];
      ops.push_back({c.address.ToString(), Verb(n.op), c.id});
    }
    auto rows = ws_.state().JournalBeginMany(ws_.stack(), run_id_, ops);
    for (size_t i = 0; i < ids.size(); ++i) {
      Journal& j = journal_[ids[i]];
      if (rows.ok()) {
        j.id = rows.value()[i];
      } else {
        j.error = rows.diags();
      }
    }
  }

  void Run(const ExecNode& node, const JobDone& done) {
    const ResourceChange& c = plan_.changes[node.change];
    std::string addr = c.address.ToString();
    ws_.events().OnEvent(Event::Of(Event::Kind::kOpStart, addr, Verb(node.op)));
    auto started = Clock::now();
    Execute(node, c, addr, [this, &node, addr, started, done](const Status& st) {
      // From a group commit's completions, the nodes of the batch are reported one by one
      // and their dependents started together once the batch is reported (one journal
      // write for all of them); from a worker, AfterCommitCompletions hands out at once.
      // Nothing of this Runner may be touched after the report: the last one ends the run.
      StateStore& store = ws_.state();
      done.ReportOnly(Record(node, addr, started, st));
      store.AfterCommitCompletions([done] { done.HandOut(); });
    });
  }

 private:
  /// The node's timing, counts and events; true when it succeeded.
  bool Record(const ExecNode& node, const std::string& addr, Clock::time_point started,
              const Status& st) {
    const char* verb = Verb(node.op);
    double secs = SecondsSince(started);
    std::lock_guard<std::mutex> lock(report_mu_);
    report_.timings.push_back(
        {addr, verb, std::chrono::duration<double>(started - t0_).count(), secs, !st.HasErrors()});
    if (st.HasErrors()) {
      ++report_.failed;
      for (auto d : st.items()) {
        if (d.address.empty()) d.address = addr;
        report_.diags.Add(d);
      }
      Event e = Event::Of(Event::Kind::kOpFailed, addr, verb, st.items().front().summary);
      e.elapsed_seconds = secs;
      ws_.events().OnEvent(e);
      return false;
    }
    switch (node.op) {
      case OpKind::kCreate:
        ++report_.created;
        break;
      case OpKind::kUpdate:
        ++report_.updated;
        break;
      default:
        ++report_.deleted;
    }
    Event e = Event::Of(Event::Kind::kOpDone, addr, verb);
    e.elapsed_seconds = secs;
    auto id = last_id_.find(node.id);
    if (id != last_id_.end()) e.id = id->second;
    ws_.events().OnEvent(e);
    return true;
  }

  /// Calls the provider (its row was journaled by Prepare) and commits the result.
  /// `finish` gets the outcome: from this thread when the node fails before its call,
  /// else from the commit's completion. The call itself may complete on the provider's
  /// own thread (ResourceType::CallsCompleteLater), so everything after it captures what
  /// it needs by value or lives in the plan and this Runner, which outlast every node.
  void Execute(const ExecNode& node, const ResourceChange& c, const std::string& addr,
               const Finish& finish) {
    const Journal& journal = journal_[node.id];
    if (journal.id == 0) {
      if (journal.error.HasErrors()) return finish(journal.error);
      Status st;
      st.Error("internal error: " + addr + " started without a journal row");
      return finish(st);
    }
    const int64_t row = journal.id;
    auto type = ws_.GetType(c.provider, c.type);
    if (!type.ok()) return Abort(row, type.diags(), finish);
    CallContext ctx;
    ctx.stack = ws_.stack();
    ctx.address = c.address;
    ctx.cancel = sched_.cancel_flag();
    if (node.op == OpKind::kCreate && c.action == Action::kCreateThenDelete)
      ctx.replacing_id = c.id;
    ctx.progress = [events = &ws_.events(), addr, verb = Verb(node.op)](const std::string& msg) {
      events->OnEvent(Event::Of(Event::Kind::kOpProgress, addr, verb, msg));
    };

    if (node.op == OpKind::kDelete || node.op == OpKind::kDeleteDeposed) {
      type.value()->DeleteAsync(std::move(ctx), ObjectState{c.id, c.before},
                                [this, &node, &c, row, finish](Status st) {
                                  if (st.HasErrors()) return Abort(row, st, finish);
                                  CommitDeleted(node, c, row, finish);
                                });
      return;
    }

    // Create or update: evaluate properties with the real values of dependencies.
    auto props = values_.PropertiesFor(c, *type.value());
    if (!props.ok()) return Abort(row, props.diags(), finish);
    std::set<std::string> sensitive = std::move(props->sensitive);
    sensitive.insert(c.sensitive.begin(), c.sensitive.end());
    auto committed = [this, &node, &c, row, sensitive = std::move(sensitive),
                      finish](Result<ObjectState> result) mutable {
      if (!result.ok()) return Abort(row, result.diags(), finish);
      CommitWritten(node, c, row, std::move(result.value()), std::move(sensitive), finish);
    };
    if (node.op == OpKind::kCreate) {
      type.value()->CreateAsync(std::move(ctx), std::move(props->value), std::move(committed));
    } else {
      type.value()->UpdateAsync(std::move(ctx), ObjectState{c.id, c.before},
                                std::move(props->value), std::move(committed));
    }
  }

  /// A node that fails before or in its call closes its journal row with the error.
  /// Without waiting: a provider's completion thread (its event loop) must not block on
  /// the state. The node reports the call's error whatever the close's outcome.
  void Abort(int64_t row, const Status& st, const Finish& finish) {
    ws_.state().CommitResultAsync(ws_.stack(), row, "error: " + st.items().front().summary, {},
                                  [st, finish](const Status&) { finish(st); });
  }

  /// Commits a delete: the instance (or its deposed object) leaves the state.
  void CommitDeleted(const ExecNode& node, const ResourceChange& c, int64_t row,
                     const Finish& finish) {
    std::string deposed = c.deposed_key;
    if (node.op == OpKind::kDeleteDeposed && deposed.empty()) deposed = DeposedKeyFor(c.id);
    InstanceWrite w;
    w.kind = InstanceWrite::Kind::kRemove;
    w.instance.address = c.address;
    w.instance.deposed_key = deposed;
    ws_.state().CommitResultAsync(ws_.stack(), row, "ok", {w}, finish);
  }

  /// Commits a create or update: the object's new state (and, for the create of a
  /// create_before_destroy replacement, the old object as deposed) in one transaction.
  void CommitWritten(const ExecNode& node, const ResourceChange& c, int64_t row, ObjectState result,
                     std::set<std::string> sensitive, const Finish& finish) {
    InstanceState inst;
    inst.address = c.address;
    inst.type = c.type;
    inst.provider = c.provider;
    inst.id = result.id;
    inst.attributes = result.attributes;  // a copy: the node's values keep theirs
    inst.sensitive = sensitive;
    inst.dependencies = c.dependencies;
    inst.create_before_destroy = c.create_before_destroy;
    std::vector<InstanceWrite> writes;
    if (node.op == OpKind::kCreate && c.action == Action::kCreateThenDelete) {
      // The old object becomes deposed in the same transaction the new one lands.
      InstanceWrite old;
      old.instance.address = c.address;
      old.instance.type = c.type;
      old.instance.provider = c.provider;
      old.instance.id = c.id;
      old.instance.attributes = c.before;
      old.instance.sensitive = c.sensitive;
      old.instance.dependencies = c.prior_dependencies;
      old.instance.status = InstanceStatus::kDeposed;
      old.instance.deposed_key = DeposedKeyFor(c.id);
      writes.push_back(std::move(old));
    }
    writes.push_back(InstanceWrite{InstanceWrite::Kind::kPut, std::move(inst)});
    // Dependents read these values once this node is done, which is after the commit. They
    // wait in one shared block: the completion is copied on its way, the values are not.
    auto kept = std::make_shared<ObjectState>(std::move(result));
    ws_.state().CommitResultAsync(
        ws_.stack(), row, "ok", std::move(writes),
        [this, &node, &c, kept,
         sensitive = std::make_shared<std::set<std::string>>(std::move(sensitive)),
         finish](const Status& st) {
          if (!st.HasErrors()) {
            values_.Record(c.address, std::move(kept->attributes), std::move(*sensitive));
            std::lock_guard<std::mutex> lock(report_mu_);
            last_id_[node.id] = std::move(kept->id);
          }
          finish(st);
        });
  }

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

}  // namespace

std::string ApplyReport::Summary() const {
  return std::to_string(created) + " added, " + std::to_string(updated) + " changed, " +
         std::to_string(deleted) + " destroyed" +
         (forgotten > 0 ? ", " + std::to_string(forgotten) + " forgotten (already gone)" : "") +
         ".";
}

Status CheckPlanFresh(Workspace& ws, const Plan& plan) {
  Status st;
  if (plan.stack != ws.stack()) {
    st.Error("The plan file is for stack \"" + plan.stack + "\", not \"" + ws.stack() + "\"");
    return st;
  }
  // Lineage and serial only: reading every instance here cost a large stack a full load.
  auto state = ws.state().LoadHead(ws.stack());
  if (!state.ok()) return state.diags();
  if (!plan.lineage.empty() && state->lineage != plan.lineage) {
    st.Error("Saved plan does not match the given state",
             "The plan was made from state lineage " + plan.lineage + ", but the state is " +
                 state->lineage + ". Run `capstan plan` again.");
  } else if (state->serial != plan.serial) {
    st.Error("Saved plan is stale",
             "The state changed since the plan was made (serial " + std::to_string(plan.serial) +
                 " → " + std::to_string(state->serial) +
                 "). Run `capstan plan --out FILE` again and apply the new plan.");
  }
  if (ws.config() && ws.config()->config_hash() != plan.config_hash) {
    st.Error("Saved plan is stale: the configuration changed",
             "The stack files differ from those the plan was made from. Run `capstan plan "
             "--out FILE` again.");
  }
  return st;
}

Result<ApplyReport> ApplyPlan(Workspace& ws, const Plan& plan, const ApplyOptions& opts) {
  Status fresh = CheckPlanFresh(ws, plan);
  if (fresh.HasErrors()) return fresh;
  auto lock = ws.state().Lock(ws.stack(), opts.command, opts.lock_lease_seconds);
  if (!lock.ok()) return lock.diags();
  Diagnostics warnings = lock.diags();
  LeaseKeeper keeper(ws.state(), lock.value(), opts.lock_lease_seconds);

  auto run = ws.state().BeginRun(ws.stack(), opts.command);
  if (!run.ok()) {
    ws.state().Unlock(lock.value());
    return run.diags();
  }
  RunRecord record = run.value();
  // Interrupted operations of earlier runs were looked up by the planner (refresh and
  // adoption); close their journal rows now.
  ws.state().ResolveJournal(ws.stack(), "resolved by run " + record.id);

  ApplyReport report;
  report.diags.Append(warnings);
  auto t0 = Clock::now();

  // Objects refresh found gone: drop their state entries (no provider call, nothing to
  // order). The plan is fresh, so each row is still the one refresh missed.
  std::vector<InstanceWrite> forgets;
  for (const ResourceChange& c : plan.changes) {
    if (c.action != Action::kForget) continue;
    InstanceWrite w;
    w.kind = InstanceWrite::Kind::kRemove;
    w.instance.address = c.address;
    w.instance.deposed_key = c.deposed_key;
    forgets.push_back(std::move(w));
  }
  if (!forgets.empty()) {
    Status st = ws.state().CommitResult(ws.stack(), 0, "", forgets);
    if (st.HasErrors()) {
      report.diags.Append(st);
      ++report.failed;
    } else {
      report.forgotten = static_cast<int>(forgets.size());
    }
  }

  SchedulerOptions sopts;
  sopts.parallelism = std::max(1, opts.parallelism);
  // When every call of the plan completes later (no provider blocks a thread for its
  // call), a few threads start any number of calls: see SchedulerOptions::quick_runners.
  sopts.quick_runners = !plan.exec.empty();
  std::vector<Job> jobs;
  for (const auto& n : plan.exec) {
    const ResourceChange& c = plan.changes[n.change];
    Job j;
    j.id = n.id;
    j.after = n.after;
    j.pool = c.provider;
    auto p = ws.GetProvider(j.pool);
    if (p.ok() && p.value()->MaxConcurrency() > 0)
      sopts.pools[j.pool] = p.value()->MaxConcurrency();
    if (sopts.quick_runners) {
      auto type = ws.GetType(c.provider, c.type);
      sopts.quick_runners = type.ok() && type.value()->CallsCompleteLater();
    }
    jobs.push_back(std::move(j));
  }
  Scheduler sched(sopts);
  ApplyValues values(ws, plan);
  Runner runner(ws, plan, record.id, sched, values, report, t0);
  interrupts::SetActive(&sched);
  ScheduleResult sr = sched.RunAsync(
      jobs, [&](const Job& job, const JobDone& done) { runner.Run(plan.exec[job.id], done); },
      [&](const std::vector<int>& ids) { runner.Prepare(ids); });
  interrupts::SetActive(nullptr);
  report.interrupted = sr.interrupted;
  for (size_t i = 0; i < sr.outcomes.size(); ++i) {
    const ResourceChange& c = plan.changes[plan.exec[i].change];
    if (sr.outcomes[i] == JobOutcome::kSkipped) {
      ++report.skipped;
      ws.events().OnEvent(Event::Of(Event::Kind::kOpSkipped, c.address.ToString(),
                                    Verb(plan.exec[i].op), "skipped: a dependency failed"));
    } else if (sr.outcomes[i] == JobOutcome::kNotStarted) {
      ++report.not_started;
    }
  }

  // Outputs: evaluate with the final values; keep old values of outputs still unknown.
  Status out_st = values.WriteOutputs(plan, report.ok());
  report.diags.Append(out_st);

  report.seconds = SecondsSince(t0);
  record.finished_at = static_cast<int64_t>(std::time(nullptr));
  record.status = report.interrupted ? "interrupted" : (report.ok() ? "ok" : "error");
  record.summary = report.Summary();
  ws.state().EndRun(record);  // records serial_after itself, from the stack's row
  ws.state().Unlock(lock.value());
  if (report.interrupted) {
    report.diags.Error("Interrupted: the run stopped early",
                       std::to_string(report.not_started) +
                           " operation(s) were not started. State is saved; run `capstan apply` "
                           "again to finish.");
  }
  return report;
}

}  // namespace capstan
