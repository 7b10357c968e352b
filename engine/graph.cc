// DepGraph construction and its ordering passes.
//
/// The planner asks three questions of the graph: in which order may vertices be
/// evaluated (TopologicalOrder), which resources does a vertex really depend on once
/// module plumbing is looked through (ResourceDependencies), and who depends on a vertex
/// (Dependents). Each answer must be the same on every run, because plans are diffed and
/// saved: ties are always broken by vertex id. Cycle reports live in graph_cycle.cc and
/// rendering in graph_render.cc.

#include "engine/graph.h"

#include <algorithm>
#include <functional>
#include <queue>
#include <utility>
#include <vector>

#include "engine/graph_impl.h"

namespace capstan {

DepGraph::DepGraph(const std::vector<Vertex>& vertices) : impl_(new Impl) {
  Impl& im = *impl_;
  int max_id = -1;
  for (const Vertex& v : vertices) max_id = std::max(max_id, v.id);
  im.index_of.assign(static_cast<size_t>(max_id + 1), -1);
  im.info.reserve(vertices.size());
  std::vector<const Vertex*> kept;
  kept.reserve(vertices.size());
  for (const Vertex& v : vertices) {
    // A negative or repeated id cannot be addressed; the first vertex with an id wins.
    if (v.id < 0 || im.index_of[v.id] != -1) continue;
    im.index_of[v.id] = static_cast<int>(im.info.size());
    im.info.push_back({v.id, v.kind, v.name, v.address, v.where});
    kept.push_back(&v);
  }
  im.g = BoostDepGraph(im.info.size());
  for (size_t from = 0; from < kept.size(); ++from) {
    const Vertex& v = *kept[from];
    // Edges in ascending target order (deps are documented as sorted; do not rely on it).
    std::vector<const DepEdge*> edges;
    edges.reserve(v.deps.size());
    for (const DepEdge& e : v.deps) edges.push_back(&e);
    std::stable_sort(edges.begin(), edges.end(),
                     [](const DepEdge* a, const DepEdge* b) { return a->to < b->to; });
    for (const DepEdge* e : edges) {
      int to = im.IndexOf(e->to);
      if (to < 0) continue;  // Dangling reference: the loader reports those.
      boost::add_edge(from, to, DepEdgeProp{e->via}, im.g);
    }
  }
}

DepGraph::~DepGraph() { delete impl_; }

size_t DepGraph::size() const { return impl_->info.size(); }

Result<std::vector<int>> DepGraph::TopologicalOrder() const {
  const Impl& im = *impl_;
  const size_t n = im.info.size();
  // Kahn's algorithm on "depends on" edges: a vertex is ready once every vertex it
  // depends on has been emitted. A min-heap on id makes the order unique.
  std::vector<size_t> missing(n);
  using MinHeap = std::priority_queue<int, std::vector<int>, std::greater<int>>;
  MinHeap ready;
  for (size_t u = 0; u < n; ++u) {
    missing[u] = boost::out_degree(u, im.g);
    if (missing[u] == 0) ready.push(im.info[u].id);
  }
  std::vector<int> order;
  order.reserve(n);
  while (!ready.empty()) {
    int id = ready.top();
    ready.pop();
    order.push_back(id);
    for (auto [e, end] = boost::in_edges(im.IndexOf(id), im.g); e != end; ++e) {
      GraphVertex dependent = boost::source(*e, im.g);
      if (--missing[dependent] == 0) ready.push(im.info[dependent].id);
    }
  }
  if (order.size() != n) return DescribeCycle(im);
  return order;
}

std::vector<std::vector<int>> DepGraph::ResourceDependencies() const {
  const Impl& im = *impl_;
  const size_t n = im.info.size();
  auto is_resource = [&](GraphVertex u) { return im.info[u].kind == VertexKind::kResource; };

  // reach[u] for a non-resource u: the resource ids reachable from u through
  // non-resource vertices only. Computed once per vertex in DFS post-order (iterative,
  // so a 100,000-deep module chain cannot overflow the stack), then reused by every
  // vertex that depends on u. A non-resource cycle contributes nothing past the point
  // where it closes; TopologicalOrder reports it.
  enum class Mark : char { kNew, kOpen, kDone };
  std::vector<Mark> mark(n, Mark::kNew);
  std::vector<std::vector<int>> reach(n);

  auto contribution = [&](GraphVertex from, std::vector<int>& out) {
    for (auto [e, end] = boost::out_edges(from, im.g); e != end; ++e) {
      GraphVertex to = boost::target(*e, im.g);
      if (is_resource(to)) {
        out.push_back(im.info[to].id);
      } else if (mark[to] == Mark::kDone) {
        out.insert(out.end(), reach[to].begin(), reach[to].end());
      }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
  };

  using OutIter = boost::graph_traits<BoostDepGraph>::out_edge_iterator;
  std::vector<std::pair<GraphVertex, OutIter>> stack;
  for (GraphVertex root = 0; root < n; ++root) {
    if (is_resource(root) || mark[root] != Mark::kNew) continue;
    mark[root] = Mark::kOpen;
    stack.emplace_back(root, boost::out_edges(root, im.g).first);
    while (!stack.empty()) {
      auto& [u, it] = stack.back();
      auto end = boost::out_edges(u, im.g).second;
      bool descended = false;
      while (it != end) {
        GraphVertex to = boost::target(*it, im.g);
        ++it;
        if (!is_resource(to) && mark[to] == Mark::kNew) {
          mark[to] = Mark::kOpen;
          stack.emplace_back(to, boost::out_edges(to, im.g).first);
          descended = true;
          break;
        }
      }
      if (descended) continue;
      GraphVertex done = u;
      stack.pop_back();
      contribution(done, reach[done]);
      mark[done] = Mark::kDone;
    }
  }

  // Resources first: they read reach[], which the second loop then hands over.
  std::vector<std::vector<int>> result(im.index_of.size());
  for (GraphVertex u = 0; u < n; ++u)
    if (is_resource(u)) contribution(u, result[im.info[u].id]);
  for (GraphVertex u = 0; u < n; ++u)
    if (!is_resource(u)) result[im.info[u].id] = std::move(reach[u]);
  return result;
}

std::vector<int> DepGraph::Dependents(int v) const {
  const Impl& im = *impl_;
  std::vector<int> out;
  int u = im.IndexOf(v);
  if (u < 0) return out;
  for (auto [e, end] = boost::in_edges(u, im.g); e != end; ++e)
    out.push_back(im.info[boost::source(*e, im.g)].id);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace capstan
