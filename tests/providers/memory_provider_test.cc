// Tests for the MemoryProvider fixture: the contract engine tests rely on.
#include "tests/fakes/memory_provider.h"

#include <catch2/catch.hpp>
#include <thread>

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

}  // namespace
}  // namespace capstan
