// The journal protocol: begin, commit with writes in one transaction, resolve.
#include <catch2/catch.hpp>

#include "tests/state/state_test_util.h"

namespace capstan {
namespace {

using testing::Addr;
using testing::MakeInstance;
using testing::OpenOrDie;
using testing::TempDir;

TEST_CASE("JournalBegin opens a row that survives reopening and does not bump the serial") {
  TempDir dir;
  const std::string db = dir.File("state.db");
  int64_t id = 0;
  {
    auto store = OpenOrDie(db);
    auto r = store->JournalBegin("s", "run-1", "openstack.network.main", "create", "");
    REQUIRE(r.ok());
    id = *r;
    CHECK(id > 0);
  }
  auto store = OpenOrDie(db);
  auto open = store->OpenJournal("s");
  REQUIRE(open.ok());
  REQUIRE(open->size() == 1);
  CHECK((*open)[0].id == id);
  CHECK((*open)[0].run_id == "run-1");
  CHECK((*open)[0].address == "openstack.network.main");
  CHECK((*open)[0].action == "create");
  CHECK((*open)[0].open);
  CHECK((*open)[0].started_at > 0);
  auto s = store->Load("s");
  REQUIRE(s.ok());
  CHECK(s->serial == 0);
}

TEST_CASE("CommitResult closes the journal row and applies a put and a remove together") {
  TempDir dir;
  auto store = OpenOrDie(dir.File("state.db"));
  auto old_vm = MakeInstance("openstack.server.vm", "old");
  old_vm.deposed_key = "dep1";
  old_vm.status = InstanceStatus::kDeposed;
  REQUIRE(store->PutInstance("s", old_vm).empty());
  auto j = store->JournalBegin("s", "run", "openstack.server.vm", "replace", "old");
  REQUIRE(j.ok());
  InstanceWrite put{InstanceWrite::Kind::kPut, MakeInstance("openstack.server.vm", "new")};
  InstanceWrite rm{InstanceWrite::Kind::kRemove, old_vm};
  REQUIRE(store->CommitResult("s", *j, "ok", {put, rm}).empty());
  auto s = store->Load("s");
  REQUIRE(s.ok());
  CHECK(s->serial == 2);
  REQUIRE(s->instances.size() == 1);
  CHECK(s->instances[0].id == "new");
  CHECK(s->instances[0].updated_serial == 2);
  auto open = store->OpenJournal("s");
  REQUIRE(open.ok());
  CHECK(open->empty());
  // The row is closed: committing it again is an error.
  CHECK(store->CommitResult("s", *j, "ok", {}).HasErrors());
}

TEST_CASE("CommitResult is all or nothing: a failing write keeps the journal row open") {
  TempDir dir;
  auto store = OpenOrDie(dir.File("state.db"));
  auto j = store->JournalBegin("s", "run", "openstack.network.a", "create", "");
  REQUIRE(j.ok());
  InstanceWrite put{InstanceWrite::Kind::kPut, MakeInstance("openstack.network.a", "n")};
  InstanceWrite bad{InstanceWrite::Kind::kRemove, MakeInstance("openstack.network.ghost", "")};
  Status st = store->CommitResult("s", *j, "ok", {put, bad});
  REQUIRE(st.HasErrors());
  CHECK(st.ToString().find("openstack.network.ghost") != std::string::npos);
  auto s = store->Load("s");
  REQUIRE(s.ok());
  CHECK(s->instances.empty());
  CHECK(s->serial == 0);
  auto open = store->OpenJournal("s");
  REQUIRE(open.ok());
  CHECK(open->size() == 1);
  // A journal id of another stack is refused too.
  CHECK(store->CommitResult("other", *j, "ok", {}).HasErrors());
}

TEST_CASE("ResolveJournal closes every open row of its stack only") {
  TempDir dir;
  auto store = OpenOrDie(dir.File("state.db"));
  REQUIRE(store->JournalBegin("s", "r", "local.file.a", "create", "").ok());
  REQUIRE(store->JournalBegin("s", "r", "local.file.b", "delete", "id-b").ok());
  REQUIRE(store->JournalBegin("t", "r", "local.file.c", "create", "").ok());
  REQUIRE(store->ResolveJournal("s", "resolved: looked up").empty());
  auto s = store->OpenJournal("s");
  auto t = store->OpenJournal("t");
  REQUIRE(s.ok());
  REQUIRE(t.ok());
  CHECK(s->empty());
  CHECK(t->size() == 1);
}

}  // namespace
}  // namespace capstan
