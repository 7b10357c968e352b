// Refresh order: reads wait only for the reads that enable them (kind.cluster's forward).
#include "engine/ops/refresh_order.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "tests/engine/ops/ops_fixture.h"

using namespace capstan;
using namespace capstan::testing;

namespace {

InstanceState Inst(const std::string& addr, std::vector<std::string> deps = {}) {
  InstanceState i;
  i.address = Address::Parse(addr).value();
  i.type = i.address.type;
  i.dependencies = std::move(deps);
  return i;
}

const char* kGated = R"(
stack: gated
resources:
  gate:
    type: mem.gate
    properties: {name: gate}
  user:
    type: mem.thing
    properties: {name: user, value: "${gate.id}"}
  other:
    type: mem.thing
    properties: {name: other}
  free:
    type: mem.group
    properties: {name: free}
)";

}  // namespace

TEST_CASE("refresh chunks wait only for chunks whose reads enable them", "[ops][refresh]") {
  std::vector<InstanceState> in = {Inst("mem.gate.g"), Inst("mem.thing.a", {"mem.gate.g"}),
                                   Inst("mem.group.b", {"mem.thing.a"})};
  std::vector<RefreshChunk> chunks = {
      {"mem", "mem.gate", {0}}, {"mem", "mem.thing", {1}}, {"mem", "mem.group", {2}}};
  auto order = RefreshChunkOrder(in, chunks, {true, false, false});
  CHECK(order[0].empty());
  CHECK(order[1] == std::vector<int>{0});
  CHECK(order[2].empty());  // depends on a thing, whose read enables nothing
  // No type enables its dependents: one wave, as before.
  auto flat = RefreshChunkOrder(in, chunks, {false, false, false});
  for (const auto& a : flat) CHECK(a.empty());
}

TEST_CASE("refresh chunk edges that would form a cycle are all dropped", "[ops][refresh]") {
  // gate g1 <- thing t1, and gate g2 depends on thing t2: the two chunks wait for each
  // other through different objects, so no order serves both.
  std::vector<InstanceState> in = {Inst("mem.gate.g1"), Inst("mem.gate.g2", {"mem.thing.t2"}),
                                   Inst("mem.thing.t1", {"mem.gate.g1"}), Inst("mem.thing.t2")};
  std::vector<RefreshChunk> chunks = {{"mem", "mem.gate", {0, 1}}, {"mem", "mem.thing", {2, 3}}};
  auto order = RefreshChunkOrder(in, chunks, {true, true});
  CHECK(order[0].empty());
  CHECK(order[1].empty());
}

TEST_CASE("a plan reads a dependent of a gate only after the gate's read", "[ops][refresh]") {
  OpsFixture f;
  f.WriteStack(kGated);
  f.PlanAndApply();
  std::map<std::string, std::string> address_of;  // object id -> address
  for (const auto& inst : f.State().instances) address_of[inst.id] = inst.address.ToString();
  std::mutex mu;
  std::vector<std::string> reads;  // address at the end of each read
  f.cloud().SetHook([&](const std::string& verb, const CallContext&, const std::string& id) {
    if (verb != "read") return Status();
    auto it = address_of.find(id);  // read-only: reads run on several threads
    const std::string addr = it == address_of.end() ? id : it->second;
    // The gate is slow: without the order the thing's read would finish first.
    if (addr == "mem.gate.gate") std::this_thread::sleep_for(std::chrono::milliseconds(300));
    std::lock_guard<std::mutex> lock(mu);
    reads.push_back(addr);
    return Status();
  });
  auto ws = f.Open();
  Plan p = f.MustPlan(*ws);
  CHECK_FALSE(p.HasChanges());
  REQUIRE(reads.size() == 4);
  auto at = [&](const std::string& a) {
    return std::find(reads.begin(), reads.end(), a) - reads.begin();
  };
  CHECK(at("mem.gate.gate") < at("mem.thing.user"));
  // Not ordered: the group (another chunk, no gate dependency) is read at once.
  CHECK(at("mem.group.free") < at("mem.gate.gate"));
}
