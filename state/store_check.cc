// Check(): `capstan state check`, a read-only audit of the database.
//
/// Reports every problem it finds as its own diagnostic rather than stopping at the
/// first, so one run of `state check` tells the operator everything that needs repair.
#include "state/sqlite_store.h"

namespace capstan {

Status SqliteStore::Check() {
  std::lock_guard lock(mu_);
  Diagnostics err;
  const std::string what = "state check of " + path_;
  sqlite::Transaction txn(db_, &err, what, sqlite::Transaction::kRead);
  if (!txn.active()) return err;
  Diagnostics found;
  {
    auto st = stmts_.Get("PRAGMA integrity_check", &err);
    if (!st.valid()) return err;
    while (st.Step(&err, what)) {
      if (st.Text(0) != "ok") found.Error("database integrity problem", st.Text(0));
    }
  }
  {
    auto st = stmts_.Get("PRAGMA foreign_key_check", &err);
    if (!st.valid()) return err;
    while (st.Step(&err, what)) {
      found.Error("row " + std::to_string(st.Int(1)) + " of table " + st.Text(0) +
                      " refers to a missing row of " + st.Text(2),
                  "foreign key violation; the row belongs to a stack that no longer exists");
    }
  }
  {
    auto st = stmts_.Get(
        "SELECT i.stack, i.address, i.updated_serial, s.serial FROM instances i "
        "JOIN stacks s ON s.name = i.stack WHERE i.updated_serial > s.serial",
        &err);
    if (!st.valid()) return err;
    while (st.Step(&err, what)) {
      found.ErrorFor(st.Text(1),
                     "instance in stack \"" + st.Text(0) + "\" was written at serial " +
                         std::to_string(st.Int(2)) + ", after the stack's serial " +
                         std::to_string(st.Int(3)),
                     "serial bookkeeping is inconsistent; the database was edited by hand or "
                     "restored partially");
    }
  }
  {
    auto st = stmts_.Get("SELECT name, serial FROM stacks WHERE serial > 0 AND lineage = ''", &err);
    if (!st.valid()) return err;
    while (st.Step(&err, what)) {
      found.Error("stack \"" + st.Text(0) + "\" has serial " + std::to_string(st.Int(1)) +
                  " but no lineage");
    }
  }
  {
    auto st = stmts_.Get(
        "SELECT id, stack, address FROM journal WHERE stack NOT IN (SELECT name FROM stacks)",
        &err);
    if (!st.valid()) return err;
    while (st.Step(&err, what)) {
      found.Error("journal entry " + std::to_string(st.Int(0)) + " (" + st.Text(2) +
                  ") belongs to unknown stack \"" + st.Text(1) + "\"");
    }
  }
  {
    // Open rows are "a call may have happened during run R": R must be in the history.
    auto st = stmts_.Get(
        "SELECT id, stack, address, run_id FROM journal WHERE closed_at IS NULL AND "
        "run_id NOT IN (SELECT id FROM runs)",
        &err);
    if (!st.valid()) return err;
    while (st.Step(&err, what)) {
      found.ErrorFor(st.Text(2),
                     "open journal entry " + std::to_string(st.Int(0)) + " in stack \"" +
                         st.Text(1) + "\" refers to run \"" + st.Text(3) +
                         "\", which is not in the history",
                     "the history was edited or restored partially; the next plan still "
                     "looks the object up");
    }
  }
  {
    auto st = stmts_.Get(
        "SELECT id, stack, address FROM journal WHERE closed_at IS NOT NULL AND outcome = ''",
        &err);
    if (!st.valid()) return err;
    while (st.Step(&err, what)) {
      found.ErrorFor(st.Text(2), "journal entry " + std::to_string(st.Int(0)) + " in stack \"" +
                                     st.Text(1) + "\" is closed but records no result");
    }
  }
  {
    // The serial only grows: a finished run ends at or after where it started, no later
    // than the stack's serial now, and no run starts below where an earlier one ended.
    auto st = stmts_.Get(
        "SELECT r.id, r.stack, r.command, r.serial_before, r.serial_after, s.serial, "
        "r.status, "
        "(SELECT MAX(p.serial_after) FROM runs p WHERE p.stack = r.stack AND p.status <> "
        "'running' AND (p.started_at < r.started_at OR (p.started_at = r.started_at AND "
        "p.rowid < r.rowid))) FROM runs r JOIN stacks s ON s.name = r.stack",
        &err);
    if (!st.valid()) return err;
    while (st.Step(&err, what)) {
      const std::string run =
          "run " + st.Text(0) + " (" + st.Text(2) + ") of stack \"" + st.Text(1) + "\"";
      const int64_t before = st.Int(3), after = st.Int(4), now = st.Int(5);
      const bool finished = st.Text(6) != "running";
      if (before > now) {
        found.Error(run + " started at serial " + std::to_string(before) +
                    ", above the stack's serial " + std::to_string(now));
      } else if (finished && after < before) {
        found.Error(run + " ended at serial " + std::to_string(after) + ", below its start " +
                    std::to_string(before));
      } else if (finished && after > now) {
        found.Error(run + " ended at serial " + std::to_string(after) +
                    ", above the stack's serial " + std::to_string(now));
      } else if (!st.IsNull(7) && before < st.Int(7)) {
        found.Error(run + " started at serial " + std::to_string(before) + ", below the serial " +
                        std::to_string(st.Int(7)) + " an earlier run ended at",
                    "the serial went backwards: an older copy of the database was restored "
                    "over a newer one");
      }
    }
  }
  Diagnostics key_err;
  if (!CheckKey(&key_err, /*fresh=*/true)) {
    found.Append(key_err);
  } else {
    auto st = stmts_.Get(
        "SELECT stack, address, deposed_key, secrets FROM instances WHERE secrets IS NOT NULL "
        "UNION ALL SELECT stack, 'output.' || name, '', secret FROM outputs "
        "WHERE secret IS NOT NULL",
        &err);
    if (!st.valid()) return err;
    while (st.Step(&err, what)) {
      auto opened = box_.Open(st.Text(3));
      if (!opened) {
        found.ErrorFor(st.Text(1),
                       "sealed secret in stack \"" + st.Text(0) +
                           "\" cannot be opened: " + opened.diags().items().front().summary);
      }
    }
  }
  if (err.HasErrors()) return err;
  return found;
}

}  // namespace capstan
