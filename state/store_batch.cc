// Group commit: running one CommitQueue batch in one SQLite transaction.
//
/// Each write of the batch runs inside its own SAVEPOINT, so a write that fails is rolled
/// back alone and reports its own error, exactly as if it had had a transaction to itself;
/// the others commit. When the shared transaction cannot begin or commit, or an error made
/// SQLite abandon it (SQLITE_FULL or SQLITE_IOERR may), nothing of the batch is written and
/// every write in it fails with an error naming its own operation. Callers treat those
/// like any failed write: the journal row or result was not stored, and the node fails.
///
/// Each result write bumps its stack's serial. In a batch the stacks row is read by the
/// first write and written once before the commit (SqliteStore::batch_stacks_): a fan's
/// thousand results cost one read and one update of it, not four statements each.
#include <exception>

#include "state/sqlite_store.h"

namespace capstan {
namespace {

/// Gives `r` the failure of the transaction it shared (unless it has its own error).
void FailShared(CommitRequest* r, const Diagnostics& why) {
  if (r->result.HasErrors()) return;
  Diagnostic d;
  d.summary = r->what;
  for (const Diagnostic& w : why.items()) {
    if (!d.detail.empty()) d.detail += "\n";
    d.detail += w.summary + (w.detail.empty() ? "" : ": " + w.detail);
  }
  r->result = Diagnostics();
  r->result.Add(std::move(d));
}

/// Every write of the batch failed: those that had succeeded lost their part with the
/// transaction, those not yet run never ran.
void FailAll(const std::vector<CommitRequest*>& batch, const Diagnostics& why) {
  for (CommitRequest* r : batch) FailShared(r, why);
}

}  // namespace

void SqliteStore::RunBatch(const std::vector<CommitRequest*>& batch) {
  std::lock_guard lock(mu_);
  for (CommitRequest* r : batch) r->result = Diagnostics();
  Diagnostics txn_err;
  sqlite::Transaction txn(db_, &txn_err, "the shared state transaction");
  if (!txn.active()) return FailAll(batch, txn_err);
  BatchScope rows(this);
  for (CommitRequest* r : batch) {
    ++batch_write_;
    Diagnostics sp_err;
    auto begin = stmts_.Get("SAVEPOINT capstan_write", &sp_err);
    if (!begin.valid() || !begin.Run(&sp_err, "cannot open a savepoint")) {
      return FailAll(batch, sp_err);
    }
    try {
      r->body(&r->result);
    } catch (const std::exception& e) {  // e.g. a JSON dump of invalid UTF-8
      r->result.Error(r->what, e.what());
    }
    if (!r->result.HasErrors()) {
      auto release = stmts_.Get("RELEASE capstan_write", &sp_err);
      if (release.valid() && release.Run(&sp_err, "cannot release a savepoint")) continue;
      return FailAll(batch, sp_err);
    }
    if (sqlite3_get_autocommit(db_)) {
      // SQLite rolled the whole transaction back: the writes before this one are gone.
      Diagnostics why;
      why.Error("the shared state transaction was rolled back",
                "another write in it failed: " + r->result.items().front().summary);
      return FailAll(batch, why);
    }
    auto undo = stmts_.Get("ROLLBACK TO capstan_write", &sp_err);
    auto release = stmts_.Get("RELEASE capstan_write", &sp_err);
    if (!undo.valid() || !undo.Run(&sp_err, "cannot roll back a savepoint") || !release.valid() ||
        !release.Run(&sp_err, "cannot release a savepoint")) {
      return FailAll(batch, sp_err);
    }
    // A stack row first read by the write just undone was registered in its savepoint.
    std::erase_if(rows.stacks, [&](const auto& s) { return s.second.since == batch_write_; });
  }
  Diagnostics commit_err;
  if (!FlushBatchStacks(&commit_err) || !txn.Commit(&commit_err)) FailAll(batch, commit_err);
}

}  // namespace capstan
