// The cycle report: one shortest cycle, chosen the same way on every run.
//
/// Terraform's cycle errors list every vertex of a strongly connected component in an
/// order that changes between runs, which users describe as giving "zero insights"
/// (terraform#4649). capstan names exactly one cycle: Tarjan's strongly connected
/// components find every vertex that lies on some cycle; of the non-trivial components
/// (more than one vertex, or a self-loop) the one holding the lowest vertex id is chosen,
/// and a breadth-first search from that vertex, confined to its component, finds the
/// shortest way back to it. Each arrow is labelled with the property that made the edge.
/// This file only runs when TopologicalOrder found the graph is not acyclic.

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/filtered_graph.hpp>
#include <boost/graph/strong_components.hpp>
#include <limits>
#include <string>
#include <vector>

#include "engine/graph_impl.h"

namespace capstan {
namespace {

using GraphEdge = BoostDepGraph::edge_descriptor;

/// Keeps only the edges inside one strongly connected component.
struct InComponent {
  const BoostDepGraph* g = nullptr;
  const std::vector<int>* component = nullptr;
  int which = -1;
  bool operator()(GraphEdge e) const {
    return (*component)[boost::source(e, *g)] == which &&
           (*component)[boost::target(e, *g)] == which;
  }
};

/// Records the BFS tree and the first examined edge that closes a cycle at `start`.
/// Vertices leave the BFS queue in order of distance, so that first edge ends the
/// shortest cycle; ties go to the vertex discovered first (a fixed order, since edges
/// are stored in ascending target id).
struct ClosingEdgeFinder : boost::default_bfs_visitor {
  GraphVertex start = 0;
  std::vector<GraphEdge>* tree_edge_to = nullptr;
  GraphEdge* closing = nullptr;
  bool* found = nullptr;

  template <typename G>
  void tree_edge(GraphEdge e, const G& g) const {
    (*tree_edge_to)[boost::target(e, g)] = e;
  }
  template <typename G>
  void examine_edge(GraphEdge e, const G& g) const {
    if (!*found && boost::target(e, g) == start) {
      *closing = e;
      *found = true;
    }
  }
};

/// The edges of one shortest cycle through `start`, in walking order.
std::vector<GraphEdge> ShortestCycleThrough(const DepGraphData& im, GraphVertex start,
                                            const std::vector<int>& component) {
  for (auto [e, end] = boost::out_edges(start, im.g); e != end; ++e)
    if (boost::target(*e, im.g) == start) return {*e};  // A self-loop is the shortest.

  InComponent keep{&im.g, &component, component[start]};
  boost::filtered_graph<BoostDepGraph, InComponent> sub(im.g, keep);
  const size_t n = boost::num_vertices(im.g);
  std::vector<GraphEdge> tree_edge_to(n);
  std::vector<boost::default_color_type> color(n);
  GraphEdge closing;
  bool found = false;
  ClosingEdgeFinder finder;
  finder.start = start;
  finder.tree_edge_to = &tree_edge_to;
  finder.closing = &closing;
  finder.found = &found;
  boost::breadth_first_search(sub, start,
                              boost::visitor(finder).color_map(boost::make_iterator_property_map(
                                  color.begin(), boost::get(boost::vertex_index, im.g))));
  if (!found) return {};  // Cannot happen: start lies in a non-trivial component.

  std::vector<GraphEdge> reversed{closing};
  for (GraphVertex at = boost::source(closing, im.g); at != start;) {
    GraphEdge e = tree_edge_to[at];
    reversed.push_back(e);
    at = boost::source(e, im.g);
  }
  return {reversed.rbegin(), reversed.rend()};
}

}  // namespace

Diagnostics DescribeCycle(const DepGraphData& im) {
  const size_t n = boost::num_vertices(im.g);
  std::vector<int> component(n);
  const int count = static_cast<int>(boost::strong_components(
      im.g,
      boost::make_iterator_property_map(component.begin(), boost::get(boost::vertex_index, im.g))));

  // A component is non-trivial if it has two vertices or a self-loop.
  std::vector<int> sizes(count, 0);
  std::vector<bool> self_loop(count, false);
  for (GraphVertex u = 0; u < n; ++u) {
    ++sizes[component[u]];
    for (auto [e, end] = boost::out_edges(u, im.g); e != end; ++e)
      if (boost::target(*e, im.g) == u) self_loop[component[u]] = true;
  }
  GraphVertex start = n;
  for (GraphVertex u = 0; u < n; ++u) {
    int c = component[u];
    if ((sizes[c] > 1 || self_loop[c]) && (start == n || im.info[u].id < im.info[start].id))
      start = u;
  }

  Diagnostics diags;
  if (start == n) {
    diags.Error("Dependency graph is not acyclic, but no cycle was found");
    return diags;
  }
  std::vector<GraphEdge> cycle = ShortestCycleThrough(im, start, component);
  std::string text = "Cycle: " + im.info[start].name;
  for (const GraphEdge& e : cycle)
    text += " -(" + im.g[e].via + ")-> " + im.info[boost::target(e, im.g)].name;

  const GraphVertexInfo& first = im.info[start];
  std::string key = cycle.empty() ? std::string() : im.g[cycle.front()].via;
  if (first.kind == VertexKind::kResource && !first.address.name.empty())
    key = "resources." + first.address.name + (key.empty() ? "" : "." + key);
  std::string detail =
      "Each arrow points from a vertex to one it depends on and names the reference that "
      "made the edge; remove one of them to break the cycle.";
  const int involved = sizes[component[start]];
  if (involved > static_cast<int>(cycle.size()))
    detail += " " + std::to_string(involved) +
              " vertices depend on each other in this group; this is its shortest cycle "
              "through " +
              first.name + ".";
  diags.ErrorAt(first.where, key, text, detail);
  return diags;
}

}  // namespace capstan
