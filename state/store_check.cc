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
  Diagnostics key_err;
  if (!CheckKey(&key_err)) {
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
