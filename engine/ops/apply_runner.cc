// NodeRunner (see apply_runner.h): journal rows, provider calls and result commits.
#include "engine/ops/apply_runner.h"

#include <memory>
#include <utility>

#include "engine/hash.h"

namespace capstan {
namespace {

/// The action name events and the journal carry: the plan format's op names.
const char* Verb(OpKind k) { return OpKindName(k); }

/// The deposed key given to the old object of a create_before_destroy replacement:
/// derived from its id so a re-run after a crash finds the same row.
std::string DeposedKeyFor(const std::string& old_id) { return Sha256Hex(old_id).substr(0, 8); }

double ElapsedSince(NodeRunner::Clock::time_point t0) {
  return std::chrono::duration<double>(NodeRunner::Clock::now() - t0).count();
}

}  // namespace

NodeRunner::NodeRunner(Workspace& ws, const Plan& plan, const std::string& run_id, Scheduler& sched,
                       ApplyValues& values, ApplyReport& report, Clock::time_point t0)
    : ws_(ws),
      plan_(plan),
      run_id_(run_id),
      sched_(sched),
      values_(values),
      report_(report),
      t0_(t0),
      journal_(plan.exec.size()) {}

void NodeRunner::Prepare(const std::vector<int>& ids) {
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

void NodeRunner::Run(const ExecNode& node, const JobDone& done) {
  const ResourceChange& c = plan_.changes[node.change];
  std::string addr = c.address.ToString();
  ws_.events().OnEvent(Event::Of(Event::Kind::kOpStart, addr, Verb(node.op)));
  auto started = Clock::now();
  Execute(node, c, addr, [this, &node, addr, started, done](const Status& st) {
    // From a group commit's completions, the nodes of the batch are reported one by one
    // and their dependents started together once the batch is reported (one journal
    // write for all of them); from a worker, AfterCommitCompletions hands out at once.
    // Nothing of this NodeRunner may be touched after the report: the last one ends the run.
    StateStore& store = ws_.state();
    done.ReportOnly(Record(node, addr, started, st));
    store.AfterCommitCompletions([done] { done.HandOut(); });
  });
}

bool NodeRunner::Record(const ExecNode& node, const std::string& addr, Clock::time_point started,
                        const Status& st) {
  const char* verb = Verb(node.op);
  double secs = ElapsedSince(started);
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

void NodeRunner::Execute(const ExecNode& node, const ResourceChange& c, const std::string& addr,
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
  if (node.op == OpKind::kCreate && c.action == Action::kCreateThenDelete) ctx.replacing_id = c.id;
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
    type.value()->UpdateAsync(std::move(ctx), ObjectState{c.id, c.before}, std::move(props->value),
                              std::move(committed));
  }
}

void NodeRunner::Abort(int64_t row, const Status& st, const Finish& finish) {
  ws_.state().CommitResultAsync(ws_.stack(), row, "error: " + st.items().front().summary, {},
                                [st, finish](const Status&) { finish(st); });
}

void NodeRunner::CommitDeleted(const ExecNode& node, const ResourceChange& c, int64_t row,
                               const Finish& finish) {
  std::string deposed = c.deposed_key;
  if (node.op == OpKind::kDeleteDeposed && deposed.empty()) deposed = DeposedKeyFor(c.id);
  InstanceWrite w;
  w.kind = InstanceWrite::Kind::kRemove;
  w.instance.address = c.address;
  w.instance.deposed_key = deposed;
  ws_.state().CommitResultAsync(ws_.stack(), row, "ok", {w}, finish);
}

void NodeRunner::CommitWritten(const ExecNode& node, const ResourceChange& c, int64_t row,
                               ObjectState result, std::set<std::string> sensitive,
                               const Finish& finish) {
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

}  // namespace capstan
