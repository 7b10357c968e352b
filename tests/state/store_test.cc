// StateStore round trips: instances, outputs, serial and lineage, move and remove.
#include "state/store.h"

#include <catch2/catch.hpp>

#include "tests/state/state_test_util.h"

namespace capstan {
namespace {

using testing::Addr;
using testing::MakeInstance;
using testing::OpenOrDie;
using testing::TempDir;

TEST_CASE("A stack never written loads with empty lineage and serial 0") {
  TempDir dir;
  auto store = OpenOrDie(dir.File("state.db"));
  auto s = store->Load("nothing");
  REQUIRE(s.ok());
  CHECK(s->stack == "nothing");
  CHECK(s->lineage.empty());
  CHECK(s->serial == 0);
  CHECK(s->instances.empty());
  CHECK(store->SchemaVersion() == 3);
}

TEST_CASE("Instances round trip with every field, including tainted and deposed objects") {
  TempDir dir;
  const std::string db = dir.File("state.db");
  {
    auto store = OpenOrDie(db);
    auto a = MakeInstance("module.c[\"prod\"].openstack.server.vm[2]", "srv-1");
    a.status = InstanceStatus::kTainted;
    a.dependencies = {"openstack.network.main", "openstack.subnet.main"};
    a.create_before_destroy = true;
    a.attributes["nested"] = Value{{"list", {1, 2, 3}}, {"flag", true}};
    auto d = MakeInstance("module.c[\"prod\"].openstack.server.vm[2]", "srv-0");
    d.status = InstanceStatus::kDeposed;
    d.deposed_key = "abcd1234";
    REQUIRE(store->PutInstance("prod", a).empty());
    REQUIRE(store->PutInstance("prod", d).empty());
  }
  auto store = OpenOrDie(db);
  auto s = store->Load("prod");
  INFO(s.diags().ToString());
  REQUIRE(s.ok());
  REQUIRE(s->instances.size() == 2);
  const auto* a = s->Find(Addr("module.c[\"prod\"].openstack.server.vm[2]"));
  REQUIRE(a != nullptr);
  CHECK(a->id == "srv-1");
  CHECK(a->type == "openstack.server");
  CHECK(a->provider == "openstack");
  CHECK(a->status == InstanceStatus::kTainted);
  CHECK(a->create_before_destroy);
  CHECK(a->dependencies ==
        std::vector<std::string>{"openstack.network.main", "openstack.subnet.main"});
  CHECK(a->attributes["nested"]["list"] == Value({1, 2, 3}));
  CHECK(a->updated_serial == 1);
  const auto* d = s->Find(a->address, "abcd1234");
  REQUIRE(d != nullptr);
  CHECK(d->id == "srv-0");
  CHECK(d->status == InstanceStatus::kDeposed);
  CHECK(d->updated_serial == 2);
}

TEST_CASE("Every mutating call bumps the serial once and the lineage is fixed at first write") {
  TempDir dir;
  auto store = OpenOrDie(dir.File("state.db"));
  auto inst = MakeInstance("openstack.network.main", "net-1");
  REQUIRE(store->PutInstance("s", inst).empty());
  auto s1 = store->Load("s");
  REQUIRE(s1.ok());
  CHECK(s1->serial == 1);
  CHECK(s1->lineage.size() == 36);
  REQUIRE(store->PutInstance("s", inst).empty());  // replace, same key
  REQUIRE(store->MoveInstance("s", inst.address, Addr("openstack.network.other")).empty());
  REQUIRE(store->SetOutputs("s", {{"o", Value(1), false}}).empty());
  REQUIRE(store->CommitResult("s", 0, "", {}).empty());
  REQUIRE(store->RemoveInstance("s", Addr("openstack.network.other")).empty());
  auto s2 = store->Load("s");
  REQUIRE(s2.ok());
  CHECK(s2->serial == 6);
  CHECK(s2->lineage == s1->lineage);
  CHECK(s2->instances.empty());
  // Other stacks in the same database are independent.
  REQUIRE(store->PutInstance("t", inst).empty());
  auto t = store->Load("t");
  REQUIRE(t.ok());
  CHECK(t->serial == 1);
  CHECK(t->lineage != s1->lineage);
  auto stacks = store->Stacks();
  REQUIRE(stacks.ok());
  CHECK(*stacks == std::vector<std::string>{"s", "t"});
}

TEST_CASE("A failed write leaves the serial and rows untouched") {
  TempDir dir;
  auto store = OpenOrDie(dir.File("state.db"));
  REQUIRE(store->PutInstance("s", MakeInstance("openstack.network.a", "1")).empty());
  Status st = store->RemoveInstance("s", Addr("openstack.network.missing"));
  REQUIRE(st.HasErrors());
  CHECK(st.ToString().find("openstack.network.missing") != std::string::npos);
  CHECK(st.ToString().find("\"s\"") != std::string::npos);
  auto s = store->Load("s");
  REQUIRE(s.ok());
  CHECK(s->serial == 1);
  CHECK(s->instances.size() == 1);
}

TEST_CASE("MoveInstance renames, rewrites dependencies and refuses clashes and missing sources") {
  TempDir dir;
  auto store = OpenOrDie(dir.File("state.db"));
  auto net = MakeInstance("openstack.network.main", "net-1");
  auto sub = MakeInstance("openstack.subnet.main", "sub-1");
  sub.dependencies = {"openstack.network.main"};
  auto other = MakeInstance("openstack.network.other", "net-2");
  REQUIRE(store->PutInstance("s", net).empty());
  REQUIRE(store->PutInstance("s", sub).empty());
  REQUIRE(store->PutInstance("s", other).empty());

  Status clash = store->MoveInstance("s", net.address, other.address);
  REQUIRE(clash.HasErrors());
  CHECK(clash.ToString().find("already exists") != std::string::npos);
  Status missing =
      store->MoveInstance("s", Addr("openstack.network.nope"), Addr("openstack.network.x"));
  REQUIRE(missing.HasErrors());
  CHECK(missing.ToString().find("not in state") != std::string::npos);
  CHECK(store->MoveInstance("s", net.address, Addr("openstack.subnet.x")).HasErrors());

  const Address to = Addr("module.m[0].openstack.network.main");
  REQUIRE(store->MoveInstance("s", net.address, to).empty());
  auto s = store->Load("s");
  REQUIRE(s.ok());
  CHECK(s->Find(net.address) == nullptr);
  REQUIRE(s->Find(to) != nullptr);
  CHECK(s->Find(to)->id == "net-1");
  CHECK(s->Find(sub.address)->dependencies == std::vector<std::string>{to.ToString()});
  CHECK(s->serial == 4);
}

TEST_CASE("LoadHead reads lineage, serial and outputs but no instances") {
  TempDir dir;
  auto store = OpenOrDie(dir.File("state.db"));
  REQUIRE(store->PutInstance("s", MakeInstance("mem.thing.a", "id-a")).empty());
  REQUIRE(store->SetOutputs("s", {{"o", Value("secret"), true}}).empty());
  auto full = store->Load("s");
  auto head = store->LoadHead("s");
  REQUIRE(full.ok());
  REQUIRE(head.ok());
  CHECK(full->instances.size() == 1);
  CHECK(head->instances.empty());
  CHECK(head->stack == "s");
  CHECK(head->lineage == full->lineage);
  CHECK(head->serial == full->serial);
  REQUIRE(head->outputs.size() == 1);
  CHECK(head->outputs[0].value == "secret");
  CHECK(head->outputs[0].sensitive);
}

TEST_CASE("Outputs round trip and SetOutputs replaces the previous set") {
  TempDir dir;
  auto store = OpenOrDie(dir.File("state.db"));
  REQUIRE(store->SetOutputs("s", {{"a", Value("x"), false}, {"b", Value{{"k", 1}}, true}}).empty());
  auto s = store->Load("s");
  REQUIRE(s.ok());
  REQUIRE(s->outputs.size() == 2);
  CHECK(s->outputs[0].name == "a");
  CHECK(s->outputs[0].value == "x");
  CHECK_FALSE(s->outputs[0].sensitive);
  CHECK(s->outputs[1].value == Value{{"k", 1}});
  CHECK(s->outputs[1].sensitive);
  REQUIRE(store->SetOutputs("s", {{"c", Value(nullptr), false}}).empty());
  auto s2 = store->Load("s");
  REQUIRE(s2.ok());
  REQUIRE(s2->outputs.size() == 1);
  CHECK(s2->outputs[0].name == "c");
  CHECK(s2->outputs[0].value.is_null());
}

TEST_CASE("Run history lists runs newest first with their serial range") {
  TempDir dir;
  auto store = OpenOrDie(dir.File("state.db"));
  auto r1 = store->BeginRun("s", "apply");
  REQUIRE(r1.ok());
  CHECK(r1->status == "running");
  CHECK(r1->id.size() == 36);
  REQUIRE(store->PutInstance("s", MakeInstance("openstack.network.a", "1")).empty());
  RunRecord done = *r1;
  done.status = "ok";
  done.summary = "1 created, 0 updated, 0 destroyed";
  REQUIRE(store->EndRun(done).empty());
  auto r2 = store->BeginRun("s", "destroy");
  REQUIRE(r2.ok());
  auto h = store->History("s");
  REQUIRE(h.ok());
  REQUIRE(h->size() == 2);
  CHECK((*h)[0].id == r2->id);
  CHECK((*h)[0].status == "running");
  CHECK((*h)[0].finished_at == 0);
  CHECK((*h)[0].serial_before == 1);
  CHECK((*h)[1].command == "apply");
  CHECK((*h)[1].status == "ok");
  CHECK((*h)[1].summary == done.summary);
  CHECK((*h)[1].finished_at >= (*h)[1].started_at);
  CHECK((*h)[1].serial_before == 0);
  CHECK((*h)[1].serial_after == 1);
  RunRecord ghost;
  ghost.id = "nope";
  ghost.stack = "s";
  CHECK(store->EndRun(ghost).HasErrors());
}

TEST_CASE("PutInstances stores 20000 instances in one write and Load returns them all") {
  TempDir dir;
  auto store = OpenOrDie(dir.File("state.db"));
  std::vector<InstanceState> many;
  for (int i = 0; i < 20000; ++i) {
    auto inst =
        MakeInstance("openstack.port.p[" + std::to_string(i) + "]", "port-" + std::to_string(i));
    if (i % 2 == 0) {
      inst.attributes["secret"] = "s" + std::to_string(i);
      inst.sensitive = {"secret"};
    }
    many.push_back(std::move(inst));
  }
  REQUIRE(PutInstances(*store, "big", many).empty());
  auto s = store->Load("big");
  INFO(s.diags().ToString());
  REQUIRE(s.ok());
  CHECK(s->serial == 1);
  REQUIRE(s->instances.size() == 20000);
  std::map<std::string, const InstanceState*> by_id;
  for (const auto& inst : s->instances) by_id[inst.id] = &inst;
  REQUIRE(by_id.size() == 20000);
  const InstanceState* p = by_id.at("port-19998");
  CHECK(p->address.ToString() == "openstack.port.p[19998]");
  CHECK(p->attributes["secret"] == "s19998");
  CHECK(by_id.at("port-7")->attributes.contains("secret") == false);
}

}  // namespace
}  // namespace capstan
