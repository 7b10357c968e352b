// Expansion: count/for_each on resources and modules, nested modules, addresses, edges.
#include <catch2/catch.hpp>

#include "tests/engine/config/stack_fixture.h"

namespace capstan {
namespace {

using testing::VertexNamed;

std::unique_ptr<StackConfig> LoadFixture() {
  LoadOptions opts;
  opts.paths = {std::string(CAPSTAN_SOURCE_DIR) + "/tests/engine/config/testdata/expand"};
  opts.env_vars = false;
  auto r = LoadStack(opts);
  INFO(r.diags().ToString());
  REQUIRE(r.ok());
  return std::move(*r);
}

/// The `via` of the edge from vertex `from` to vertex `to`, or "" if there is none.
std::string Via(const StackConfig& s, const std::string& from, const std::string& to) {
  int f = VertexNamed(s, from), t = VertexNamed(s, to);
  REQUIRE(f >= 0);
  REQUIRE(t >= 0);
  for (const auto& e : s.vertices()[f].deps) {
    if (e.to == t) return e.via;
  }
  return "";
}

TEST_CASE("expansion produces one vertex per instance with canonical addresses") {
  auto s = LoadFixture();
  std::vector<std::string> resources;
  for (const auto& v : s->vertices()) {
    if (v.kind == VertexKind::kResource) resources.push_back(v.name);
  }
  std::vector<std::string> expected = {
      "openstack.network.net",
      "openstack.subnet.subnet[\"a\"]",
      "openstack.subnet.subnet[\"b\"]",
      "openstack.port.port[\"a\"]",
      "openstack.port.port[\"b\"]",
      "openstack.server.node[0]",
      "openstack.server.node[1]",
      "module.cluster[\"dev\"].capi.cluster.this",
      "module.cluster[\"dev\"].openstack.server.worker[0]",
      "module.cluster[\"dev\"].module.addons.capi.addon.addon[\"cni\"]",
      "module.cluster[\"dev\"].module.addons.capi.addon.addon[\"csi\"]",
      "module.cluster[\"prod\"].capi.cluster.this",
      "module.cluster[\"prod\"].openstack.server.worker[0]",
      "module.cluster[\"prod\"].openstack.server.worker[1]",
      "module.cluster[\"prod\"].openstack.server.worker[2]",
      "module.cluster[\"prod\"].module.addons.capi.addon.addon[\"cni\"]",
      "module.cluster[\"prod\"].module.addons.capi.addon.addon[\"csi\"]",
  };
  std::sort(resources.begin(), resources.end());
  std::sort(expected.begin(), expected.end());
  CHECK(resources == expected);
}

TEST_CASE("vertex ids are indices and FindResource looks addresses up") {
  auto s = LoadFixture();
  for (size_t i = 0; i < s->vertices().size(); ++i) CHECK(s->vertices()[i].id == (int)i);
  auto a = Address::Parse("module.cluster[\"prod\"].openstack.server.worker[2]");
  REQUIRE(a.ok());
  int id = s->FindResource(*a);
  REQUIRE(id >= 0);
  CHECK(s->vertices()[id].address == *a);
  CHECK(s->vertices()[id].type == "openstack.server");
  auto missing = Address::Parse("module.cluster[\"prod\"].openstack.server.worker[3]");
  CHECK(s->FindResource(*missing) == -1);
}

TEST_CASE("module variables, module outputs and root outputs are vertices") {
  auto s = LoadFixture();
  int var = VertexNamed(*s, "module.cluster[\"prod\"].var.net_id");
  REQUIRE(var >= 0);
  CHECK(s->vertices()[var].kind == VertexKind::kModuleVariable);
  int out = VertexNamed(*s, "module.cluster[\"dev\"].output.kubeconfig");
  REQUIRE(out >= 0);
  CHECK(s->vertices()[out].kind == VertexKind::kModuleOutput);
  REQUIRE(s->outputs().size() == 1);
  CHECK(s->outputs()[0].name == "kubeconfig");
  CHECK(s->outputs()[0].sensitive);
  CHECK(s->outputs()[0].description == "prod");
  CHECK(s->vertices()[s->outputs()[0].vertex].kind == VertexKind::kOutput);
  CHECK(s->vertices()[s->outputs()[0].vertex].name == "output.kubeconfig");
}

TEST_CASE("edges record the key that made them") {
  auto s = LoadFixture();
  CHECK(Via(*s, "openstack.subnet.subnet[\"a\"]", "openstack.network.net") ==
        "properties.network_id");
  CHECK(Via(*s, "module.cluster[\"prod\"].var.net_id", "openstack.network.net") == "inputs.net_id");
  CHECK(Via(*s, "module.cluster[\"prod\"].capi.cluster.this",
            "module.cluster[\"prod\"].var.name") == "properties.name");
  CHECK(Via(*s, "module.cluster[\"prod\"].openstack.server.worker[0]",
            "module.cluster[\"prod\"].var.workers") == "count");
  CHECK(Via(*s, "output.kubeconfig", "module.cluster[\"prod\"].output.kubeconfig") == "value");
  CHECK(Via(*s, "module.cluster[\"prod\"].output.kubeconfig",
            "module.cluster[\"prod\"].capi.cluster.this") == "value");
  CHECK(Via(*s, "module.cluster[\"prod\"].module.addons.var.cluster",
            "module.cluster[\"prod\"].var.name") == "inputs.cluster");
}

TEST_CASE("an index known at load makes an edge to that one instance only") {
  auto s = LoadFixture();
  CHECK(Via(*s, "openstack.port.port[\"a\"]", "openstack.subnet.subnet[\"a\"]") ==
        "properties.subnet_id");
  CHECK(Via(*s, "openstack.port.port[\"a\"]", "openstack.subnet.subnet[\"b\"]").empty());
  CHECK(Via(*s, "output.kubeconfig", "module.cluster[\"dev\"].output.kubeconfig").empty());
}

TEST_CASE("a splat makes edges to every instance") {
  auto s = LoadFixture();
  CHECK(Via(*s, "openstack.server.node[1]", "openstack.subnet.subnet[\"a\"]") ==
        "properties.all_subnets");
  CHECK(Via(*s, "openstack.server.node[1]", "openstack.subnet.subnet[\"b\"]") ==
        "properties.all_subnets");
}

TEST_CASE("depends_on a module depends on every resource inside it, nested ones too") {
  auto s = LoadFixture();
  CHECK(Via(*s, "openstack.server.node[0]", "module.cluster[\"dev\"].capi.cluster.this") ==
        "depends_on");
  CHECK(Via(*s, "openstack.server.node[0]",
            "module.cluster[\"prod\"].module.addons.capi.addon.addon[\"csi\"]") == "depends_on");
  CHECK(Via(*s, "openstack.server.node[0]", "openstack.network.net").empty());
}

TEST_CASE("edges are sorted by target without duplicates") {
  auto s = LoadFixture();
  for (const auto& v : s->vertices()) {
    for (size_t i = 1; i < v.deps.size(); ++i) CHECK(v.deps[i - 1].to < v.deps[i].to);
  }
}

TEST_CASE("lifecycle is evaluated at load and provider defaults to the type prefix") {
  auto s = LoadFixture();
  const Vertex& net = s->vertices()[VertexNamed(*s, "openstack.network.net")];
  CHECK(net.lifecycle.prevent_destroy);
  CHECK(net.lifecycle.create_before_destroy);
  CHECK(net.lifecycle.Ignores("tags"));
  CHECK_FALSE(net.lifecycle.Ignores("name"));
  CHECK(net.provider == "openstack");
  CHECK(s->vertices()[VertexNamed(*s, "openstack.server.node[0]")].provider == "cloud2");
  CHECK(net.where.line == 9);
}

TEST_CASE("for_each over a map exposes each.value and count exposes count.index") {
  auto s = LoadFixture();
  testing::MapValues values;
  int w = VertexNamed(*s, "module.cluster[\"prod\"].openstack.server.worker[2]");
  auto v = s->Evaluate(w, values);
  INFO(v.diags().ToString());
  REQUIRE(v.ok());
  CHECK(v->value["index"] == 2);
  CHECK(IsUnknown(v->value["cluster"]));
  int var = VertexNamed(*s, "module.cluster[\"prod\"].var.workers");
  auto workers = s->Evaluate(var, values);
  REQUIRE(workers.ok());
  CHECK(workers->value == 3);
  auto sub = s->Evaluate(VertexNamed(*s, "openstack.subnet.subnet[\"b\"]"), values);
  REQUIRE(sub.ok());
  CHECK(sub->value["name"] == "sub-b");
}

TEST_CASE("files lists the stack file and every module file") {
  auto s = LoadFixture();
  CHECK(s->files().size() == 3);
  CHECK(s->name() == "demo");
}

}  // namespace
}  // namespace capstan
