// The write-ahead journal and the run history.
//
/// The journal is what makes a crash survivable: a row is opened before each mutating
/// provider call and closed in the same transaction that stores the call's result, so
/// after a crash an open row means exactly "this call may or may not have happened".
/// JournalBegin and ResolveJournal do not bump the serial: they record intent, not state.
/// JournalBegin(Many) and CommitResult are group-committed (commit_queue.h,
/// store_batch.cc): each returns only after the transaction holding its write has
/// committed. JournalBeginMany opens the rows of a wave of operations the scheduler starts
/// together in one write; CommitResultAsync hands its write over and reports through a
/// callback on the writer thread, so the caller does not sleep through the commit.
#include "engine/hash.h"
#include "state/crash_point.h"
#include "state/sqlite_store.h"

namespace capstan {
namespace {

using sqlite::Quoted;

/// What a failed result write says it was.
std::string ResultWhat(const std::string& stack, int64_t journal_id) {
  std::string what = "cannot record the result";
  if (journal_id != 0) what += " of journal entry " + std::to_string(journal_id);
  return what + " in stack " + Quoted(stack);
}

}  // namespace

Result<int64_t> SqliteStore::JournalBegin(const std::string& stack, const std::string& run_id,
                                          const std::string& address, const std::string& action,
                                          const std::string& detail) {
  auto ids = JournalBeginMany(stack, run_id, {JournalIntent{address, action, detail}});
  if (!ids.ok()) return ids.diags();
  return ids->front();
}

Result<std::vector<int64_t>> SqliteStore::JournalBeginMany(const std::string& stack,
                                                           const std::string& run_id,
                                                           const std::vector<JournalIntent>& ops) {
  std::vector<int64_t> ids;
  if (ops.empty()) return ids;
  CommitRequest req;
  req.what = "cannot journal " + ops.front().action + " of " + ops.front().address;
  if (ops.size() > 1) req.what += " (and " + std::to_string(ops.size() - 1) + " more)";
  req.what += " in stack " + Quoted(stack);
  req.body = [&](Diagnostics* err) {
    if (!EnsureStack(stack, err)) return;
    int64_t now = NowSeconds();
    for (const JournalIntent& op : ops) {
      // A statement per row: the borrowed statement is reset when it goes out of scope.
      auto st = stmts_.Get(
          "INSERT INTO journal(stack, run_id, address, action, detail, started_at) "
          "VALUES (?,?,?,?,?,?)",
          err);
      if (!st.valid() || !st.Bind(1, stack)
                              .Bind(2, run_id)
                              .Bind(3, op.address)
                              .Bind(4, op.action)
                              .Bind(5, op.detail)
                              .Bind(6, now)
                              .Run(err, req.what)) {
        ids.clear();
        return;
      }
      ids.push_back(sqlite3_last_insert_rowid(db_));
    }
  };
  // Returns once the transaction holding the rows has committed (group commit).
  Status st = queue_.Submit(req);
  if (st.HasErrors()) return st;
  for (size_t i = 0; i < ids.size(); ++i) {
    crash_point::Began(ids[i], ops[i].address);  // testing hook, inert unless CAPSTAN_CRASH_AT
  }
  return ids;
}

void SqliteStore::WriteResult(const std::string& stack, int64_t journal_id,
                              const std::string& outcome, const std::vector<InstanceWrite>& writes,
                              const std::string& what, Diagnostics* txn_err) {
  MutateInTransaction(
      stack, what,
      [&](int64_t serial, Diagnostics* err) {
        if (journal_id != 0) {
          auto st = stmts_.Get(
              "UPDATE journal SET closed_at = ?, outcome = ? "
              "WHERE id = ? AND stack = ? AND closed_at IS NULL",
              err);
          if (!st.valid() || !st.Bind(1, NowSeconds())
                                  .Bind(2, outcome)
                                  .Bind(3, journal_id)
                                  .Bind(4, stack)
                                  .Run(err, what)) {
            return;
          }
          if (sqlite3_changes(db_) == 0) {
            err->Error(what, "journal entry " + std::to_string(journal_id) +
                                 " is not open in this stack (already closed or never begun)");
            return;
          }
        }
        for (const InstanceWrite& w : writes) {
          bool ok = w.kind == InstanceWrite::Kind::kPut
                        ? WriteInstance(stack, w.instance, serial, err)
                        : DeleteInstance(stack, w.instance.address.ToString(),
                                         w.instance.deposed_key, err);
          if (!ok) return;
        }
      },
      txn_err);
}

Status SqliteStore::CommitResult(const std::string& stack, int64_t journal_id,
                                 const std::string& outcome,
                                 const std::vector<InstanceWrite>& writes) {
  if (journal_id != 0) crash_point::Committing(journal_id);
  CommitRequest req;
  req.what = ResultWhat(stack, journal_id);
  req.body = [&](Diagnostics* txn_err) {
    WriteResult(stack, journal_id, outcome, writes, req.what, txn_err);
  };
  // Returns once the transaction holding the writes has committed (group commit).
  Status st = queue_.Submit(req);
  if (journal_id != 0 && !st.HasErrors()) crash_point::Committed(journal_id);
  return st;
}

void SqliteStore::CommitResultAsync(const std::string& stack, int64_t journal_id,
                                    std::string outcome, std::vector<InstanceWrite> writes,
                                    CommitDone done) {
  if (journal_id != 0) crash_point::Committing(journal_id);
  auto req = std::make_unique<CommitRequest>();
  req->what = ResultWhat(stack, journal_id);
  // The request (and so its body) lives until its completion has run: the body may
  // refer to the request's own fields.
  CommitRequest* self = req.get();
  req->body = [this, self, stack, journal_id, outcome = std::move(outcome),
               writes = std::move(writes)](Diagnostics* txn_err) {
    WriteResult(stack, journal_id, outcome, writes, self->what, txn_err);
  };
  queue_.SubmitAsync(std::move(req),
                     [journal_id, done = std::move(done)](const Diagnostics& result) {
                       if (journal_id != 0 && !result.HasErrors())
                         crash_point::Committed(journal_id);
                       done(result);
                     });
}

Result<std::vector<JournalEntry>> SqliteStore::OpenJournal(const std::string& stack) {
  std::lock_guard lock(mu_);
  Diagnostics err;
  auto st = stmts_.Get(
      "SELECT id, run_id, address, action, detail, started_at FROM journal "
      "WHERE stack = ? AND closed_at IS NULL ORDER BY id",
      &err);
  if (!st.valid()) return err;
  std::vector<JournalEntry> out;
  st.Bind(1, stack);
  while (st.Step(&err, "cannot read the journal of stack " + Quoted(stack))) {
    JournalEntry e;
    e.id = st.Int(0);
    e.stack = stack;
    e.run_id = st.Text(1);
    e.address = st.Text(2);
    e.action = st.Text(3);
    e.detail = st.Text(4);
    e.started_at = st.Int(5);
    out.push_back(std::move(e));
  }
  if (err.HasErrors()) return err;
  return out;
}

Status SqliteStore::ResolveJournal(const std::string& stack, const std::string& outcome) {
  std::lock_guard lock(mu_);
  Diagnostics err;
  auto st = stmts_.Get(
      "UPDATE journal SET closed_at = ?, outcome = ? WHERE stack = ? AND closed_at IS NULL", &err);
  if (st.valid()) {
    st.Bind(1, NowSeconds())
        .Bind(2, outcome)
        .Bind(3, stack)
        .Run(&err, "cannot resolve the journal of stack " + Quoted(stack));
  }
  return err;
}

Result<RunRecord> SqliteStore::BeginRun(const std::string& stack, const std::string& command) {
  std::lock_guard lock(mu_);
  Diagnostics err;
  const std::string what = "cannot record the start of " + command + " on stack " + Quoted(stack);
  sqlite::Transaction txn(db_, &err, what);
  if (!txn.active() || !EnsureStack(stack, &err)) return err;
  RunRecord run;
  run.id = NewUuid();
  run.stack = stack;
  run.command = command;
  run.started_at = NowSeconds();
  run.status = "running";
  {
    auto st = stmts_.Get("SELECT serial FROM stacks WHERE name = ?", &err);
    if (!st.valid()) return err;
    if (st.Bind(1, stack).Step(&err, what)) run.serial_before = st.Int(0);
    if (err.HasErrors()) return err;
  }
  auto st = stmts_.Get(
      "INSERT INTO runs(id, stack, command, started_at, status, serial_before) "
      "VALUES (?,?,?,?,?,?)",
      &err);
  if (!st.valid() || !st.Bind(1, run.id)
                          .Bind(2, stack)
                          .Bind(3, command)
                          .Bind(4, run.started_at)
                          .Bind(5, run.status)
                          .Bind(6, run.serial_before)
                          .Run(&err, what)) {
    return err;
  }
  if (!txn.Commit(&err)) return err;
  return run;
}

Status SqliteStore::EndRun(const RunRecord& run) {
  std::lock_guard lock(mu_);
  Diagnostics err;
  const std::string what =
      "cannot record the end of run " + run.id + " on stack " + Quoted(run.stack);
  auto st = stmts_.Get(
      "UPDATE runs SET finished_at = ?, status = ?, summary = ?, "
      "serial_after = (SELECT serial FROM stacks WHERE name = runs.stack) WHERE id = ?",
      &err);
  if (!st.valid() ||
      !st.Bind(1, run.finished_at != 0 ? run.finished_at : NowSeconds())
           .Bind(2, run.status == "running" || run.status.empty() ? "ok" : run.status)
           .Bind(3, run.summary)
           .Bind(4, run.id)
           .Run(&err, what)) {
    return err;
  }
  if (sqlite3_changes(db_) == 0) err.Error(what, "no such run in the history");
  return err;
}

Result<std::vector<RunRecord>> SqliteStore::History(const std::string& stack) {
  std::lock_guard lock(mu_);
  Diagnostics err;
  auto st = stmts_.Get(
      "SELECT id, command, started_at, finished_at, status, summary, serial_before, "
      "serial_after FROM runs WHERE stack = ? ORDER BY started_at DESC, rowid DESC",
      &err);
  if (!st.valid()) return err;
  std::vector<RunRecord> out;
  st.Bind(1, stack);
  while (st.Step(&err, "cannot read the history of stack " + Quoted(stack))) {
    RunRecord r;
    r.id = st.Text(0);
    r.stack = stack;
    r.command = st.Text(1);
    r.started_at = st.Int(2);
    r.finished_at = st.Int(3);
    r.status = st.Text(4);
    r.summary = st.Text(5);
    r.serial_before = st.Int(6);
    r.serial_after = st.Int(7);
    out.push_back(std::move(r));
  }
  if (err.HasErrors()) return err;
  return out;
}

}  // namespace capstan
