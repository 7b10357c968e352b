// Locking and storage faults end to end: two applies on one stack, a SIGKILLed lock
// holder, a full disk and a read-only state directory.
//
/// The second apply must fail fast and say who holds the lock (pid, host, operation,
/// lock id). A holder killed with SIGKILL cannot release its lock: on the same host the
/// next run sees its pid is gone and takes the lock over at once; a holder it cannot
/// vouch for (here: its row moved to another host) keeps the lock until the short lease
/// (CAPSTAN_LOCK_LEASE, seconds) expires or `force-unlock` removes it. Full and
/// read-only storage are real: the state database lives on a small tmpfs mounted for the
/// test (root only; skipped with a warning otherwise), filled up with a file, or
/// remounted read-only — so SQLite sees the real ENOSPC and EROFS, not a simulation.
/// Each fault must give a clear error and leave a database `state check` passes.
#include <sqlite3.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <regex>

#include "tests/cli/harness.h"

namespace capstan::clitest {
namespace {

/// Makes the sandbox's lock look held on another machine: its pid there proves nothing.
void MoveLockToAnotherHost(Sandbox& sb) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(sb.Path(".capstan/state.db").c_str(), &db) == SQLITE_OK);
  int rc =
      sqlite3_exec(db, "UPDATE locks SET host = 'elsewhere.example'", nullptr, nullptr, nullptr);
  int changed = sqlite3_changes(db);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
  REQUIRE(changed == 1);
}

constexpr const char* kSlowStack = R"(stack: locktest
resources:
  slow:
    type: local.command
    properties:
      create: "sleep %SECONDS%"
)";

std::string SlowStack(int seconds) {
  return std::regex_replace(kSlowStack, std::regex("%SECONDS%"), std::to_string(seconds));
}

std::string Host() {
  char buf[256] = {};
  gethostname(buf, sizeof buf - 1);
  return buf;
}

/// A tmpfs of `size` mounted at `dir` for the scope; mounted() is false when this
/// process may not mount (not root, or no CAP_SYS_ADMIN in a container).
class Tmpfs {
 public:
  Tmpfs(const std::string& dir, const std::string& size) : dir_(dir) {
    std::filesystem::create_directories(dir);
    mounted_ = ::mount("tmpfs", dir.c_str(), "tmpfs", 0, ("size=" + size).c_str()) == 0;
  }
  ~Tmpfs() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  bool Remount(bool read_only) {
    unsigned long flags = MS_REMOUNT | (read_only ? MS_RDONLY : 0);
    return ::mount("tmpfs", dir_.c_str(), "tmpfs", flags, nullptr) == 0;
  }

 private:
  std::string dir_;
  bool mounted_ = false;
};

/// Writes zeros to `path` until only about `leave` bytes of its file system are free,
/// so the next run starts (lock, history) and then runs out of space mid-apply.
void FillUp(const std::string& path, size_t leave) {
  struct statvfs vfs {};
  REQUIRE(::statvfs(std::filesystem::path(path).parent_path().c_str(), &vfs) == 0);
  size_t free_bytes = static_cast<size_t>(vfs.f_bavail) * vfs.f_frsize;
  REQUIRE(free_bytes > leave);
  FILE* f = std::fopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  std::string block(4096, '\0');
  for (size_t left = free_bytes - leave; left >= block.size(); left -= block.size()) {
    if (std::fwrite(block.data(), 1, block.size(), f) != block.size()) break;
  }
  std::fclose(f);
}

/// A stack of `n` files whose contents are `bytes` long each (big rows in state).
std::string BigStack(int n, size_t bytes) {
  std::string s = "stack: faults\nresources:\n";
  for (int i = 0; i < n; ++i) {
    s += "  f" + std::to_string(i) + ":\n    type: local.file\n    properties:\n      path: out/f" +
         std::to_string(i) + ".txt\n      content: \"" + std::string(bytes, 'x') + "\"\n";
  }
  return s;
}

}  // namespace

TEST_CASE("a second apply fails fast naming the lock holder", "[cli][lock]") {
  Sandbox sb;
  sb.Write("stack.yaml", SlowStack(4));
  pid_t first = sb.Spawn({"apply", "--auto-approve"}, "first");
  bool started =
      WaitFor([&] { return sb.Read("first.out").find("Creating...") != std::string::npos; });
  REQUIRE(started);

  auto t0 = std::chrono::steady_clock::now();
  RunResult second = sb.Run({"apply", "--auto-approve"});
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  INFO(Describe(second));
  CHECK(second.exit_code == 1);
  CHECK(seconds < 3.0);  // no waiting for the holder: fail fast
  CHECK(second.err.find("stack \"locktest\" is locked") != std::string::npos);
  CHECK(second.err.find("pid " + std::to_string(first)) != std::string::npos);
  CHECK(second.err.find(" on " + Host()) != std::string::npos);
  CHECK(second.err.find("for apply") != std::string::npos);
  std::smatch m;
  CHECK(std::regex_search(second.err, m, std::regex("lock id [0-9a-fA-F-]{36}")));
  CHECK(second.err.find("capstan force-unlock --stack locktest ") != std::string::npos);

  CHECK(Sandbox::Wait(first) == 0);
  CHECK(sb.Run({"state", "check"}).exit_code == 0);
}

TEST_CASE("a SIGKILLed holder's lock on this host is taken over at once", "[cli][lock]") {
  Sandbox sb;
  sb.Write("stack.yaml", SlowStack(60));
  pid_t holder = sb.Spawn({"apply", "--auto-approve"}, "holder");
  REQUIRE(WaitFor([&] { return sb.Read("holder.out").find("Creating...") != std::string::npos; }));
  killpg(holder, SIGKILL);
  CHECK(Sandbox::Wait(holder) == -SIGKILL);

  sb.Write("stack.yaml", SlowStack(0));
  RunResult after = sb.Run({"apply", "--auto-approve"});  // the 120 s lease is still live
  INFO(Describe(after));
  CHECK(after.exit_code == 0);
  CHECK(after.err.find("took over the lock of stack \"locktest\" from a dead run") !=
        std::string::npos);
  CHECK(after.err.find("no process " + std::to_string(holder) + " exists") != std::string::npos);
  CHECK(sb.Run({"state", "check"}).exit_code == 0);
  CHECK(sb.Run({"state", "list"}).out == "local.command.slow\n");
}

TEST_CASE("a SIGKILLed holder's lock on another host expires with its lease and is taken over",
          "[cli][lock]") {
  Sandbox sb;
  sb.SetEnv("CAPSTAN_LOCK_LEASE", "2");
  sb.Write("stack.yaml", SlowStack(60));
  pid_t holder = sb.Spawn({"apply", "--auto-approve"}, "holder");
  bool started =
      WaitFor([&] { return sb.Read("holder.out").find("Creating...") != std::string::npos; });
  REQUIRE(started);
  killpg(holder, SIGKILL);
  CHECK(Sandbox::Wait(holder) == -SIGKILL);
  MoveLockToAnotherHost(sb);

  sb.Write("stack.yaml", SlowStack(0));
  RunResult blocked = sb.Run({"apply", "--auto-approve"});  // the lease is still live
  INFO(Describe(blocked));
  bool was_blocked = blocked.exit_code == 1 && blocked.err.find("is locked") != std::string::npos;
  // (On a very loaded machine the 2 s lease may already be over; then it was taken over.)
  if (!was_blocked) CHECK(blocked.err.find("took over the expired lock") != std::string::npos);

  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  RunResult after = sb.Run({"apply", "--auto-approve"});
  INFO(Describe(after));
  if (was_blocked) {
    CHECK(after.exit_code == 0);
    CHECK(after.err.find("took over the expired lock of stack \"locktest\"") != std::string::npos);
    CHECK(after.err.find("pid " + std::to_string(holder)) != std::string::npos);
  }
  RunResult check = sb.Run({"state", "check"});
  INFO(Describe(check));
  CHECK(check.exit_code == 0);
  CHECK(sb.Run({"state", "list"}).out == "local.command.slow\n");
  CHECK(sb.Run({"force-unlock", "any-id"}).err.find("not locked") != std::string::npos);
}

TEST_CASE("the force-unlock command a blocked run prints works as printed", "[cli][lock]") {
  Sandbox sb;
  sb.Write("stack.yaml", SlowStack(60));
  pid_t holder = sb.Spawn({"apply", "--auto-approve"}, "holder");
  REQUIRE(WaitFor([&] { return sb.Read("holder.out").find("Creating...") != std::string::npos; }));
  killpg(holder, SIGKILL);
  Sandbox::Wait(holder);
  MoveLockToAnotherHost(sb);  // not provably dead: only force-unlock (or the lease) helps
  sb.Write("stack.yaml", SlowStack(0));
  RunResult blocked = sb.Run({"apply", "--auto-approve"});
  INFO(Describe(blocked));
  REQUIRE(blocked.exit_code == 1);
  std::smatch m;
  REQUIRE(std::regex_search(blocked.err, m, std::regex("run: capstan (force-unlock [^\\n]+)")));
  std::vector<std::string> args;
  std::istringstream words(m[1].str());
  for (std::string w; words >> w;) args.push_back(w);
  RunResult unlock = sb.Run(args);
  INFO(Describe(unlock));
  CHECK(unlock.exit_code == 0);
  RunResult after = sb.Run({"apply", "--auto-approve"});
  INFO(Describe(after));
  CHECK(after.exit_code == 0);
}

TEST_CASE("a full disk fails apply clearly and leaves an intact database", "[cli][fault]") {
  Sandbox sb;
  Tmpfs fs(sb.Path("mnt"), "4m");
  if (!fs.mounted()) {
    WARN("cannot mount a tmpfs (needs root with CAP_SYS_ADMIN); skipping");
    return;
  }
  const std::string db = "mnt/state.db";
  sb.Write("stack.yaml", BigStack(2, 1000));
  RunResult first = sb.Run({"apply", "--auto-approve", "--state", db});
  INFO(Describe(first));
  REQUIRE(first.exit_code == 0);

  FillUp(sb.Path("mnt/filler"), 256 * 1024);
  sb.Write("stack.yaml", BigStack(12, 200 * 1000));  // ~2.4 MB of new rows
  RunResult full = sb.Run({"apply", "--auto-approve", "--state", db});
  INFO(Describe(full));
  CHECK(full.exit_code == 1);
  CHECK(full.err.find("full") != std::string::npos);
  CHECK(full.err.find("Segmentation") == std::string::npos);

  std::filesystem::remove(sb.Path("mnt/filler"));
  RunResult check = sb.Run({"state", "check", "--state", db});
  INFO(Describe(check));
  CHECK(check.exit_code == 0);
  RunResult again = sb.Run({"apply", "--auto-approve", "--state", db});
  INFO(Describe(again));
  CHECK(again.exit_code == 0);
  CHECK(sb.Run({"plan", "--detailed-exitcode", "--state", db}).exit_code == 0);
}

TEST_CASE("a read-only state directory fails clearly and leaves an intact database",
          "[cli][fault]") {
  Sandbox sb;
  Tmpfs fs(sb.Path("mnt"), "4m");
  if (!fs.mounted()) {
    WARN("cannot mount a tmpfs (needs root with CAP_SYS_ADMIN); skipping");
    return;
  }
  const std::string db = "mnt/state.db";
  sb.Write("stack.yaml", BigStack(2, 100));
  REQUIRE(sb.Run({"apply", "--auto-approve", "--state", db}).exit_code == 0);
  const std::string before = sb.Read(db);

  REQUIRE(fs.Remount(/*read_only=*/true));
  sb.Write("stack.yaml", BigStack(3, 100));
  RunResult ro = sb.Run({"apply", "--auto-approve", "--state", db});
  INFO(Describe(ro));
  CHECK(ro.exit_code == 1);
  CHECK(ro.err.find("read-only") != std::string::npos);
  CHECK(sb.Read(db) == before);

  REQUIRE(fs.Remount(/*read_only=*/false));
  RunResult check = sb.Run({"state", "check", "--state", db});
  INFO(Describe(check));
  CHECK(check.exit_code == 0);
  CHECK(sb.Run({"state", "list", "--state", db}).out == "local.file.f0\nlocal.file.f1\n");
  CHECK(sb.Run({"apply", "--auto-approve", "--state", db}).exit_code == 0);
}

}  // namespace capstan::clitest
