// Check() on journal rows and history serials, and Rekey() (capstan state check|rekey).
//
/// The database is damaged by hand with raw SQL, the way a bad restore or an editor
/// would, and every kind of damage must be reported by name. Rekey must be all or
/// nothing and must leave the old key useless, including for a process that opened the
/// database before the rekey.
#include <sqlite3.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "state/sqlite_store.h"
#include "tests/state/state_test_util.h"

namespace capstan {
namespace {

using testing::MakeInstance;
using testing::OpenOrDie;
using testing::TempDir;

using testing::ExecSql;

InstanceState Secret(const std::string& addr, const std::string& value) {
  auto inst = MakeInstance(addr, addr + "-id");
  inst.attributes["secret"] = value;
  inst.sensitive = {"secret"};
  return inst;
}

/// A stack with two finished runs, a secret instance, a sensitive output and a closed
/// journal row: everything Check() looks at, all consistent.
void Populate(StateStore& store) {
  auto run = store.BeginRun("s", "apply");
  REQUIRE(run.ok());
  auto j = store.JournalBegin("s", run->id, "openstack.keypair.k", "create", "");
  REQUIRE(j.ok());
  REQUIRE(store
              .CommitResult("s", *j, "ok",
                            {{InstanceWrite::Kind::kPut, Secret("openstack.keypair.k", "pk-1")}})
              .empty());
  REQUIRE(
      store.SetOutputs("s", {{"token", Value("tok-1"), true}, {"plain", Value(1), false}}).empty());
  REQUIRE(store.EndRun(*run).empty());
  auto second = store.BeginRun("s", "apply");
  REQUIRE(second.ok());
  REQUIRE(store.PutInstance("s", MakeInstance("openstack.network.n", "n")).empty());
  REQUIRE(store.EndRun(*second).empty());
}

TEST_CASE("Check is clean on a consistent database with runs, journal and secrets") {
  TempDir dir;
  auto store = OpenOrDie(dir.File("state.db"));
  Populate(*store);
  auto open = store->JournalBegin("s", store->History("s")->front().id, "x.y.z", "create", "");
  REQUIRE(open.ok());  // an open row of a recorded run is a crash to recover, not damage
  Status st = store->Check();
  INFO(st.ToString());
  CHECK(st.empty());
}

TEST_CASE("Check reports journal rows without a run or without a result") {
  TempDir dir;
  const std::string db = dir.File("state.db");
  { Populate(*OpenOrDie(db)); }
  ExecSql(db,
          "INSERT INTO journal(stack, run_id, address, action, started_at) "
          "VALUES ('s', 'no-such-run', 'openstack.port.p', 'create', 1);"
          "INSERT INTO journal(stack, run_id, address, action, started_at, closed_at, outcome) "
          "VALUES ('s', (SELECT id FROM runs LIMIT 1), 'openstack.port.q', 'delete', 1, 2, '');");
  Status st = OpenOrDie(db)->Check();
  const std::string msg = st.ToString();
  INFO(msg);
  CHECK(st.HasErrors());
  CHECK(msg.find("refers to run \"no-such-run\", which is not in the history") !=
        std::string::npos);
  CHECK(msg.find("openstack.port.p") != std::string::npos);
  CHECK(msg.find("is closed but records no result") != std::string::npos);
  CHECK(msg.find("openstack.port.q") != std::string::npos);
}

TEST_CASE("Check reports history serials that go backwards or beyond the stack's serial") {
  TempDir dir;
  const std::string db = dir.File("state.db");
  { Populate(*OpenOrDie(db)); }
  SECTION("a restored older database: the stack's serial is below a run's end") {
    ExecSql(db, "UPDATE stacks SET serial = 1 WHERE name = 's'");
    const std::string msg = OpenOrDie(db)->Check().ToString();
    INFO(msg);
    CHECK(msg.find("above the stack's serial 1") != std::string::npos);
  }
  SECTION("a run that starts below where an earlier one ended") {
    ExecSql(db,
            "UPDATE runs SET serial_before = 0 WHERE rowid = (SELECT MAX(rowid) FROM runs);"
            "UPDATE runs SET started_at = started_at - 10 WHERE rowid = (SELECT MIN(rowid) FROM "
            "runs);");
    const std::string msg = OpenOrDie(db)->Check().ToString();
    INFO(msg);
    CHECK(msg.find("the serial went backwards") != std::string::npos);
  }
  SECTION("a run that ends below its start") {
    ExecSql(db, "UPDATE runs SET serial_after = 0 WHERE rowid = (SELECT MAX(rowid) FROM runs)");
    const std::string msg = OpenOrDie(db)->Check().ToString();
    INFO(msg);
    CHECK(msg.find("below its start") != std::string::npos);
  }
}

TEST_CASE("Rekey re-seals every secret, the old key stops working and the new one works") {
  TempDir dir;
  const std::string db = dir.File("state.db");
  const SecretBox old_box = SecretBox::FromPassphrase("old key");
  const SecretBox new_box = SecretBox::FromPassphrase("new key");
  std::string before;
  {
    auto store = OpenOrDie(db, old_box);
    Populate(*store);
    REQUIRE(store->PutInstance("t", Secret("openstack.keypair.t", "pk-2")).empty());
    auto serial = store->Load("s")->serial;
    before = testing::ReadAll(db) + testing::ReadAll(db + "-wal");
    auto n = store->Rekey(new_box);
    INFO(n.diags().ToString());
    REQUIRE(n.ok());
    CHECK(*n == 3);                             // two instances, one output
    CHECK(store->Load("s")->serial == serial);  // same values: no new serial
    // The same connection goes on with the new key.
    REQUIRE(store->PutInstance("t", Secret("openstack.keypair.u", "pk-3")).empty());
  }
  auto with_new = OpenOrDie(db, new_box);
  auto s = with_new->Load("s");
  REQUIRE(s.ok());
  CHECK(s->instances.at(0).attributes["secret"] == "pk-1");
  for (const OutputState& o : s->outputs) {
    if (o.name == "token") CHECK(o.value == "tok-1");
  }
  CHECK(s->outputs.size() == 2);
  CHECK(with_new->Load("t")->instances.size() == 2);
  CHECK(with_new->Check().empty());

  auto with_old = OpenOrDie(db, old_box);
  auto denied = with_old->Load("s");
  REQUIRE_FALSE(denied.ok());
  CHECK(denied.diags().ToString().find("state key does not match") != std::string::npos);
  CHECK(with_old->Check().HasErrors());
  CHECK(with_old->Rekey(SecretBox::FromPassphrase("third")).diags().HasErrors());
}

TEST_CASE("A process that opened the database before a rekey cannot write old-key secrets") {
  TempDir dir;
  const std::string db = dir.File("state.db");
  const SecretBox old_box = SecretBox::FromPassphrase("old key");
  auto early = OpenOrDie(db, old_box);
  Populate(*early);
  REQUIRE(early->Load("s").ok());  // the old key is verified and remembered
  {
    auto rekeyer = OpenOrDie(db, old_box);
    REQUIRE(rekeyer->Rekey(SecretBox::FromPassphrase("new key")).ok());
  }
  Status st = early->PutInstance("s", Secret("openstack.keypair.late", "pk-late"));
  CHECK(st.ToString().find("state key does not match") != std::string::npos);
  CHECK(OpenOrDie(db, SecretBox::FromPassphrase("new key"))->Check().empty());
}

TEST_CASE("A failing rekey changes nothing") {
  TempDir dir;
  const std::string db = dir.File("state.db");
  const SecretBox old_box = SecretBox::FromPassphrase("old key");
  { Populate(*OpenOrDie(db, old_box)); }
  // One value that does not open: the whole rekey is refused, the rest stays as it was.
  ExecSql(db, "UPDATE outputs SET secret = 'sbx1:AAAA' WHERE name = 'token'");
  auto store = OpenOrDie(db, old_box);
  auto n = store->Rekey(SecretBox::FromPassphrase("new key"));
  REQUIRE_FALSE(n.ok());
  CHECK(n.diags().ToString().find("output token") != std::string::npos);
  // Still the old key: only the damaged value is a problem, not the key.
  const std::string msg = store->Check().ToString();
  INFO(msg);
  CHECK(msg.find("output.token") != std::string::npos);
  CHECK(msg.find("state key does not match") == std::string::npos);
  CHECK(msg.find("openstack.keypair.k") == std::string::npos);
}

TEST_CASE("WriteKeyFile and FromKeyFile round-trip a key with mode 0600") {
  TempDir dir;
  const std::string file = dir.File("sub/new.key");
  SecretBox box = SecretBox::Random();
  REQUIRE(box.WriteKeyFile(file).empty());
  struct stat st {};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto read = SecretBox::FromKeyFile(file);
  REQUIRE(read.ok());
  CHECK(read->KeyId() == box.KeyId());
  CHECK(SecretBox::Random().KeyId() != box.KeyId());
}

}  // namespace
}  // namespace capstan
