// CAPSTAN_CRASH_AT (see crash_point.h): parse once, remember the journal row of the named
// address, SIGKILL at the named point.
#include "state/crash_point.h"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>

namespace capstan::crash_point {
namespace {

struct Target {
  bool active = false;
  std::string address;
  std::string point;  ///< before-call, after-call or after-commit.
  std::mutex mu;
  int64_t journal_id = 0;  ///< The row JournalBegin opened for `address`, once it has.
};

Target& Get() {
  static Target* t = [] {
    auto* t = new Target;
    const char* v = std::getenv("CAPSTAN_CRASH_AT");
    std::string spec = v ? v : "";
    size_t colon = spec.rfind(':');
    if (colon != std::string::npos && colon > 0) {
      t->address = spec.substr(0, colon);
      t->point = spec.substr(colon + 1);
      t->active =
          t->point == "before-call" || t->point == "after-call" || t->point == "after-commit";
    }
    return t;
  }();
  return *t;
}

[[noreturn]] void Die(const Target& t) {
  std::string msg = "capstan: CAPSTAN_CRASH_AT: SIGKILL at " + t.address + ":" + t.point + "\n";
  ssize_t n = ::write(2, msg.data(), msg.size());
  (void)n;
  ::kill(::getpid(), SIGKILL);
  std::abort();  // not reached
}

void Fire(int64_t journal_id, const char* point) {
  Target& t = Get();
  if (!t.active || t.point != point) return;
  std::lock_guard<std::mutex> lock(t.mu);
  if (t.journal_id != 0 && t.journal_id == journal_id) Die(t);
}

}  // namespace

void Began(int64_t journal_id, const std::string& address) {
  Target& t = Get();
  if (!t.active || address != t.address) return;
  {
    std::lock_guard<std::mutex> lock(t.mu);
    t.journal_id = journal_id;
  }
  Fire(journal_id, "before-call");
}

void Committing(int64_t journal_id) { Fire(journal_id, "after-call"); }

void Committed(int64_t journal_id) { Fire(journal_id, "after-commit"); }

}  // namespace capstan::crash_point
