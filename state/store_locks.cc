// Stack locks: one row per locked stack, with a lease.
//
/// SQLite's own locks last one transaction; a capstan run lasts minutes. So a run takes
/// a row in `locks`, checked and written inside one BEGIN IMMEDIATE transaction (no two
/// processes can both see "free"). The row carries a lease instead of relying on the
/// holder to clean up: a crashed run's lock expires and the next run takes it over with
/// a warning, and `force-unlock` with the exact lock id handles a live but stuck holder.
/// A holder that provably died takes no lease wait: same host, same pid namespace, and
/// kill(pid, 0) fails with ESRCH (a SIGKILLed run, an OOM kill). Anything less certain —
/// another host, another or unknown namespace, a pid that exists (alive, or reused) —
/// leaves the lock to its lease or to force-unlock.
#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>

#include "engine/hash.h"
#include "state/sqlite_store.h"

namespace capstan {
namespace {

using sqlite::Quoted;

std::string HostName() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof(buf) - 1) != 0) return "unknown-host";
  return buf;
}

std::string UserName() {
  if (const passwd* pw = ::getpwuid(::geteuid()); pw != nullptr && pw->pw_name != nullptr) {
    return pw->pw_name;
  }
  if (const char* u = std::getenv("USER"); u != nullptr && *u != '\0') return u;
  return "uid" + std::to_string(::geteuid());
}

/// This process's pid namespace, "pid:[N]", or "" when /proc does not say.
std::string PidNamespace() {
  char buf[PATH_MAX] = {};
  ssize_t n = ::readlink("/proc/self/ns/pid", buf, sizeof(buf) - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

/// True only when the holder's process provably does not exist any more. `pid_namespace`
/// is the holder's (locks.pid_namespace): a pid means something in that namespace only.
bool HolderIsGone(const LockInfo& l, const std::string& pid_namespace) {
  if (l.pid <= 0 || l.host != HostName()) return false;
  if (pid_namespace.empty() || pid_namespace != PidNamespace()) return false;
  return ::kill(static_cast<pid_t>(l.pid), 0) != 0 && errno == ESRCH;
}

std::string Describe(const LockInfo& l) {
  return "held by " + l.holder + " (pid " + std::to_string(l.pid) + " on " + l.host + ") for " +
         l.operation + " since " + IsoTime(l.acquired_at) + ", lock id " + l.id;
}

}  // namespace

Result<LockInfo> SqliteStore::Lock(const std::string& stack, const std::string& operation,
                                   int lease_seconds) {
  std::lock_guard lock(mu_);
  Diagnostics err;
  const std::string what = "cannot lock stack " + Quoted(stack);
  sqlite::Transaction txn(db_, &err, what);
  if (!txn.active() || !EnsureStack(stack, &err)) return err;
  const int64_t now = NowSeconds();
  std::optional<LockInfo> existing;
  {
    auto cur = CurrentLockLocked(stack, &err);
    if (err.HasErrors()) return err;
    existing = std::move(cur);
  }
  std::string holder_namespace;
  if (existing) {
    auto ns = stmts_.Get("SELECT pid_namespace FROM locks WHERE stack = ?", &err);
    if (!ns.valid()) return err;
    if (ns.Bind(1, stack).Step(&err, "cannot read the lock of stack " + Quoted(stack))) {
      holder_namespace = ns.Text(0);
    }
    if (err.HasErrors()) return err;
  }
  Diagnostics warnings;
  if (existing && existing->lease_until > now && HolderIsGone(*existing, holder_namespace)) {
    warnings.Warning("took over the lock of stack " + Quoted(stack) + " from a dead run",
                     "it was " + Describe(*existing) + "; no process " +
                         std::to_string(existing->pid) + " exists on " + existing->host +
                         " any more, so that run was killed; its journal will be checked");
  } else if (existing) {
    if (existing->lease_until > now) {
      err.Error("stack " + Quoted(stack) + " is locked",
                Describe(*existing) + ", lease until " + IsoTime(existing->lease_until) +
                    ".\nWait for that run to finish. If it is gone, run: capstan force-unlock "
                    "--stack " +
                    stack + " " + existing->id);
      return err;
    }
    warnings.Warning("took over the expired lock of stack " + Quoted(stack),
                     "it was " + Describe(*existing) + " and its lease ended at " +
                         IsoTime(existing->lease_until) +
                         "; that run may have crashed, so its journal will be checked");
  }
  LockInfo info;
  info.id = NewUuid();
  info.stack = stack;
  info.host = HostName();
  info.holder = UserName() + "@" + info.host;
  info.operation = operation;
  info.pid = ::getpid();
  info.acquired_at = now;
  info.lease_until = now + lease_seconds;
  auto st = stmts_.Get(
      "INSERT OR REPLACE INTO locks(stack, id, holder, operation, pid, host, acquired_at, "
      "lease_until, pid_namespace) VALUES (?,?,?,?,?,?,?,?,?)",
      &err);
  if (!st.valid() || !st.Bind(1, stack)
                          .Bind(2, info.id)
                          .Bind(3, info.holder)
                          .Bind(4, info.operation)
                          .Bind(5, info.pid)
                          .Bind(6, info.host)
                          .Bind(7, info.acquired_at)
                          .Bind(8, info.lease_until)
                          .Bind(9, PidNamespace())
                          .Run(&err, what)) {
    return err;
  }
  if (!txn.Commit(&err)) return err;
  Result<LockInfo> out(std::move(info));
  out.diags().Append(warnings);
  return out;
}

Status SqliteStore::RenewLock(const LockInfo& lock, int lease_seconds) {
  std::lock_guard guard(mu_);
  Diagnostics err;
  const std::string what = "cannot renew the lock of stack " + Quoted(lock.stack);
  auto st = stmts_.Get("UPDATE locks SET lease_until = ? WHERE stack = ? AND id = ?", &err);
  if (!st.valid() || !st.Bind(1, NowSeconds() + lease_seconds)
                          .Bind(2, lock.stack)
                          .Bind(3, lock.id)
                          .Run(&err, what)) {
    return err;
  }
  if (sqlite3_changes(db_) == 0) {
    err.Error(what, "lock " + lock.id +
                        " is no longer held: it expired and was taken over, or was "
                        "force-unlocked");
  }
  return err;
}

Status SqliteStore::Unlock(const LockInfo& lock) {
  std::lock_guard guard(mu_);
  Diagnostics err;
  const std::string what = "cannot unlock stack " + Quoted(lock.stack);
  auto st = stmts_.Get("DELETE FROM locks WHERE stack = ? AND id = ?", &err);
  if (!st.valid() || !st.Bind(1, lock.stack).Bind(2, lock.id).Run(&err, what)) return err;
  if (sqlite3_changes(db_) == 0) {
    err.Error(what, "lock " + lock.id +
                        " is no longer held (taken over or force-unlocked); the current "
                        "lock, if any, was left alone");
  }
  return err;
}

Status SqliteStore::ForceUnlock(const std::string& stack, const std::string& lock_id) {
  std::lock_guard guard(mu_);
  Diagnostics err;
  const std::string what = "cannot force-unlock stack " + Quoted(stack);
  sqlite::Transaction txn(db_, &err, what);
  if (!txn.active()) return err;
  auto cur = CurrentLockLocked(stack, &err);
  if (err.HasErrors()) return err;
  if (!cur) {
    err.Error(what, "the stack is not locked");
    return err;
  }
  if (cur->id != lock_id) {
    err.Error(what, "lock id " + lock_id + " does not match the current lock, " + Describe(*cur));
    return err;
  }
  auto st = stmts_.Get("DELETE FROM locks WHERE stack = ? AND id = ?", &err);
  if (!st.valid() || !st.Bind(1, stack).Bind(2, lock_id).Run(&err, what)) return err;
  txn.Commit(&err);
  return err;
}

std::optional<LockInfo> SqliteStore::CurrentLockLocked(const std::string& stack, Diagnostics* err) {
  auto st = stmts_.Get(
      "SELECT id, holder, operation, pid, host, acquired_at, lease_until FROM locks "
      "WHERE stack = ?",
      err);
  if (!st.valid()) return std::nullopt;
  if (!st.Bind(1, stack).Step(err, "cannot read the lock of stack " + Quoted(stack))) {
    return std::nullopt;
  }
  LockInfo l;
  l.id = st.Text(0);
  l.stack = stack;
  l.holder = st.Text(1);
  l.operation = st.Text(2);
  l.pid = st.Int(3);
  l.host = st.Text(4);
  l.acquired_at = st.Int(5);
  l.lease_until = st.Int(6);
  return l;
}

Result<std::optional<LockInfo>> SqliteStore::CurrentLock(const std::string& stack) {
  std::lock_guard guard(mu_);
  Diagnostics err;
  auto l = CurrentLockLocked(stack, &err);
  if (err.HasErrors()) return err;
  return l;
}

}  // namespace capstan
