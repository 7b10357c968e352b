// Secrets at rest, wrong keys, file modes and unwritable locations.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "state/sqlite_store.h"
#include "tests/state/state_test_util.h"

namespace capstan {
namespace {

using testing::Addr;
using testing::MakeInstance;
using testing::OpenOrDie;
using testing::TempDir;

constexpr char kMarker[] = "hunter2-unique-marker";

InstanceState SecretInstance() {
  auto inst = MakeInstance("openstack.application_credential.ac", "ac-1");
  inst.attributes["secret"] = kMarker;
  inst.sensitive = {"secret"};
  return inst;
}

TEST_CASE("Sensitive attributes and outputs never reach the database file in plaintext") {
  TempDir dir;
  const std::string db = dir.File("state.db");
  {
    auto store = OpenOrDie(db);
    REQUIRE(store->PutInstance("s", SecretInstance()).empty());
    REQUIRE(
        store->SetOutputs("s", {{"token", Value(std::string(kMarker) + "-out"), true}}).empty());
    // Read the files while the connection is open: the -wal file still holds the pages.
    CHECK(testing::ReadAll(db + "-wal").size() > 0);
    CHECK(testing::ReadAll(db + "-wal").find(kMarker) == std::string::npos);
    CHECK(testing::ReadAll(db).find(kMarker) == std::string::npos);
    CHECK(testing::ReadAll(db + "-wal").find("\"name\"") != std::string::npos);  // sanity
  }
  CHECK(testing::ReadAll(db).find(kMarker) == std::string::npos);
  CHECK(testing::ReadAll(db + "-wal").find(kMarker) == std::string::npos);
  auto store = OpenOrDie(db);
  auto s = store->Load("s");
  REQUIRE(s.ok());
  REQUIRE(s->instances.size() == 1);
  CHECK(s->instances[0].attributes["secret"] == kMarker);
  CHECK(s->instances[0].attributes["id"] == "ac-1");
  CHECK(s->instances[0].sensitive == std::set<std::string>{"secret"});
  CHECK(s->outputs.at(0).value == std::string(kMarker) + "-out");
}

TEST_CASE("Opening with a different key fails clearly on the first secret read or write") {
  TempDir dir;
  const std::string db = dir.File("state.db");
  {
    auto store = OpenOrDie(db, SecretBox::FromPassphrase("right"));
    REQUIRE(store->PutInstance("s", SecretInstance()).empty());
  }
  auto store = OpenOrDie(db, SecretBox::FromPassphrase("wrong"));
  auto s = store->Load("s");
  REQUIRE_FALSE(s.ok());
  const std::string msg = s.diags().ToString();
  CHECK(msg.find("state key does not match the key this database was written with") !=
        std::string::npos);
  CHECK(msg.find("CAPSTAN_STATE_KEY") != std::string::npos);
  CHECK(msg.find(db + ".key") != std::string::npos);
  auto again = SecretInstance();
  again.address = Addr("openstack.application_credential.other");
  CHECK(store->PutInstance("s", again).ToString().find("state key does not match") !=
        std::string::npos);
  // Writes without secrets still work, and Check() reports the mismatch.
  CHECK(store->PutInstance("t", MakeInstance("openstack.network.n", "n")).empty());
  CHECK(store->Check().ToString().find("state key does not match") != std::string::npos);
}

TEST_CASE("The database and its -wal and -shm files are created with mode 0600") {
  TempDir dir;
  const std::string db = dir.File("new/dir/state.db");
  mode_t old = ::umask(022);
  auto store = OpenOrDie(db);
  ::umask(old);
  REQUIRE(store->PutInstance("s", MakeInstance("openstack.network.a", "1")).empty());
  for (const std::string& f : {db, db + "-wal", db + "-shm"}) {
    struct stat st {};
    INFO(f);
    REQUIRE(::stat(f.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
  }
  struct stat st {};
  REQUIRE(::stat(dir.File("new/dir").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
}

TEST_CASE("An unwritable state location gives a clear error instead of a crash") {
  TempDir dir;
  std::string db;
  if (::geteuid() == 0) {
    db = "/proc/capstan-state-test/state.db";  // root ignores modes; procfs refuses anyway
  } else {
    REQUIRE(::chmod(dir.path().c_str(), 0500) == 0);
    db = dir.File("state.db");
  }
  auto r = StateStore::Open(db, testing::TestBox());
  REQUIRE_FALSE(r.ok());
  const std::string msg = r.diags().ToString();
  INFO(msg);
  CHECK((msg.find("cannot create state directory") != std::string::npos ||
         msg.find("cannot open state database") != std::string::npos));
}

TEST_CASE("A full disk fails the write with a clear error and keeps the previous state") {
  TempDir dir;
  auto opened = SqliteStore::OpenSqlite(dir.File("state.db"), testing::TestBox());
  REQUIRE(opened.ok());
  auto& store = *opened.value();
  REQUIRE(store.PutInstance("s", MakeInstance("openstack.network.a", "1")).empty());
  // Simulate a full disk: cap the database at its current size.
  REQUIRE(sqlite3_exec(store.handle(), "PRAGMA max_page_count = 1", nullptr, nullptr, nullptr) ==
          SQLITE_OK);
  std::vector<InstanceState> many;
  for (int i = 0; i < 2000; ++i) {
    auto inst = MakeInstance("openstack.port.p[" + std::to_string(i) + "]", "x");
    inst.attributes["padding"] = std::string(200, 'x');
    many.push_back(inst);
  }
  Status st = PutInstances(store, "s", many);
  REQUIRE(st.HasErrors());
  CHECK(st.ToString().find("full") != std::string::npos);
  CHECK(st.ToString().find("\"s\"") != std::string::npos);
  auto s = store.Load("s");
  REQUIRE(s.ok());
  CHECK(s->serial == 1);
  CHECK(s->instances.size() == 1);
}

}  // namespace
}  // namespace capstan
