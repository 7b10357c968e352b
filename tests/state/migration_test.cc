// Schema migrations and the integrity check.
#include <sqlite3.h>

#include <catch2/catch.hpp>

#include "tests/state/state_test_util.h"

namespace capstan {
namespace {

using testing::MakeInstance;
using testing::OpenOrDie;
using testing::TempDir;

using testing::ExecSql;

/// The version-1 schema exactly as it first shipped, written by hand.
constexpr const char* kV1Database = R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta VALUES ('schema_version', '1');
CREATE TABLE stacks (name TEXT PRIMARY KEY, lineage TEXT NOT NULL DEFAULT '',
  serial INTEGER NOT NULL DEFAULT 0);
CREATE TABLE instances (stack TEXT NOT NULL REFERENCES stacks(name) ON DELETE CASCADE,
  address TEXT NOT NULL, deposed_key TEXT NOT NULL DEFAULT '', type TEXT NOT NULL,
  provider TEXT NOT NULL, object_id TEXT NOT NULL, attributes TEXT NOT NULL,
  sensitive TEXT NOT NULL DEFAULT '[]', secrets TEXT, dependencies TEXT NOT NULL DEFAULT '[]',
  status TEXT NOT NULL CHECK (status IN ('ok', 'tainted', 'deposed')),
  create_before_destroy INTEGER NOT NULL DEFAULT 0, updated_serial INTEGER NOT NULL,
  PRIMARY KEY (stack, address, deposed_key)) WITHOUT ROWID;
CREATE TABLE outputs (stack TEXT NOT NULL REFERENCES stacks(name) ON DELETE CASCADE,
  name TEXT NOT NULL, value TEXT, secret TEXT, sensitive INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (stack, name));
CREATE TABLE runs (id TEXT PRIMARY KEY,
  stack TEXT NOT NULL REFERENCES stacks(name) ON DELETE CASCADE, command TEXT NOT NULL,
  started_at INTEGER NOT NULL, finished_at INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL,
  summary TEXT NOT NULL DEFAULT '');
CREATE TABLE journal (id INTEGER PRIMARY KEY AUTOINCREMENT,
  stack TEXT NOT NULL REFERENCES stacks(name) ON DELETE CASCADE, run_id TEXT NOT NULL,
  address TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '',
  started_at INTEGER NOT NULL, closed_at INTEGER, outcome TEXT NOT NULL DEFAULT '');
CREATE TABLE locks (stack TEXT PRIMARY KEY REFERENCES stacks(name) ON DELETE CASCADE,
  id TEXT NOT NULL, holder TEXT NOT NULL, operation TEXT NOT NULL, pid INTEGER NOT NULL,
  host TEXT NOT NULL, acquired_at INTEGER NOT NULL, lease_until INTEGER NOT NULL);
INSERT INTO stacks VALUES ('old', 'lineage-from-v1', 7);
INSERT INTO instances VALUES ('old', 'openstack.network.main', '', 'openstack.network',
  'openstack', 'net-7', '{"id":"net-7"}', '[]', NULL, '[]', 'ok', 0, 7);
INSERT INTO runs VALUES ('run-v1', 'old', 'apply', 100, 200, 'ok', '1 created');
)sql";

TEST_CASE("Open migrates a version-1 database to the current schema and keeps its rows") {
  TempDir dir;
  const std::string db = dir.File("state.db");
  ExecSql(db, kV1Database);
  auto store = OpenOrDie(db);
  CHECK(store->SchemaVersion() == 3);
  auto s = store->Load("old");
  REQUIRE(s.ok());
  CHECK(s->lineage == "lineage-from-v1");
  CHECK(s->serial == 7);
  REQUIRE(s->instances.size() == 1);
  CHECK(s->instances[0].id == "net-7");
  auto h = store->History("old");
  REQUIRE(h.ok());
  REQUIRE(h->size() == 1);
  CHECK(h->at(0).summary == "1 created");
  CHECK(h->at(0).serial_after == 0);  // column added by v2 with its default
  // New writes use the v2 columns.
  REQUIRE(store->PutInstance("old", MakeInstance("openstack.network.b", "b")).empty());
  CHECK(store->Check().empty());
}

TEST_CASE("Reopening a current database runs no migration step twice") {
  TempDir dir;
  const std::string db = dir.File("state.db");
  { OpenOrDie(db); }
  auto store = OpenOrDie(db);
  CHECK(store->SchemaVersion() == 3);
}

TEST_CASE("A database with a newer schema than this binary is refused") {
  TempDir dir;
  const std::string db = dir.File("state.db");
  { OpenOrDie(db); }
  ExecSql(db, "UPDATE meta SET value = '99' WHERE key = 'schema_version'");
  auto r = StateStore::Open(db, testing::TestBox());
  REQUIRE_FALSE(r.ok());
  const std::string msg = r.diags().ToString();
  CHECK(msg.find("schema version 99") != std::string::npos);
  CHECK(msg.find("newer") != std::string::npos);
}

TEST_CASE("Check reports serial inconsistencies, orphan journal rows and unreadable secrets") {
  TempDir dir;
  const std::string db = dir.File("state.db");
  {
    auto store = OpenOrDie(db);
    auto inst = MakeInstance("openstack.network.a", "1");
    inst.attributes["secret"] = "x";
    inst.sensitive = {"secret"};
    REQUIRE(store->PutInstance("s", inst).empty());
    REQUIRE(store->PutInstance("s", MakeInstance("openstack.network.b", "2")).empty());
    CHECK(store->Check().empty());
  }
  ExecSql(db,
          "PRAGMA foreign_keys = OFF;"
          "UPDATE instances SET updated_serial = 50 WHERE address = 'openstack.network.b';"
          "UPDATE instances SET secrets = 'sbx1:AAAA' WHERE address = 'openstack.network.a';"
          "INSERT INTO journal(stack, run_id, address, action, started_at) "
          "VALUES ('ghost', 'r', 'local.file.f', 'create', 1);");
  auto store = OpenOrDie(db);
  Status st = store->Check();
  const std::string msg = st.ToString();
  INFO(msg);
  CHECK(st.HasErrors());
  CHECK(msg.find("serial 50") != std::string::npos);
  CHECK(msg.find("unknown stack \"ghost\"") != std::string::npos);
  CHECK(msg.find("openstack.network.a") != std::string::npos);
  CHECK(msg.find("cannot be opened") != std::string::npos);
  CHECK(msg.find("foreign key") != std::string::npos);
}

}  // namespace
}  // namespace capstan
