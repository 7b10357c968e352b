// Group commit: journal and result writes from many threads share transactions.
//
/// The apply's safety contract rests on two promises the batching must not weaken: a
/// write returns only once the transaction holding it committed, and one write's failure
/// is that write's alone (unless the shared transaction itself fails, which every writer
/// in it then hears about). CommitQueue is tested directly where a deterministic batch is
/// needed; the store is tested end to end with real threads.
#include <sqlite3.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <set>
#include <thread>

#include "state/commit_queue.h"
#include "state/sqlite_store.h"
#include "tests/state/state_test_util.h"

namespace capstan {
namespace {

using testing::MakeInstance;
using testing::OpenOrDie;
using testing::TempDir;

/// Sleeps in 1 ms steps until `pred` holds; false after 10 s. (Catch2 assertions are
/// not thread-safe, so worker threads record results and the main thread checks them.)
template <typename Pred>
bool WaitFor(Pred pred) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

TEST_CASE("CommitQueue batches what arrives during a commit, in arrival order") {
  std::mutex mu;
  std::vector<std::vector<std::string>> batches;
  std::atomic<bool> release{false};
  std::vector<Status> results(4);
  CommitQueue queue([&](const std::vector<CommitRequest*>& batch) {
    std::vector<std::string> names;
    for (CommitRequest* r : batch) {
      r->body(&r->result);
      names.push_back(r->what);
    }
    std::lock_guard lock(mu);
    batches.push_back(names);
  });
  // The first write blocks inside its batch until released, so the next three queue up.
  std::thread first([&] {
    CommitRequest r;
    r.what = "first";
    r.body = [&](Diagnostics*) { WaitFor([&] { return release.load(); }); };
    results[3] = queue.Submit(r);
  });
  REQUIRE(WaitFor([&] { return queue.batches() == 1; }));
  std::vector<std::thread> rest;
  for (int i = 0; i < 3; ++i) {
    rest.emplace_back([&queue, &results, i] {
      CommitRequest r;
      r.what = "w" + std::to_string(i);
      r.body = [i](Diagnostics* err) {
        if (i == 1) err->Error("w1 refused");
      };
      results[i] = queue.Submit(r);
    });
    REQUIRE(WaitFor([&] { return queue.queued() == static_cast<size_t>(i + 1); }));
  }
  release = true;
  first.join();
  for (auto& t : rest) t.join();
  CHECK(results[3].empty());
  CHECK(results[0].empty());
  CHECK(results[1].HasErrors());  // its own failure only
  CHECK(results[2].empty());
  std::lock_guard lock(mu);
  REQUIRE(batches.size() == 2);
  CHECK(batches[0] == std::vector<std::string>{"first"});
  CHECK(batches[1] == std::vector<std::string>{"w0", "w1", "w2"});
}

TEST_CASE("Journal writes and results from many threads all land") {
  TempDir dir;
  auto opened = SqliteStore::OpenSqlite(dir.File("state.db"), testing::TestBox());
  REQUIRE(opened.ok());
  SqliteStore& store = *opened.value();
  constexpr int kThreads = 24, kPerThread = 20;
  std::mutex mu;
  std::set<int64_t> ids;
  std::atomic<int> failures{0};
  // MakeInstance uses Catch2 macros, which are not thread-safe: build everything first.
  std::vector<std::vector<InstanceState>> insts(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) {
      std::string addr = "mem.thing.t" + std::to_string(t) + "_" + std::to_string(i);
      insts[t].push_back(MakeInstance(addr, "id-" + addr));
    }
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      int64_t last = 0;
      for (int i = 0; i < kPerThread; ++i) {
        const InstanceState& inst = insts[t][i];
        std::string addr = inst.address.ToString();
        auto j = store.JournalBegin("s", "run", addr, "create", "");
        if (!j.ok()) {
          ++failures;
          continue;
        }
        // One thread's writes keep their order: its journal ids increase.
        if (*j <= last) ++failures;
        last = *j;
        {
          std::lock_guard lock(mu);
          ids.insert(*j);
        }
        InstanceWrite w{InstanceWrite::Kind::kPut, inst};
        if (store.CommitResult("s", *j, "ok", {w}).HasErrors()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(failures == 0);
  CHECK(ids.size() == kThreads * kPerThread);
  // Fewer transactions than writes: concurrent writes shared them. (Not asserted: how
  // many share depends on the machine; correctness must not.)
  INFO("batches " << store.CommitBatches());
  auto s = store.Load("s");
  REQUIRE(s.ok());
  CHECK(s->instances.size() == kThreads * kPerThread);
  CHECK(s->serial == kThreads * kPerThread);  // one bump per CommitResult, batched or not
  auto open = store.OpenJournal("s");
  REQUIRE(open.ok());
  CHECK(open->empty());
  CHECK(store.Check().empty());
}

TEST_CASE("A failing write in a shared batch fails alone") {
  TempDir dir;
  auto store = OpenOrDie(dir.File("state.db"));
  constexpr int kThreads = 16;
  std::vector<int64_t> journal(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    auto j = store->JournalBegin("s", "run", "mem.thing.t" + std::to_string(t), "create", "");
    REQUIRE(j.ok());
    journal[t] = *j;
  }
  std::vector<Status> results(kThreads);
  std::vector<std::vector<InstanceWrite>> writes(kThreads);  // built here: see above
  for (int t = 0; t < kThreads; ++t) {
    std::string addr = "mem.thing.t" + std::to_string(t);
    writes[t].push_back({InstanceWrite::Kind::kPut, MakeInstance(addr, "x")});
    // Every third thread also removes an instance that does not exist: its whole
    // CommitResult must fail and leave its journal row open.
    if (t % 3 == 0) {
      writes[t].push_back({InstanceWrite::Kind::kRemove, MakeInstance("mem.thing.ghost", "")});
    }
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back(
        [&, t] { results[t] = store->CommitResult("s", journal[t], "ok", writes[t]); });
  }
  for (auto& t : threads) t.join();
  int failed = 0;
  for (int t = 0; t < kThreads; ++t) {
    INFO("thread " << t << ": " << results[t].ToString());
    CHECK(results[t].HasErrors() == (t % 3 == 0));
    if (t % 3 == 0) {
      ++failed;
      CHECK(results[t].ToString().find("mem.thing.ghost") != std::string::npos);
    }
  }
  auto s = store->Load("s");
  REQUIRE(s.ok());
  CHECK(s->instances.size() == static_cast<size_t>(kThreads - failed));
  CHECK(s->serial == kThreads - failed);
  auto open = store->OpenJournal("s");
  REQUIRE(open.ok());
  CHECK(open->size() == static_cast<size_t>(failed));
  for (const auto& row : *open)
    CHECK(std::stoi(row.address.substr(row.address.rfind('t') + 1)) % 3 == 0);
}

TEST_CASE("A batch whose transaction cannot start fails every writer in it") {
  TempDir dir;
  const std::string path = dir.File("state.db");
  auto opened = SqliteStore::OpenSqlite(path, testing::TestBox());
  REQUIRE(opened.ok());
  SqliteStore& store = *opened.value();
  REQUIRE(store.PutInstance("s", MakeInstance("mem.thing.before", "b")).empty());
  sqlite3_busy_timeout(store.handle(), 50);
  // Another connection holds the write lock: BEGIN IMMEDIATE of every batch times out.
  sqlite3* other = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &other) == SQLITE_OK);
  REQUIRE(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
  constexpr int kThreads = 8;
  std::vector<Status> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      results[t] =
          store.JournalBegin("s", "run", "mem.thing.t" + std::to_string(t), "create", "").diags();
    });
  }
  for (auto& t : threads) t.join();
  for (int t = 0; t < kThreads; ++t) {
    INFO(results[t].ToString());
    REQUIRE(results[t].HasErrors());
    CHECK(results[t].ToString().find("mem.thing.t" + std::to_string(t)) != std::string::npos);
    CHECK(results[t].ToString().find("locked") != std::string::npos);
  }
  REQUIRE(sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(other);
  // Nothing was written, and the store works again once the lock is gone.
  auto open = store.OpenJournal("s");
  REQUIRE(open.ok());
  CHECK(open->empty());
  auto j = store.JournalBegin("s", "run", "mem.thing.after", "create", "");
  REQUIRE(j.ok());
  CHECK(store.CommitResult("s", *j, "ok", {}).empty());
}

}  // namespace
}  // namespace capstan
