// Pins the ordering rules of the execution graph (plans/exec_graph.h).
#include "plans/exec_graph.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace capstan {
namespace {

ResourceChange Change(const std::string& addr, Action action, std::vector<std::string> deps = {},
                      std::vector<std::string> prior_deps = {}) {
  ResourceChange c;
  c.address = Address::Parse(addr).value();
  c.type = c.address.type;
  c.action = action;
  c.dependencies = std::move(deps);
  c.prior_dependencies = std::move(prior_deps);
  return c;
}

/// The id of the node doing `op` on `addr` (fails the test when absent).
int Node(const std::vector<ExecNode>& nodes, const std::vector<ResourceChange>& changes, OpKind op,
         const std::string& addr) {
  for (const ExecNode& n : nodes) {
    if (n.op == op && changes[n.change].address.ToString() == addr) return n.id;
  }
  FAIL("no " << OpKindName(op) << " node for " << addr);
  return -1;
}

/// True when `later` transitively waits for `earlier`.
bool Waits(const std::vector<ExecNode>& nodes, int later, int earlier) {
  std::vector<int> stack = {later};
  std::vector<bool> seen(nodes.size());
  while (!stack.empty()) {
    int v = stack.back();
    stack.pop_back();
    for (int p : nodes[v].after) {
      if (p == earlier) return true;
      if (!seen[p]) {
        seen[p] = true;
        stack.push_back(p);
      }
    }
  }
  return false;
}

void CheckWellFormed(const std::vector<ExecNode>& nodes) {
  for (size_t i = 0; i < nodes.size(); ++i) {
    CHECK(nodes[i].id == static_cast<int>(i));
    for (size_t k = 0; k < nodes[i].after.size(); ++k) {
      CHECK(nodes[i].after[k] < nodes[i].id);  // topological order
      if (k > 0) CHECK(nodes[i].after[k - 1] < nodes[i].after[k]);
    }
  }
}

TEST_CASE("exec graph: a chain of creates runs dependencies first") {
  std::vector<ResourceChange> changes = {
      Change("openstack.port.p", Action::kCreate, {"openstack.subnet.s"}),
      Change("openstack.network.n", Action::kCreate),
      Change("openstack.subnet.s", Action::kCreate, {"openstack.network.n"}),
      Change("openstack.keypair.k", Action::kNoOp)};
  auto r = BuildExecGraph(changes);
  REQUIRE(r.ok());
  const auto& g = *r;
  REQUIRE(g.size() == 3);  // no node for the no-op
  CheckWellFormed(g);
  int n = Node(g, changes, OpKind::kCreate, "openstack.network.n");
  int s = Node(g, changes, OpKind::kCreate, "openstack.subnet.s");
  int p = Node(g, changes, OpKind::kCreate, "openstack.port.p");
  CHECK(g[s].after == std::vector<int>{n});
  CHECK(g[p].after == std::vector<int>{s});
}

TEST_CASE("exec graph: deletes run in reverse dependency order") {
  std::vector<ResourceChange> changes = {
      Change("openstack.network.n", Action::kDelete),
      Change("openstack.port.p", Action::kDelete, {}, {"openstack.subnet.s"}),
      Change("openstack.subnet.s", Action::kDelete, {}, {"openstack.network.n"})};
  auto r = BuildExecGraph(changes);
  REQUIRE(r.ok());
  const auto& g = *r;
  CheckWellFormed(g);
  int n = Node(g, changes, OpKind::kDelete, "openstack.network.n");
  int s = Node(g, changes, OpKind::kDelete, "openstack.subnet.s");
  int p = Node(g, changes, OpKind::kDelete, "openstack.port.p");
  CHECK(g[n].after == std::vector<int>{s});
  CHECK(g[s].after == std::vector<int>{p});
  CHECK(g[p].after.empty());
}

TEST_CASE("exec graph: replacing a dependency deletes, recreates, then updates the dependent") {
  std::vector<ResourceChange> changes = {
      Change("openstack.port.p", Action::kUpdate, {"openstack.subnet.s"}, {"openstack.subnet.s"}),
      Change("openstack.subnet.s", Action::kDeleteThenCreate)};
  auto r = BuildExecGraph(changes);
  REQUIRE(r.ok());
  const auto& g = *r;
  CheckWellFormed(g);
  int del = Node(g, changes, OpKind::kDelete, "openstack.subnet.s");
  int cre = Node(g, changes, OpKind::kCreate, "openstack.subnet.s");
  int upd = Node(g, changes, OpKind::kUpdate, "openstack.port.p");
  CHECK(Waits(g, cre, del));
  CHECK(Waits(g, upd, cre));
}

TEST_CASE("exec graph: replaced dependents are deleted before their replaced dependency") {
  std::vector<ResourceChange> changes = {Change("openstack.port.p", Action::kDeleteThenCreate,
                                                {"openstack.subnet.s"}, {"openstack.subnet.s"}),
                                         Change("openstack.subnet.s", Action::kDeleteThenCreate)};
  auto r = BuildExecGraph(changes);
  REQUIRE(r.ok());
  const auto& g = *r;
  int del_p = Node(g, changes, OpKind::kDelete, "openstack.port.p");
  int del_s = Node(g, changes, OpKind::kDelete, "openstack.subnet.s");
  int cre_s = Node(g, changes, OpKind::kCreate, "openstack.subnet.s");
  int cre_p = Node(g, changes, OpKind::kCreate, "openstack.port.p");
  CHECK(Waits(g, del_s, del_p));
  CHECK(Waits(g, cre_p, cre_s));
  CHECK(Waits(g, cre_p, del_p));
}

TEST_CASE("exec graph: create_before_destroy deletes the deposed object after dependents move") {
  std::vector<ResourceChange> changes = {
      Change("openstack.server.vm", Action::kUpdate, {"openstack.port.p"}, {"openstack.port.p"}),
      Change("openstack.port.p", Action::kCreateThenDelete)};
  auto r = BuildExecGraph(changes);
  REQUIRE(r.ok());
  const auto& g = *r;
  CheckWellFormed(g);
  int cre = Node(g, changes, OpKind::kCreate, "openstack.port.p");
  int dep = Node(g, changes, OpKind::kDeleteDeposed, "openstack.port.p");
  int upd = Node(g, changes, OpKind::kUpdate, "openstack.server.vm");
  CHECK(Waits(g, upd, cre));
  CHECK(Waits(g, dep, upd));
  CHECK(Waits(g, dep, cre));
}

TEST_CASE("exec graph: a deposed leftover is deleted with a delete-deposed node") {
  std::vector<ResourceChange> changes = {Change("openstack.port.p", Action::kDelete)};
  changes[0].deposed_key = "00ab";
  auto r = BuildExecGraph(changes);
  REQUIRE(r.ok());
  REQUIRE(r->size() == 1);
  CHECK((*r)[0].op == OpKind::kDeleteDeposed);
  CHECK(DescribeNode((*r)[0], changes) == "delete-deposed openstack.port.p (deposed 00ab)");
}

TEST_CASE(
    "exec graph: a dependent leaving the configuration is updated before its dependency goes") {
  std::vector<ResourceChange> changes = {
      Change("openstack.router.r", Action::kUpdate, {}, {"openstack.subnet.old"}),
      Change("openstack.subnet.old", Action::kDelete)};
  auto r = BuildExecGraph(changes);
  REQUIRE(r.ok());
  int upd = Node(*r, changes, OpKind::kUpdate, "openstack.router.r");
  int del = Node(*r, changes, OpKind::kDelete, "openstack.subnet.old");
  CHECK(Waits(*r, del, upd));
}

TEST_CASE(
    "exec graph: create_before_destroy on a dependent of a destroy-first replace is a cycle") {
  std::vector<ResourceChange> changes = {Change("openstack.port.p", Action::kCreateThenDelete,
                                                {"openstack.subnet.s"}, {"openstack.subnet.s"}),
                                         Change("openstack.subnet.s", Action::kDeleteThenCreate)};
  auto r = BuildExecGraph(changes);
  REQUIRE_FALSE(r.ok());
  const std::string msg = r.diags().ToString();
  CHECK_THAT(msg, Catch::Contains("cycle"));
  CHECK_THAT(msg, Catch::Contains("openstack.port.p"));
  CHECK_THAT(msg, Catch::Contains("delete openstack.subnet.s"));
  CHECK_THAT(msg, Catch::Contains("create_before_destroy"));
}

TEST_CASE("exec graph: dependencies without nodes impose nothing") {
  std::vector<ResourceChange> changes = {
      Change("openstack.port.p", Action::kCreate, {"openstack.subnet.s", "openstack.net.gone"}),
      Change("openstack.subnet.s", Action::kNoOp)};
  auto r = BuildExecGraph(changes);
  REQUIRE(r.ok());
  REQUIRE(r->size() == 1);
  CHECK((*r)[0].after.empty());
  CHECK((*r)[0].change == 0);
}

}  // namespace
}  // namespace capstan
