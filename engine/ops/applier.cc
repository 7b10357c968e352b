// ApplyPlan: run the plan's execution graph; journal, call, commit per node.
#include "engine/ops/applier.h"

#include <chrono>
#include <condition_variable>
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

class Runner {
 public:
  Runner(Workspace& ws, const Plan& plan, const std::string& run_id, Scheduler& sched,
         ApplyValues& values)
      : ws_(ws), plan_(plan), run_id_(run_id), sched_(sched), values_(values) {}

  bool Run(const ExecNode& node, ApplyReport& report, std::mutex& report_mu, Clock::time_point t0) {
    const ResourceChange& c = plan_.changes[node.change];
    std::string addr = c.address.ToString();
    const char* verb = Verb(node.op);
    ws_.events().OnEvent(Event::Of(Event::Kind::kOpStart, addr, verb));
    auto started = Clock::now();
    Status st = Execute(node, c, addr);
    double secs = SecondsSince(started);
    std::lock_guard<std::mutex> lock(report_mu);
    report.timings.push_back(
        {addr, verb, std::chrono::duration<double>(started - t0).count(), secs, !st.HasErrors()});
    if (st.HasErrors()) {
      ++report.failed;
      for (auto d : st.items()) {
        if (d.address.empty()) d.address = addr;
        report.diags.Add(d);
      }
      Event e = Event::Of(Event::Kind::kOpFailed, addr, verb, st.items().front().summary);
      e.elapsed_seconds = secs;
      ws_.events().OnEvent(e);
      return false;
    }
    switch (node.op) {
      case OpKind::kCreate:
        ++report.created;
        break;
      case OpKind::kUpdate:
        ++report.updated;
        break;
      default:
        ++report.deleted;
    }
    Event e = Event::Of(Event::Kind::kOpDone, addr, verb);
    e.elapsed_seconds = secs;
    e.id = last_id_.count(node.id) ? last_id_[node.id] : std::string();
    ws_.events().OnEvent(e);
    return true;
  }

 private:
  Status Execute(const ExecNode& node, const ResourceChange& c, const std::string& addr) {
    auto type = ws_.GetType(c.provider, c.type);
    if (!type.ok()) return type.diags();
    CallContext ctx;
    ctx.stack = ws_.stack();
    ctx.address = c.address;
    ctx.cancel = sched_.cancel_flag();
    if (node.op == OpKind::kCreate && c.action == Action::kCreateThenDelete)
      ctx.replacing_id = c.id;
    ctx.progress = [&](const std::string& msg) {
      ws_.events().OnEvent(Event::Of(Event::Kind::kOpProgress, addr, Verb(node.op), msg));
    };
    StateStore& store = ws_.state();
    const std::string& stack = ws_.stack();

    if (node.op == OpKind::kDelete || node.op == OpKind::kDeleteDeposed) {
      std::string deposed = c.deposed_key;
      if (node.op == OpKind::kDeleteDeposed && deposed.empty()) deposed = DeposedKeyFor(c.id);
      auto j = store.JournalBegin(stack, run_id_, addr, Verb(node.op), c.id);
      if (!j.ok()) return j.diags();
      Status st = type.value()->Delete(ctx, ObjectState{c.id, c.before});
      if (st.HasErrors()) {
        store.CommitResult(stack, j.value(), "error: " + st.items().front().summary, {});
        return st;
      }
      InstanceWrite w;
      w.kind = InstanceWrite::Kind::kRemove;
      w.instance.address = c.address;
      w.instance.deposed_key = deposed;
      return store.CommitResult(stack, j.value(), "ok", {w});
    }

    // Create or update: evaluate properties with the real values of dependencies.
    auto props = values_.PropertiesFor(c, *type.value());
    if (!props.ok()) return props.diags();
    std::set<std::string> sensitive = props->sensitive;
    sensitive.insert(c.sensitive.begin(), c.sensitive.end());

    auto j = store.JournalBegin(stack, run_id_, addr, Verb(node.op), c.id);
    if (!j.ok()) return j.diags();
    Result<ObjectState> result =
        node.op == OpKind::kCreate
            ? type.value()->Create(ctx, props->value)
            : type.value()->Update(ctx, ObjectState{c.id, c.before}, props->value);
    if (!result.ok()) {
      store.CommitResult(stack, j.value(), "error: " + result.diags().items().front().summary, {});
      return result.diags();
    }
    InstanceState inst;
    inst.address = c.address;
    inst.type = c.type;
    inst.provider = c.provider;
    inst.id = result->id;
    inst.attributes = result->attributes;
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
    writes.push_back(InstanceWrite{InstanceWrite::Kind::kPut, inst});
    Status st = store.CommitResult(stack, j.value(), "ok", writes);
    if (st.HasErrors()) return st;
    values_.Record(c.address, inst.attributes, sensitive);
    std::lock_guard<std::mutex> lock(id_mu_);
    last_id_[node.id] = inst.id;
    return {};
  }

  Workspace& ws_;
  const Plan& plan_;
  std::string run_id_;
  Scheduler& sched_;
  ApplyValues& values_;
  std::mutex id_mu_;
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
  std::vector<Job> jobs;
  for (const auto& n : plan.exec) {
    Job j;
    j.id = n.id;
    j.after = n.after;
    j.pool = plan.changes[n.change].provider;
    auto p = ws.GetProvider(j.pool);
    if (p.ok() && p.value()->MaxConcurrency() > 0)
      sopts.pools[j.pool] = p.value()->MaxConcurrency();
    jobs.push_back(std::move(j));
  }
  Scheduler sched(sopts);
  ApplyValues values(ws, plan);
  Runner runner(ws, plan, record.id, sched, values);
  std::mutex report_mu;
  interrupts::SetActive(&sched);
  ScheduleResult sr = sched.Run(
      jobs, [&](const Job& job) { return runner.Run(plan.exec[job.id], report, report_mu, t0); });
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
