// Tests for DepGraph: ordering, cycle reports, module contraction and rendering.

#include "engine/graph.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace capstan {
namespace {

/// A small builder so each test states its graph as "name depends on name via key".
class GraphBuilder {
 public:
  int Add(const std::string& name, VertexKind kind = VertexKind::kResource) {
    Vertex v;
    v.id = static_cast<int>(vertices_.size());
    v.kind = kind;
    v.name = name;
    if (kind == VertexKind::kResource) {
      v.address.type = "mem.thing";
      v.address.name = name;
    }
    v.where = SourceLocation{"stack.yaml", v.id + 1, 3};
    vertices_.push_back(v);
    return v.id;
  }
  void Dep(int from, int to, const std::string& via = "depends_on") {
    auto& deps = vertices_[from].deps;
    deps.push_back({to, via});
    std::sort(deps.begin(), deps.end(),
              [](const DepEdge& a, const DepEdge& b) { return a.to < b.to; });
  }
  std::vector<Vertex>& vertices() { return vertices_; }

 private:
  std::vector<Vertex> vertices_;
};

/// Position of each id in `order`.
std::vector<size_t> Positions(const std::vector<int>& order) {
  std::vector<size_t> pos(order.size());
  for (size_t i = 0; i < order.size(); ++i) pos[order[i]] = i;
  return pos;
}

/// Checks that `order` is a permutation of the ids with every dependency first. One
/// assertion per property (not per element) keeps the 100,000-vertex cases fast.
void RequireDepsFirst(const std::vector<Vertex>& vs, const std::vector<int>& order) {
  REQUIRE(order.size() == vs.size());
  std::vector<int> sorted = order;
  std::sort(sorted.begin(), sorted.end());
  bool permutation = true;
  for (size_t i = 0; i < sorted.size(); ++i) permutation &= sorted[i] == static_cast<int>(i);
  REQUIRE(permutation);
  auto pos = Positions(order);
  size_t violations = 0;
  for (const Vertex& v : vs)
    for (const DepEdge& e : v.deps) violations += pos[e.to] > pos[v.id] ? 1 : 0;
  REQUIRE(violations == 0);
}

TEST_CASE("Topological order puts dependencies first and breaks ties by lowest id") {
  GraphBuilder b;
  int app = b.Add("app");     // 0
  int net = b.Add("net");     // 1
  int sub = b.Add("subnet");  // 2
  int key = b.Add("key");     // 3
  b.Dep(app, sub, "properties.subnet_id");
  b.Dep(app, key, "properties.key");
  b.Dep(sub, net, "properties.network_id");
  DepGraph g(b.vertices());
  auto order = g.TopologicalOrder();
  REQUIRE(order.ok());
  RequireDepsFirst(b.vertices(), *order);
  // Ready set starts {net, key}; net (1) first, then subnet (2) becomes ready and wins
  // over key (3); app last.
  CHECK(*order == std::vector<int>{net, sub, key, app});
}

TEST_CASE("Topological order is identical across repeated builds") {
  GraphBuilder b;
  for (int i = 0; i < 50; ++i) b.Add("r" + std::to_string(i));
  for (int i = 0; i < 50; ++i)
    for (int j : {(i * 7 + 3) % 50, (i * 13 + 5) % 50})
      if (j < i) b.Dep(i, j);
  auto first = DepGraph(b.vertices()).TopologicalOrder();
  REQUIRE(first.ok());
  RequireDepsFirst(b.vertices(), *first);
  for (int round = 0; round < 3; ++round) {
    auto again = DepGraph(b.vertices()).TopologicalOrder();
    REQUIRE(again.ok());
    CHECK(*again == *first);
  }
}

TEST_CASE("A cycle of two is reported with both edges and the first vertex's location") {
  GraphBuilder b;
  b.Add("unrelated");
  int a = b.Add("a");
  int c = b.Add("c");
  b.Dep(a, c, "properties.peer");
  b.Dep(c, a, "depends_on");
  auto order = DepGraph(b.vertices()).TopologicalOrder();
  REQUIRE_FALSE(order.ok());
  REQUIRE(order.diags().HasErrors());
  const Diagnostic& d = order.diags().items().front();
  CHECK(d.summary == "Cycle: a -(properties.peer)-> c -(depends_on)-> a");
  CHECK(d.where.file == "stack.yaml");
  CHECK(d.where.line == a + 1);
  CHECK(d.key == "resources.a.properties.peer");
}

TEST_CASE("A self-loop is a cycle") {
  GraphBuilder b;
  int a = b.Add("a");
  int s = b.Add("self");
  b.Dep(s, a);
  b.Dep(s, s, "properties.me");
  auto order = DepGraph(b.vertices()).TopologicalOrder();
  REQUIRE_FALSE(order.ok());
  CHECK(order.diags().items().front().summary == "Cycle: self -(properties.me)-> self");
}

TEST_CASE("Inside a larger strongly connected component the shortest cycle is reported") {
  // Component {v0..v5}: a long loop v0->v1->v2->v3->v4->v5->v0 plus the shortcut
  // v2 -> v0 that makes v0->v1->v2->v0 the shortest cycle through v0. Another cycle
  // (v6 <-> v7) has higher ids and must not be chosen.
  GraphBuilder b;
  for (int i = 0; i < 8; ++i) b.Add("v" + std::to_string(i));
  for (int i = 0; i < 5; ++i) b.Dep(i, i + 1, "properties.p" + std::to_string(i));
  b.Dep(5, 0, "properties.back");
  b.Dep(2, 0, "properties.short");
  b.Dep(6, 7, "properties.x");
  b.Dep(7, 6, "properties.y");
  auto order = DepGraph(b.vertices()).TopologicalOrder();
  REQUIRE_FALSE(order.ok());
  const Diagnostic& d = order.diags().items().front();
  CHECK(d.summary ==
        "Cycle: v0 -(properties.p0)-> v1 -(properties.p1)-> v2 -(properties.short)-> v0");
  CHECK(d.detail.find("6 vertices") != std::string::npos);
}

TEST_CASE("The lowest-id vertex of any cycle picks the reported component") {
  // Cycle among {3, 4} and among {1, 5}: the report starts at v1 even though the
  // component of v3/v4 is discovered from a lower starting vertex v0.
  GraphBuilder b;
  for (int i = 0; i < 6; ++i) b.Add("v" + std::to_string(i));
  b.Dep(0, 3);
  b.Dep(3, 4, "a");
  b.Dep(4, 3, "b");
  b.Dep(1, 5, "c");
  b.Dep(5, 1, "d");
  auto order = DepGraph(b.vertices()).TopologicalOrder();
  REQUIRE_FALSE(order.ok());
  CHECK(order.diags().items().front().summary == "Cycle: v1 -(c)-> v5 -(d)-> v1");
}

TEST_CASE("Resource dependencies look through module variables and outputs") {
  GraphBuilder b;
  int net = b.Add("net");                                                 // 0
  int var = b.Add("module.m.var.net_id", VertexKind::kModuleVariable);    // 1
  int inner = b.Add("module.m.mem.thing.port");                           // 2
  int out = b.Add("module.m.output.port_id", VertexKind::kModuleOutput);  // 3
  int server = b.Add("server");                                           // 4
  int root_out = b.Add("output.server", VertexKind::kOutput);             // 5
  int key = b.Add("key");                                                 // 6
  int var2 = b.Add("module.m.var.both", VertexKind::kModuleVariable);     // 7
  b.Dep(var, net, "inputs.net_id");
  b.Dep(inner, var, "properties.network_id");
  b.Dep(out, inner, "value");
  b.Dep(server, out, "properties.port");
  b.Dep(server, key, "properties.key");
  b.Dep(root_out, server, "value");
  b.Dep(var2, var, "inputs.x");
  b.Dep(var2, key, "inputs.y");
  b.Dep(inner, var2, "properties.both");
  DepGraph g(b.vertices());
  auto deps = g.ResourceDependencies();
  REQUIRE(deps.size() == b.vertices().size());
  CHECK(deps[net].empty());
  CHECK(deps[var] == std::vector<int>{net});
  CHECK(deps[inner] == std::vector<int>{net, key});
  CHECK(deps[out] == std::vector<int>{inner});
  CHECK(deps[server] == std::vector<int>{inner, key});
  CHECK(deps[root_out] == std::vector<int>{server});
  CHECK(deps[var2] == std::vector<int>{net, key});
}

TEST_CASE("Dependents lists the vertices that depend on a vertex, sorted") {
  GraphBuilder b;
  for (int i = 0; i < 5; ++i) b.Add("r" + std::to_string(i));
  b.Dep(4, 1);
  b.Dep(2, 1);
  b.Dep(3, 2);
  DepGraph g(b.vertices());
  CHECK(g.Dependents(1) == std::vector<int>{2, 4});
  CHECK(g.Dependents(2) == std::vector<int>{3});
  CHECK(g.Dependents(0).empty());
  CHECK(g.Dependents(99).empty());
  CHECK(g.size() == 5);
}

TEST_CASE("DOT output quotes names, labels edges and shapes vertices by kind") {
  GraphBuilder b;
  int r = b.Add("mem.thing.x[\"a\\b\"]");
  int o = b.Add("output.x", VertexKind::kOutput);
  b.Dep(o, r, "value");
  DepGraph g(b.vertices());
  std::string dot = g.ToDot();
  CHECK(dot.find("v0 [label=\"mem.thing.x[\\\"a\\\\b\\\"]\", shape=box];") != std::string::npos);
  CHECK(dot.find("v1 [label=\"output.x\", shape=note];") != std::string::npos);
  CHECK(dot.find("v1 -> v0 [label=\"value\"];") != std::string::npos);
  CHECK(dot.rfind("digraph capstan {", 0) == 0);
  CHECK(dot == DepGraph(b.vertices()).ToDot());
}

TEST_CASE("JSON output lists vertices with kinds and edges with their properties") {
  GraphBuilder b;
  int r = b.Add("net");
  int v = b.Add("module.m.var.id", VertexKind::kModuleVariable);
  b.Dep(v, r, "inputs.id");
  auto doc = nlohmann::json::parse(DepGraph(b.vertices()).ToJson());
  REQUIRE(doc["vertices"].size() == 2);
  CHECK(doc["vertices"][1]["name"] == "module.m.var.id");
  CHECK(doc["vertices"][1]["kind"] == "module_variable");
  CHECK(doc["vertices"][0]["kind"] == "resource");
  REQUIRE(doc["edges"].size() == 1);
  CHECK(doc["edges"][0]["from"] == v);
  CHECK(doc["edges"][0]["to"] == r);
  CHECK(doc["edges"][0]["via"] == "inputs.id");
}

TEST_CASE("A 100,000-vertex chain sorts into chain order") {
  // Ids run backwards along the chain so the order is not simply the id order.
  const int n = 100000;
  std::vector<Vertex> vs(n);
  for (int i = 0; i < n; ++i) {
    vs[i].id = i;
    vs[i].name = "r" + std::to_string(i);
    if (i > 0) vs[i - 1].deps.push_back({i, "properties.value"});
  }
  DepGraph g(vs);
  auto order = g.TopologicalOrder();
  REQUIRE(order.ok());
  REQUIRE(order->size() == static_cast<size_t>(n));
  int misplaced = 0;
  for (int i = 0; i < n; ++i) misplaced += (*order)[i] == n - 1 - i ? 0 : 1;
  CHECK(misplaced == 0);
  auto deps = g.ResourceDependencies();
  CHECK(deps[0] == std::vector<int>{1});
  CHECK(deps[n - 1].empty());
}

TEST_CASE("A 100,000-vertex fan-out/fan-in graph sorts root first and sink last") {
  const int n = 100000;
  std::vector<Vertex> vs(n);
  for (int i = 0; i < n; ++i) {
    vs[i].id = i;
    vs[i].name = "r" + std::to_string(i);
  }
  // 0 is the root; 1..n-2 depend on it; n-1 depends on all of them.
  for (int i = 1; i < n - 1; ++i) {
    vs[i].deps.push_back({0, "properties.value"});
    vs[n - 1].deps.push_back({i, "depends_on"});
  }
  DepGraph g(vs);
  auto order = g.TopologicalOrder();
  REQUIRE(order.ok());
  RequireDepsFirst(vs, *order);
  CHECK(order->front() == 0);
  CHECK(order->back() == n - 1);
  CHECK(g.Dependents(0).size() == static_cast<size_t>(n - 2));
}

TEST_CASE("A 100,000-deep chain of module variables contracts without recursion") {
  const int n = 100000;
  std::vector<Vertex> vs(n);
  for (int i = 0; i < n; ++i) {
    vs[i].id = i;
    vs[i].name = "v" + std::to_string(i);
    vs[i].kind = (i == 0 || i == n - 1) ? VertexKind::kResource : VertexKind::kModuleVariable;
    if (i > 0) vs[i].deps.push_back({i - 1, "inputs.x"});
  }
  auto deps = DepGraph(vs).ResourceDependencies();
  CHECK(deps[n - 1] == std::vector<int>{0});
  CHECK(deps[n / 2] == std::vector<int>{0});
}

}  // namespace
}  // namespace capstan
