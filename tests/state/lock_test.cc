// Stack locks between processes, lease expiry and force-unlock.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "tests/state/state_test_util.h"

namespace capstan {
namespace {

using testing::OpenOrDie;
using testing::TempDir;

TEST_CASE("A lock held by another process blocks Lock with the holder's pid and lock id") {
  TempDir dir;
  const std::string db = dir.File("state.db");
  { OpenOrDie(db); }  // create the schema before forking
  int to_parent[2], to_child[2];
  REQUIRE(::pipe(to_parent) == 0);
  REQUIRE(::pipe(to_child) == 0);
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // Child: no Catch2 assertions here; report through the pipe and the exit code.
    auto store = StateStore::Open(db, testing::TestBox());
    if (!store.ok()) ::_exit(2);
    auto lock = (*store)->Lock("s", "apply", 600);
    if (!lock.ok()) ::_exit(3);
    std::string id = lock->id;
    if (::write(to_parent[1], id.data(), id.size()) != static_cast<ssize_t>(id.size())) ::_exit(4);
    char c;
    if (::read(to_child[0], &c, 1) != 1) ::_exit(5);
    ::_exit((*store)->Unlock(*lock).empty() ? 0 : 6);
  }
  char buf[64] = {};
  ssize_t n = ::read(to_parent[0], buf, sizeof(buf));
  std::string child_lock_id(buf, n > 0 ? static_cast<size_t>(n) : 0);
  auto store = OpenOrDie(db);
  auto mine = store->Lock("s", "destroy", 60);
  auto current = store->CurrentLock("s");
  REQUIRE(::write(to_child[1], "x", 1) == 1);
  int wstatus = 0;
  REQUIRE(::waitpid(child, &wstatus, 0) == child);
  CHECK(WIFEXITED(wstatus));
  CHECK(WEXITSTATUS(wstatus) == 0);

  REQUIRE(child_lock_id.size() == 36);
  REQUIRE_FALSE(mine.ok());
  const std::string msg = mine.diags().ToString();
  INFO(msg);
  CHECK(msg.find("stack \"s\" is locked") != std::string::npos);
  CHECK(msg.find("pid " + std::to_string(child)) != std::string::npos);
  CHECK(msg.find("apply") != std::string::npos);
  CHECK(msg.find(child_lock_id) != std::string::npos);
  CHECK(msg.find("force-unlock") != std::string::npos);
  REQUIRE(current.ok());
  REQUIRE(current->has_value());
  CHECK((*current)->pid == child);
  CHECK((*current)->holder.find('@') != std::string::npos);
  // The child unlocked on exit: the lock is free again.
  auto after = store->Lock("s", "destroy", 60);
  INFO(after.diags().ToString());
  CHECK(after.ok());
}

TEST_CASE("An expired lease is taken over with a warning and the old holder loses it") {
  TempDir dir;
  auto store = OpenOrDie(dir.File("state.db"));
  auto first = store->Lock("s", "apply", 1);
  REQUIRE(first.ok());
  CHECK(first.diags().empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // behaviour, not timing
  auto second = store->Lock("s", "destroy", 60);
  REQUIRE(second.ok());
  REQUIRE(second.diags().size() == 1);
  CHECK(second.diags().items()[0].severity == Severity::kWarning);
  CHECK(second.diags().ToString().find("expired") != std::string::npos);
  CHECK(second->id != first->id);
  CHECK(store->RenewLock(*first, 60).HasErrors());
  CHECK(store->Unlock(*first).HasErrors());
  auto cur = store->CurrentLock("s");
  REQUIRE(cur.ok());
  REQUIRE(cur->has_value());
  CHECK((*cur)->id == second->id);
  CHECK(store->RenewLock(*second, 120).empty());
  auto renewed = store->CurrentLock("s");
  REQUIRE(renewed.ok());
  CHECK((*renewed)->lease_until > second->lease_until);
  CHECK(store->Unlock(*second).empty());
  auto none = store->CurrentLock("s");
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
}

TEST_CASE("ForceUnlock needs the exact lock id") {
  TempDir dir;
  auto store = OpenOrDie(dir.File("state.db"));
  CHECK(store->ForceUnlock("s", "anything").ToString().find("not locked") != std::string::npos);
  auto lock = store->Lock("s", "apply", 600);
  REQUIRE(lock.ok());
  Status wrong = store->ForceUnlock("s", "not-the-id");
  REQUIRE(wrong.HasErrors());
  CHECK(wrong.ToString().find("does not match") != std::string::npos);
  CHECK(store->Lock("s", "apply", 600).diags().HasErrors());
  CHECK(store->ForceUnlock("s", lock->id).empty());
  CHECK(store->Lock("s", "apply", 600).ok());
}

}  // namespace
}  // namespace capstan
