// Tests for quick runners (SchedulerOptions::quick_runners): runners that only start their
// job, so a few threads keep any number of jobs in flight and hand out waves in chunks.

#include <atomic>
#include <catch2/catch.hpp>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "engine/scheduler.h"
#include "tests/engine/async_jobs.h"

namespace capstan {
namespace {

using testing::Fan;
using testing::LaterReporter;

/// Holds every report until `expected` jobs have started, then reports them all from its
/// own thread: the jobs are in flight together, as calls waiting on a cloud are.
class HeldReports {
 public:
  explicit HeldReports(int expected) : expected_(expected), thread_([this] { Loop(); }) {}
  ~HeldReports() { thread_.join(); }
  void Started(const JobDone& done) {
    std::lock_guard<std::mutex> l(mu_);
    held_.push_back(done);
    if (static_cast<int>(held_.size()) == expected_) cv_.notify_all();
  }

 private:
  void Loop() {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return static_cast<int>(held_.size()) == expected_; });
    std::vector<JobDone> all = held_;
    l.unlock();
    for (const JobDone& d : all) d(true);
  }
  const int expected_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<JobDone> held_;
  std::thread thread_;
};

SchedulerOptions Quick(int parallelism, int threads) {
  SchedulerOptions o;
  o.parallelism = parallelism;
  o.quick_runners = true;
  o.threads = threads;
  return o;
}

TEST_CASE("Quick runners keep a whole wide level in flight on two threads") {
  const int width = 300;
  auto jobs = Fan(width);
  std::mutex mu;
  std::set<std::thread::id> threads;
  HeldReports held(width);  // the middles report only once all of them have started
  LaterReporter later;
  Scheduler s(Quick(1000, 2));
  auto result = s.RunAsync(jobs, [&](const Job& j, const JobDone& done) {
    {
      std::lock_guard<std::mutex> l(mu);
      threads.insert(std::this_thread::get_id());
    }
    if (j.id >= 1 && j.id <= width) {
      held.Started(done);
    } else {
      later.Report(done, true);
    }
  });
  REQUIRE(result.AllSucceeded());
  CHECK(result.max_concurrency_seen == width);
  CHECK(threads.size() <= 2);
}

TEST_CASE("Quick runners start each job once, prepared, with waves in chunks") {
  const int width = 500;
  auto jobs = Fan(width);
  std::mutex mu;
  std::vector<int> prepared(jobs.size(), 0), runs(jobs.size(), 0);
  int prepare_calls = 0, unprepared_starts = 0;
  LaterReporter later;
  Scheduler s(Quick(1000, 3));
  auto result = s.RunAsync(
      jobs,
      [&](const Job& j, const JobDone& done) {
        {
          std::lock_guard<std::mutex> l(mu);
          ++runs[j.id];
          if (prepared[j.id] != 1) ++unprepared_starts;
        }
        later.Report(done, true);
      },
      [&](const std::vector<int>& ids) {
        std::lock_guard<std::mutex> l(mu);
        ++prepare_calls;
        for (int id : ids) ++prepared[id];
      });
  REQUIRE(result.AllSucceeded());
  CHECK(unprepared_starts == 0);
  int wrong = 0;
  for (size_t i = 0; i < jobs.size(); ++i) wrong += prepared[i] == 1 && runs[i] == 1 ? 0 : 1;
  CHECK(wrong == 0);
  // Every hand-out takes at least 16 jobs when as many are startable: the 500 middles
  // come in at most 500 / 16 calls, never one each.
  CHECK(prepare_calls <= 2 + (width + 15) / 16);
}

TEST_CASE("Quick runners honour a pool's limit across chunks") {
  const int n = 120;
  std::vector<Job> jobs(n);
  for (int i = 0; i < n; ++i) {
    jobs[i].id = i;
    jobs[i].pool = i % 2 == 0 ? "narrow" : "";
  }
  std::atomic<int> in_narrow{0}, most_in_narrow{0};
  LaterReporter later;
  SchedulerOptions o = Quick(1000, 2);
  o.pools["narrow"] = 3;
  Scheduler s(o);
  auto result = s.RunAsync(jobs, [&](const Job& j, const JobDone& done) {
    if (!j.pool.empty()) {
      int now = ++in_narrow;
      int seen = most_in_narrow.load();
      while (now > seen && !most_in_narrow.compare_exchange_weak(seen, now)) {
      }
      // Leave the count before reporting: the scheduler may start the next one in done().
      later.Later([&in_narrow, done] {
        --in_narrow;
        done(true);
      });
      return;
    }
    later.Report(done, true);
  });
  REQUIRE(result.AllSucceeded());
  CHECK(most_in_narrow.load() <= 3);
}

TEST_CASE("Quick runners: a failure reported later skips its dependents only") {
  auto jobs = Fan(40);
  jobs.push_back(Job{.id = 42, .after = {}, .pool = "", .weight = 1.0});  // independent
  LaterReporter later;
  Scheduler s(Quick(100, 2));
  auto result =
      s.RunAsync(jobs, [&](const Job& j, const JobDone& done) { later.Report(done, j.id != 7); });
  CHECK(result.outcomes[7] == JobOutcome::kFailed);
  CHECK(result.outcomes[41] == JobOutcome::kSkipped);  // the sink
  CHECK(result.outcomes[42] == JobOutcome::kSucceeded);
  int ok = 0;
  for (int i = 1; i <= 40; ++i) ok += result.outcomes[i] == JobOutcome::kSucceeded ? 1 : 0;
  CHECK(ok == 39);
}

TEST_CASE("Quick runners: an interrupt starts nothing more and waits for what is in flight") {
  const int n = 200;
  std::vector<Job> jobs(n);
  for (int i = 0; i < n; ++i) {
    jobs[i].id = i;
    if (i > 0) jobs[i].after = {i - 1};  // a chain: one in flight at a time
  }
  std::atomic<int> started{0};
  LaterReporter later;
  Scheduler s(Quick(10, 2));
  auto result = s.RunAsync(jobs, [&](const Job&, const JobDone& done) {
    if (++started == 5) s.Interrupt();
    later.Report(done, true);
  });
  CHECK(result.interrupted);
  CHECK(started.load() == 5);
  CHECK(result.outcomes[4] == JobOutcome::kSucceeded);  // in flight at the interrupt
  CHECK(result.outcomes[5] == JobOutcome::kNotStarted);
}

}  // namespace
}  // namespace capstan
