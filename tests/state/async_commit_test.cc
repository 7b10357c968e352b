// Asynchronous result commits and journal waves: the writes the applier uses so its
// workers need not sleep through a commit.
//
/// The promises under test: a completion runs only after the transaction holding its
/// write committed and gets that write's own status; a completion may write again
/// without deadlocking the writer thread; a wave's journal rows land in one write, in
/// order, all or none.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "state/commit_queue.h"
#include "state/sqlite_store.h"
#include "tests/state/state_test_util.h"

namespace capstan {
namespace {

using testing::MakeInstance;
using testing::OpenOrDie;
using testing::TempDir;

/// Waits (10 s at most) until `n` completions have been counted.
class Countdown {
 public:
  void Hit() {
    std::lock_guard<std::mutex> l(mu_);
    ++hits_;
    cv_.notify_all();
  }
  bool WaitFor(int n) {
    std::unique_lock<std::mutex> l(mu_);
    return cv_.wait_for(l, std::chrono::seconds(10), [&] { return hits_ >= n; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int hits_ = 0;
};

TEST_CASE("SubmitAsync runs the completion after its batch, with its own result") {
  std::atomic<int> ran{0};
  std::atomic<int> completed_before_run{0};
  std::vector<std::string> seen;
  std::mutex mu;
  Countdown done;
  CommitQueue queue([&](const std::vector<CommitRequest*>& batch) {
    for (CommitRequest* r : batch) r->body(&r->result);
  });
  for (int i = 0; i < 3; ++i) {
    auto req = std::make_unique<CommitRequest>();
    req->what = "w" + std::to_string(i);
    req->body = [&, i](Diagnostics* err) {
      ++ran;
      if (i == 1) err->Error("w1 refused");
    };
    queue.SubmitAsync(std::move(req), [&, i](const Diagnostics& result) {
      if (ran.load() < i + 1) ++completed_before_run;
      std::lock_guard<std::mutex> l(mu);
      seen.push_back("w" + std::to_string(i) + (result.HasErrors() ? " failed" : " ok"));
      done.Hit();
    });
  }
  REQUIRE(done.WaitFor(3));
  queue.Stop();
  CHECK(completed_before_run.load() == 0);
  CHECK(seen == std::vector<std::string>{"w0 ok", "w1 failed", "w2 ok"});
}

TEST_CASE("A completion that submits again is written at once instead of deadlocking") {
  std::atomic<int> batches_run{0};
  Countdown done;
  Status inner;
  CommitQueue queue([&](const std::vector<CommitRequest*>& batch) {
    ++batches_run;
    for (CommitRequest* r : batch) r->body(&r->result);
  });
  auto req = std::make_unique<CommitRequest>();
  req->what = "outer";
  req->body = [](Diagnostics*) {};
  queue.SubmitAsync(std::move(req), [&](const Diagnostics&) {
    CommitRequest again;
    again.what = "inner";
    again.body = [](Diagnostics* err) { err->Error("inner refused"); };
    inner = queue.Submit(again);  // on the writer thread: a batch of one, right here
    done.Hit();
  });
  REQUIRE(done.WaitFor(1));
  queue.Stop();
  CHECK(inner.HasErrors());
  CHECK(batches_run.load() == 2);
}

TEST_CASE("Stop finishes queued asynchronous writes and runs their completions") {
  std::atomic<int> completions{0};
  {
    CommitQueue queue([&](const std::vector<CommitRequest*>& batch) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      for (CommitRequest* r : batch) r->body(&r->result);
    });
    for (int i = 0; i < 50; ++i) {
      auto req = std::make_unique<CommitRequest>();
      req->body = [](Diagnostics*) {};
      queue.SubmitAsync(std::move(req), [&](const Diagnostics&) { ++completions; });
    }
  }  // the destructor stops the queue
  CHECK(completions.load() == 50);
}

TEST_CASE("CommitResultAsync closes the row and stores the instance before its callback") {
  TempDir dir;
  auto opened = SqliteStore::OpenSqlite(dir.File("state.db"), testing::TestBox());
  REQUIRE(opened.ok());
  SqliteStore& store = *opened.value();
  auto j = store.JournalBegin("s", "run", "mem.thing.a", "create", "");
  REQUIRE(j.ok());
  InstanceState inst = MakeInstance("mem.thing.a", "id-a");
  Countdown done;
  Status status;
  bool visible_in_callback = false;
  store.CommitResultAsync("s", *j, "ok", {InstanceWrite{InstanceWrite::Kind::kPut, inst}},
                          [&](const Status& st) {
                            status = st;
                            // The store may be read from the completion (it holds no lock).
                            auto open = store.OpenJournal("s");
                            visible_in_callback = open.ok() && open->empty();
                            done.Hit();
                          });
  REQUIRE(done.WaitFor(1));
  CHECK(status.empty());
  CHECK(visible_in_callback);
  auto s = store.Load("s");
  REQUIRE(s.ok());
  REQUIRE(s->instances.size() == 1);
  CHECK(s->instances[0].id == "id-a");
  CHECK(s->serial == 1);
}

TEST_CASE("CommitResultAsync reports a failed write and leaves the journal row open") {
  TempDir dir;
  auto opened = SqliteStore::OpenSqlite(dir.File("state.db"), testing::TestBox());
  REQUIRE(opened.ok());
  SqliteStore& store = *opened.value();
  Countdown done;
  Status status;
  // Journal row 4242 was never begun: the close fails, and with it the whole write.
  store.CommitResultAsync(
      "s", 4242, "ok", {InstanceWrite{InstanceWrite::Kind::kPut, MakeInstance("mem.thing.a", "x")}},
      [&](const Status& st) {
        status = st;
        done.Hit();
      });
  REQUIRE(done.WaitFor(1));
  REQUIRE(status.HasErrors());
  CHECK(status.items().front().summary.find("journal entry 4242") != std::string::npos);
  auto s = store.Load("s");
  REQUIRE(s.ok());
  CHECK(s->instances.empty());
}

TEST_CASE(
    "A batch counts one serial per result, even when the write that registered its stack failed") {
  TempDir dir;
  auto opened = SqliteStore::OpenSqlite(dir.File("state.db"), testing::TestBox());
  REQUIRE(opened.ok());
  SqliteStore& store = *opened.value();
  Countdown done;
  std::vector<Status> status(4);
  auto put = [&](const std::string& stack, int64_t row, const std::string& addr, int i,
                 int hold_ms) {
    store.CommitResultAsync(stack, row, "ok",
                            {InstanceWrite{InstanceWrite::Kind::kPut, MakeInstance(addr, addr)}},
                            [&, i, hold_ms](const Status& st) {
                              status[i] = st;
                              // Holding the writer thread in a completion makes what is queued
                              // meanwhile one batch (the next one); were it split, the checks below
                              // would still hold.
                              std::this_thread::sleep_for(std::chrono::milliseconds(hold_ms));
                              done.Hit();
                            });
  };
  put("other", 0, "mem.thing.x", 0, 300);
  // In the next batch: the first write to the new stack "fresh" fails (its journal row
  // was never begun) after registering the stack in its savepoint; two more succeed.
  put("fresh", 4242, "mem.thing.lost", 1, 0);
  put("fresh", 0, "mem.thing.a", 2, 0);
  put("fresh", 0, "mem.thing.b", 3, 0);
  REQUIRE(done.WaitFor(4));
  CHECK(status[0].empty());
  CHECK(status[1].HasErrors());
  CHECK(status[2].empty());
  CHECK(status[3].empty());
  auto fresh = store.Load("fresh");
  REQUIRE(fresh.ok());
  CHECK(fresh->serial == 2);
  CHECK_FALSE(fresh->lineage.empty());
  CHECK(fresh->instances.size() == 2);
  auto stacks = store.Stacks();
  REQUIRE(stacks.ok());
  CHECK(stacks.value() == std::vector<std::string>{"fresh", "other"});
}

TEST_CASE("JournalBeginMany opens one row per intent, in order, in one write") {
  TempDir dir;
  auto opened = SqliteStore::OpenSqlite(dir.File("state.db"), testing::TestBox());
  REQUIRE(opened.ok());
  SqliteStore& store = *opened.value();
  std::vector<JournalIntent> ops;
  for (int i = 0; i < 300; ++i)
    ops.push_back({"mem.thing.m" + std::to_string(i), i % 2 ? "update" : "create", "d"});
  int batches_before = store.CommitBatches();
  auto ids = store.JournalBeginMany("s", "run-9", ops);
  REQUIRE(ids.ok());
  CHECK(store.CommitBatches() == batches_before + 1);
  REQUIRE(ids->size() == ops.size());
  auto open = store.OpenJournal("s");
  REQUIRE(open.ok());
  REQUIRE(open->size() == ops.size());
  int mismatches = 0;
  for (size_t i = 0; i < ops.size(); ++i) {
    const JournalEntry& e = (*open)[i];  // OpenJournal orders by id
    if (e.id != (*ids)[i] || e.address != ops[i].address || e.action != ops[i].action ||
        e.run_id != "run-9")
      ++mismatches;
  }
  CHECK(mismatches == 0);
  auto s = store.Load("s");
  REQUIRE(s.ok());
  CHECK(s->serial == 0);  // intent, not state
}

TEST_CASE("JournalBeginMany writes nothing when one row cannot be written") {
  TempDir dir;
  const std::string db = dir.File("state.db");
  auto store = OpenOrDie(db);
  REQUIRE(store->JournalBegin("s", "run", "mem.thing.first", "create", "").ok());
  // A trigger refuses one address: the whole wave must fail with it.
  testing::ExecSql(db,
                   "CREATE TRIGGER refuse BEFORE INSERT ON journal WHEN NEW.address = "
                   "'mem.thing.bad' BEGIN SELECT RAISE(ABORT, 'refused by test'); END;");
  auto ids = store->JournalBeginMany("s", "run",
                                     {{"mem.thing.ok1", "create", ""},
                                      {"mem.thing.bad", "create", ""},
                                      {"mem.thing.ok2", "create", ""}});
  REQUIRE_FALSE(ids.ok());
  CHECK(ids.diags().items().front().summary.find("(and 2 more)") != std::string::npos);
  auto open = store->OpenJournal("s");
  REQUIRE(open.ok());
  REQUIRE(open->size() == 1);
  CHECK((*open)[0].address == "mem.thing.first");
}

TEST_CASE("AfterCompletions from a completion runs once the whole batch has been reported") {
  std::mutex mu;
  std::vector<std::string> events;
  std::atomic<bool> release{false};
  Countdown done;
  CommitQueue queue([&](const std::vector<CommitRequest*>& batch) {
    for (CommitRequest* r : batch) r->body(&r->result);
  });
  auto log = [&](const std::string& e) {
    std::lock_guard<std::mutex> l(mu);
    events.push_back(e);
  };
  // The first write holds its batch until the other three have queued behind it, so
  // those three share the next batch.
  auto first = std::make_unique<CommitRequest>();
  first->body = [&](Diagnostics*) {
    while (!release.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  };
  queue.SubmitAsync(std::move(first), [&](const Diagnostics&) { done.Hit(); });
  for (int i = 0; i < 3; ++i) {
    auto req = std::make_unique<CommitRequest>();
    req->body = [](Diagnostics*) {};
    queue.SubmitAsync(std::move(req), [&, i](const Diagnostics&) {
      log("done " + std::to_string(i));
      queue.AfterCompletions([&, i] {
        log("after " + std::to_string(i));
        done.Hit();
      });
    });
  }
  release = true;
  REQUIRE(done.WaitFor(4));
  queue.Stop();
  CHECK(events ==
        std::vector<std::string>{"done 0", "done 1", "done 2", "after 0", "after 1", "after 2"});
}

TEST_CASE("AfterCompletions outside a completion runs at once") {
  CommitQueue queue([](const std::vector<CommitRequest*>&) {});
  bool ran = false;
  queue.AfterCompletions([&] { ran = true; });
  CHECK(ran);
}

}  // namespace
}  // namespace capstan
