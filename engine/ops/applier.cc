// ApplyPlan: run the plan's execution graph; journal, call, commit per node.
#include "engine/ops/applier.h"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "engine/ops/apply_runner.h"
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
  NodeRunner runner(ws, plan, record.id, sched, values, report, t0);
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
                                    OpKindName(plan.exec[i].op), "skipped: a dependency failed"));
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
