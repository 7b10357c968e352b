// Tests for the MemoryProvider fixture: the contract engine tests rely on.
#include "tests/fakes/memory_provider.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace capstan {
namespace {

CallContext Ctx(const std::string& addr, const std::string& stack = "s") {
  CallContext c;
  c.stack = stack;
  c.address = *Address::Parse(addr);
  return c;
}

TEST_CASE("MemoryProvider create adopts an object with the same ownership marks") {
  auto cloud = std::make_shared<MemoryCloud>();
  MemoryProvider p(cloud);
  ResourceType* t = p.Type("mem.thing");
  REQUIRE(t);
  auto first = t->Create(Ctx("mem.thing.a"), {{"name", "a"}});
  REQUIRE(first.ok());
  auto again = t->Create(Ctx("mem.thing.a"), {{"name", "a"}, {"value", "v"}});
  REQUIRE(again.ok());
  CHECK(again->id == first->id);
  CHECK(cloud->Size() == 1);
  auto other_stack = t->Create(Ctx("mem.thing.a", "other"), {{"name", "a"}});
  CHECK(other_stack->id != first->id);
  CHECK(cloud->Size() == 2);
  CHECK(cloud->Calls("create") == 3);
}

TEST_CASE("MemoryProvider hook error after create leaves the object behind") {
  auto cloud = std::make_shared<MemoryCloud>();
  MemoryProvider p(cloud);
  cloud->SetHook([](const std::string& verb, const CallContext&, const std::string&) {
    Status st;
    if (verb == "create") st.Error("answer lost");
    return st;
  });
  ResourceType* t = p.Type("mem.thing");
  auto lost = t->Create(Ctx("mem.thing.a"), {{"name", "a"}});
  REQUIRE_FALSE(lost.ok());
  CHECK(cloud->Size() == 1);
  cloud->SetHook(nullptr);
  auto retry = t->Create(Ctx("mem.thing.a"), {{"name", "a"}});
  REQUIRE(retry.ok());
  CHECK(cloud->Size() == 1);
  CHECK(retry->id == cloud->Objects().begin()->first);
}

TEST_CASE("MemoryProvider read, update serial, delete and injected failures") {
  auto cloud = std::make_shared<MemoryCloud>();
  MemoryProvider p(cloud);
  ResourceType* t = p.Type("mem.thing");
  auto made = t->Create(Ctx("mem.thing.a"), {{"name", "a"}});
  REQUIRE(made.ok());
  CHECK(made->attributes["serial"] == 1);
  auto upd = t->Update(Ctx("mem.thing.a"), *made, {{"name", "a"}, {"value", "2"}});
  REQUIRE(upd.ok());
  CHECK(upd->attributes["serial"] == 2);
  auto read = t->Read(Ctx("mem.thing.a"), *made);
  REQUIRE(read.ok());
  CHECK((*read)->attributes["value"] == "2");

  cloud->FailOn("a");
  CHECK(t->Delete(Ctx("mem.thing.a"), *upd).HasErrors());
  CHECK_FALSE(t->Create(Ctx("mem.thing.b"), {{"name", "a"}}).ok());
  cloud->ClearFailures();
  CHECK(t->Delete(Ctx("mem.thing.a"), *upd).empty());
  CHECK_FALSE((*t->Read(Ctx("mem.thing.a"), *made)).has_value());
  CHECK(t->Delete(Ctx("mem.thing.a"), *upd).empty());
}

TEST_CASE("MemoryCloud records the peak number of concurrent calls") {
  auto cloud = std::make_shared<MemoryCloud>();
  cloud->SetLatencyMs(100);
  MemoryProvider p(cloud);
  ResourceType* t = p.Type("mem.group");
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      t->Create(Ctx("mem.group.g[" + std::to_string(i) + "]"), {{"name", "g"}});
    });
  }
  for (auto& th : threads) th.join();
  CHECK(cloud->MaxConcurrent() >= 2);
  CHECK(cloud->MaxConcurrent() <= 4);
  CHECK(cloud->Size() == 4);
}

TEST_CASE("RegisterMemoryProvider shares one cloud among instances") {
  auto cloud = std::make_shared<MemoryCloud>();
  ProviderRegistry r;
  RegisterMemoryProvider(r, cloud);
  auto a = r.Create("mem");
  auto b = r.Create("mem");
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK((*a)->TypeNames() == std::vector<std::string>{"mem.gate", "mem.group", "mem.thing"});
  REQUIRE((*a)->Type("mem.thing")->Create(Ctx("mem.thing.x"), {{"name", "x"}}).ok());
  CallContext list_ctx;
  list_ctx.stack = "s";
  auto listed = (*b)->Type("mem.thing")->List(list_ctx);
  REQUIRE(listed.ok());
  CHECK(listed->size() == 1);
  CHECK((*b)->Type("mem.thing")->schema().Find("size")->force_new);
}

/// Waits for one completion of a non-blocking call.
template <class T>
class Awaited {
 public:
  ResourceType::Completion<T> Callback() {
    return [this](T v) {
      std::lock_guard<std::mutex> l(mu_);
      value_ = std::move(v);
      thread_ = std::this_thread::get_id();
      cv_.notify_all();
    };
  }
  T Wait() {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return value_.has_value(); });
    return *value_;
  }
  std::thread::id thread() {
    std::lock_guard<std::mutex> l(mu_);
    return thread_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<T> value_;
  std::thread::id thread_;
};

TEST_CASE("MemoryProvider async calls return at once and complete on the timer after the latency") {
  auto cloud = std::make_shared<MemoryCloud>();
  cloud->SetAsyncCalls(true);
  cloud->SetLatencyMs(60);
  MemoryProvider p(cloud);
  ResourceType* t = p.Type("mem.thing");
  CHECK(t->CallsCompleteLater());
  Awaited<Result<ObjectState>> created;
  auto t0 = std::chrono::steady_clock::now();
  t->CreateAsync(Ctx("mem.thing.a"), {{"name", "a"}}, created.Callback());
  auto returned = std::chrono::steady_clock::now() - t0;
  // Running until it completes: counted, but the object is not there yet.
  CHECK(cloud->Size() == 0);
  auto r = created.Wait();
  auto completed = std::chrono::steady_clock::now() - t0;
  REQUIRE(r.ok());
  CHECK(cloud->Get(r->id).has_value());
  CHECK(created.thread() != std::this_thread::get_id());
  CHECK(returned < completed);
  CHECK(completed >= std::chrono::milliseconds(60));
  CHECK(cloud->Calls("create") == 1);

  Awaited<Status> deleted;
  t->DeleteAsync(Ctx("mem.thing.a"), *r, deleted.Callback());
  CHECK_FALSE(deleted.Wait().HasErrors());
  CHECK(cloud->Size() == 0);
}

TEST_CASE("MemoryProvider async calls keep the blocking verbs' failures and adoption") {
  auto cloud = std::make_shared<MemoryCloud>();
  cloud->SetAsyncCalls(true);
  MemoryProvider p(cloud);
  ResourceType* t = p.Type("mem.thing");
  Awaited<Result<ObjectState>> first, again, failed;
  t->CreateAsync(Ctx("mem.thing.a"), {{"name", "a"}}, first.Callback());
  REQUIRE(first.Wait().ok());
  t->CreateAsync(Ctx("mem.thing.a"), {{"name", "a"}}, again.Callback());
  CHECK(again.Wait()->id == first.Wait()->id);
  cloud->FailOn("b");
  t->CreateAsync(Ctx("mem.thing.b"), {{"name", "b"}}, failed.Callback());
  auto f = failed.Wait();
  REQUIRE_FALSE(f.ok());
  CHECK(f.diags().ToString().find("injected failure") != std::string::npos);
}

TEST_CASE("MemoryProvider async calls end early with an error when cancelled") {
  auto cloud = std::make_shared<MemoryCloud>();
  cloud->SetAsyncCalls(true);
  cloud->SetLatencyMs(60000);
  MemoryProvider p(cloud);
  std::atomic<bool> cancel{false};
  CallContext ctx = Ctx("mem.thing.a");
  ctx.cancel = &cancel;
  Awaited<Result<ObjectState>> created;
  p.Type("mem.thing")->CreateAsync(ctx, {{"name", "a"}}, created.Callback());
  cancel = true;
  auto r = created.Wait();  // within the timer's 100 ms look at cancel flags, not 60 s
  REQUIRE_FALSE(r.ok());
  CHECK(r.diags().ToString().find("cancelled") != std::string::npos);
  CHECK(cloud->Size() == 0);
}

TEST_CASE("DeadlineTimer runs callbacks in deadline order, and pending ones as cancelled at exit") {
  std::vector<int> order;
  std::vector<bool> cancelled;
  std::mutex mu;
  std::condition_variable cv;
  {
    DeadlineTimer timer;
    auto now = DeadlineTimer::Clock::now();
    auto note = [&](int i) {
      return [&, i](bool c) {
        std::lock_guard<std::mutex> l(mu);
        order.push_back(i);
        cancelled.push_back(c);
        cv.notify_all();
      };
    };
    timer.At(now + std::chrono::milliseconds(40), nullptr, note(2));
    timer.At(now + std::chrono::milliseconds(10), nullptr, note(1));
    timer.At(now + std::chrono::milliseconds(40), nullptr, note(3));  // same deadline: after 2
    timer.At(now + std::chrono::hours(1), nullptr, note(4));
    std::unique_lock<std::mutex> l(mu);
    cv.wait(l, [&] { return order.size() == 3; });
  }  // the timer stops with 4 still pending
  CHECK(order == std::vector<int>{1, 2, 3, 4});
  CHECK(cancelled == std::vector<bool>{false, false, false, true});
}

}  // namespace
}  // namespace capstan
