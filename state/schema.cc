// Schema steps for the state database (see schema.h and docs/state.md).
//
/// Each step is a block of SQL applied once, in order. Steps are never edited after
/// they ship: a change to the schema is a new step at the end of kSteps.
#include "state/schema.h"

#include <string>

#include "state/sqlite.h"

namespace capstan::schema {
namespace {

/// v1: the base tables. Every per-stack table references stacks(name); a stack row is
/// created by the first operation that names the stack.
constexpr const char* kV1 = R"sql(
CREATE TABLE stacks (
  name    TEXT PRIMARY KEY,
  lineage TEXT NOT NULL DEFAULT '',
  serial  INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE instances (
  stack          TEXT NOT NULL REFERENCES stacks(name) ON DELETE CASCADE,
  address        TEXT NOT NULL,
  deposed_key    TEXT NOT NULL DEFAULT '',
  type           TEXT NOT NULL,
  provider       TEXT NOT NULL,
  object_id      TEXT NOT NULL,
  attributes     TEXT NOT NULL,
  sensitive      TEXT NOT NULL DEFAULT '[]',
  secrets        TEXT,
  dependencies   TEXT NOT NULL DEFAULT '[]',
  status         TEXT NOT NULL CHECK (status IN ('ok', 'tainted', 'deposed')),
  create_before_destroy INTEGER NOT NULL DEFAULT 0,
  updated_serial INTEGER NOT NULL,
  PRIMARY KEY (stack, address, deposed_key)
) WITHOUT ROWID;
CREATE TABLE outputs (
  stack     TEXT NOT NULL REFERENCES stacks(name) ON DELETE CASCADE,
  name      TEXT NOT NULL,
  value     TEXT,
  secret    TEXT,
  sensitive INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (stack, name)
);
CREATE TABLE runs (
  id          TEXT PRIMARY KEY,
  stack       TEXT NOT NULL REFERENCES stacks(name) ON DELETE CASCADE,
  command     TEXT NOT NULL,
  started_at  INTEGER NOT NULL,
  finished_at INTEGER NOT NULL DEFAULT 0,
  status      TEXT NOT NULL,
  summary     TEXT NOT NULL DEFAULT ''
);
CREATE TABLE journal (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  stack      TEXT NOT NULL REFERENCES stacks(name) ON DELETE CASCADE,
  run_id     TEXT NOT NULL,
  address    TEXT NOT NULL,
  action     TEXT NOT NULL,
  detail     TEXT NOT NULL DEFAULT '',
  started_at INTEGER NOT NULL,
  closed_at  INTEGER,
  outcome    TEXT NOT NULL DEFAULT ''
);
CREATE TABLE locks (
  stack       TEXT PRIMARY KEY REFERENCES stacks(name) ON DELETE CASCADE,
  id          TEXT NOT NULL,
  holder      TEXT NOT NULL,
  operation   TEXT NOT NULL,
  pid         INTEGER NOT NULL,
  host        TEXT NOT NULL,
  acquired_at INTEGER NOT NULL,
  lease_until INTEGER NOT NULL
);
)sql";

/// v2: runs remember the serial range they produced (so `history` can say which
/// writes a run made), and the two hot lookups get indexes: open journal rows of a stack
/// and a stack's runs newest first.
constexpr const char* kV2 = R"sql(
ALTER TABLE runs ADD COLUMN serial_before INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN serial_after INTEGER NOT NULL DEFAULT 0;
CREATE INDEX journal_open ON journal(stack, id) WHERE closed_at IS NULL;
CREATE INDEX runs_by_stack ON runs(stack, started_at);
)sql";

/// v3: a lock records the pid namespace of its holder, so a same-host run can prove the
/// holder's pid is gone (kill(pid, 0) answers for its own namespace only) and take the
/// lock over without force-unlock. '' (rows of older binaries) never proves anything.
constexpr const char* kV3 = R"sql(
ALTER TABLE locks ADD COLUMN pid_namespace TEXT NOT NULL DEFAULT '';
)sql";

constexpr const char* kSteps[] = {kV1, kV2, kV3};
static_assert(std::size(kSteps) == kSchemaVersion);

}  // namespace

Result<int> Migrate(sqlite3* db, const std::string& path) {
  Diagnostics err;
  const std::string what = "cannot migrate state database " + path;
  sqlite::Transaction txn(db, &err, what);
  if (!txn.active()) return err;
  if (!sqlite::Exec(db,
                    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
                    &err, what)) {
    return err;
  }
  int version = 0;
  {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &stmt,
                           nullptr) != SQLITE_OK) {
      err.Add(sqlite::Error(db, what));
      return err;
    }
    if (sqlite3_step(stmt) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(stmt, 0);
      std::string s = text ? reinterpret_cast<const char*>(text) : "";
      try {
        version = std::stoi(s);
      } catch (const std::exception&) {
        version = -1;
      }
    }
    sqlite3_finalize(stmt);
  }
  if (version < 0) {
    return Result<int>::Fail("state database " + path + " has an unreadable schema version",
                             "meta.schema_version is not a number; the file may not be a "
                             "capstan state database");
  }
  if (version > kSchemaVersion) {
    return Result<int>::Fail(
        "state database " + path + " has schema version " + std::to_string(version) +
            ", newer than this capstan understands (" + std::to_string(kSchemaVersion) + ")",
        "it was written by a newer capstan; upgrade capstan rather than risk losing state");
  }
  for (int v = version + 1; v <= kSchemaVersion; ++v) {
    if (!sqlite::Exec(db, kSteps[v - 1], &err,
                      what + ": step to schema version " + std::to_string(v) + " failed")) {
      return err;
    }
  }
  if (version != kSchemaVersion &&
      !sqlite::Exec(db,
                    "INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', '" +
                        std::to_string(kSchemaVersion) + "')",
                    &err, what)) {
    return err;
  }
  if (!txn.Commit(&err)) return err;
  return kSchemaVersion;
}

}  // namespace capstan::schema
