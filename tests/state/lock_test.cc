// Stack locks between processes, lease expiry and force-unlock.
#include <signal.h>
#include <sqlite3.h>
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

/// A child process takes the lock of stack "s" and dies by SIGKILL, as a killed run
/// does: its row stays, its lease is live, its pid no longer exists. Returns its pid.
pid_t LockAndDie(const std::string& db) {
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    auto store = StateStore::Open(db, testing::TestBox());
    if (!store.ok() || !(*store)->Lock("s", "apply", 600).ok()) ::_exit(2);
    ::raise(SIGKILL);
  }
  int wstatus = 0;
  REQUIRE(::waitpid(child, &wstatus, 0) == child);  // reaped: the pid is free now
  REQUIRE(WIFSIGNALED(wstatus));
  return child;
}

using testing::ExecSql;

TEST_CASE("A lock whose holder was killed on this host is taken over at once with a warning") {
  TempDir dir;
  const std::string db = dir.File("state.db");
  { OpenOrDie(db); }
  pid_t dead = LockAndDie(db);
  auto store = OpenOrDie(db);
  auto before = store->CurrentLock("s");
  REQUIRE(before.ok());
  REQUIRE(before->has_value());
  CHECK((*before)->pid == dead);

  auto mine = store->Lock("s", "destroy", 60);
  INFO(mine.diags().ToString());
  REQUIRE(mine.ok());
  REQUIRE(mine.diags().size() == 1);
  CHECK(mine.diags().items()[0].severity == Severity::kWarning);
  const std::string msg = mine.diags().ToString();
  CHECK(msg.find("from a dead run") != std::string::npos);
  CHECK(msg.find("no process " + std::to_string(dead) + " exists") != std::string::npos);
  CHECK(msg.find((*before)->id) != std::string::npos);
  auto after = store->CurrentLock("s");
  REQUIRE(after.ok());
  CHECK((*after)->id == mine->id);
}

TEST_CASE("A dead holder's lock is kept when its host or pid namespace is not this one") {
  TempDir dir;
  const std::string db = dir.File("state.db");
  { OpenOrDie(db); }
  LockAndDie(db);
  auto store = OpenOrDie(db);
  auto held = store->CurrentLock("s");
  REQUIRE(held.ok());
  REQUIRE(held->has_value());
  const LockInfo orig = **held;
  char ns[256] = {};
  REQUIRE(::readlink("/proc/self/ns/pid", ns, sizeof(ns) - 1) > 0);  // the holder's too

  // Another host: its pids say nothing here.
  ExecSql(db, "UPDATE locks SET host = 'elsewhere.example'");
  auto other_host = store->Lock("s", "destroy", 60);
  CHECK_FALSE(other_host.ok());
  CHECK(other_host.diags().ToString().find("is locked") != std::string::npos);

  // Same host, but another pid namespace (a container), or none recorded (an older
  // capstan): kill(pid, 0) here cannot speak for it.
  ExecSql(db, "UPDATE locks SET host = '" + orig.host + "', pid_namespace = 'pid:[1]'");
  CHECK_FALSE(store->Lock("s", "destroy", 60).ok());
  ExecSql(db, "UPDATE locks SET pid_namespace = ''");
  CHECK_FALSE(store->Lock("s", "destroy", 60).ok());

  // Everything proven again: taken over.
  ExecSql(db, "UPDATE locks SET pid_namespace = '" + std::string(ns) + "'");
  CHECK(store->Lock("s", "destroy", 60).ok());
}

TEST_CASE("A lock whose pid is alive on this host is not taken over") {
  TempDir dir;
  const std::string db = dir.File("state.db");
  { OpenOrDie(db); }
  LockAndDie(db);
  auto store = OpenOrDie(db);
  // Point the row at a process that exists (this one): alive, or a reused pid, is the
  // same to capstan: not provably dead.
  ExecSql(db, "UPDATE locks SET pid = " + std::to_string(::getpid()));
  auto refused = store->Lock("s", "destroy", 60);
  CHECK_FALSE(refused.ok());
  CHECK(refused.diags().ToString().find("is locked") != std::string::npos);
}

}  // namespace
}  // namespace capstan
