// Rekey(): `capstan state rekey`, re-sealing every secret under a new key.
//
/// A leaked or retired state key must be replaceable without losing the secrets it
/// protects. Everything happens in one BEGIN IMMEDIATE transaction — open each sealed
/// value with the current key, seal it with the new one, write meta.key_id — so a crash
/// leaves either the old database (old key) or the new one (new key), never a mix. The
/// serial is not bumped: the values are the same, only their ciphertext changed.
#include "state/sqlite_store.h"

namespace capstan {
namespace {

/// One sealed column value and where it lives.
struct SealedRow {
  bool output = false;
  std::string stack, key, deposed_key, sealed;
};

}  // namespace

Result<int> SqliteStore::Rekey(const SecretBox& new_box) {
  std::lock_guard lock(mu_);
  Diagnostics err;
  const std::string what = "cannot rekey state database " + path_;
  sqlite::Transaction txn(db_, &err, what);
  if (!txn.active()) return err;
  if (!CheckKey(&err, /*fresh=*/true)) return err;

  std::vector<SealedRow> rows;
  {
    auto st = stmts_.Get(
        "SELECT 0, stack, address, deposed_key, secrets FROM instances WHERE secrets IS NOT "
        "NULL UNION ALL SELECT 1, stack, name, '', secret FROM outputs WHERE secret IS NOT NULL",
        &err);
    if (!st.valid()) return err;
    while (st.Step(&err, what)) {
      rows.push_back({st.Int(0) == 1, st.Text(1), st.Text(2), st.Text(3), st.Text(4)});
    }
    if (err.HasErrors()) return err;
  }
  for (SealedRow& row : rows) {
    auto plain = box_.Open(row.sealed);
    const std::string where =
        (row.output ? "output " : "") + row.key + " in stack \"" + row.stack + "\"";
    if (!plain) {
      const Diagnostic& d = plain.diags().items().front();
      err.Error(what + ": the sealed value of " + where + " does not open: " + d.summary,
                "nothing was changed; `capstan state check` lists every such value");
      return err;
    }
    std::string resealed = new_box.Seal(*plain);
    auto st = row.output
                  ? stmts_.Get("UPDATE outputs SET secret = ? WHERE stack = ? AND name = ?", &err)
                  : stmts_.Get(
                        "UPDATE instances SET secrets = ? WHERE stack = ? AND address = ? AND "
                        "deposed_key = ?",
                        &err);
    if (!st.valid()) return err;
    st.Bind(1, resealed).Bind(2, row.stack).Bind(3, row.key);
    if (!row.output) st.Bind(4, row.deposed_key);
    if (!st.Run(&err, what + " (" + where + ")")) return err;
  }
  {
    auto st = stmts_.Get("INSERT OR REPLACE INTO meta(key, value) VALUES ('key_id', ?)", &err);
    if (!st.valid() || !st.Bind(1, new_box.KeyId()).Run(&err, what)) return err;
  }
  if (!txn.Commit(&err)) return err;
  box_ = new_box;
  key_verified_ = true;
  return static_cast<int>(rows.size());
}

}  // namespace capstan
