// DepGraph's private representation, shared by the files that implement its passes.
//
/// The graph lives in a Boost adjacency_list with vecS storage, so a Boost vertex
/// descriptor is simply a position 0..n-1. Positions follow the order of the vertex list
/// given to the constructor; `ids` maps a position back to the caller's vertex id and
/// `index_of` maps an id to its position (ids are normally positions already, but
/// nothing here relies on that). An edge u -> v means "u depends on v" and carries the
/// property that made it. Out-edges are added in ascending order of the target id, so
/// every traversal sees them in a fixed order and every result is deterministic.
#pragma once

#include <boost/graph/adjacency_list.hpp>
#include <string>
#include <vector>

#include "engine/config.h"
#include "engine/graph.h"
#include "engine/result.h"

namespace capstan {

struct DepEdgeProp {
  std::string via;
};

using BoostDepGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS,
                                            boost::no_property, DepEdgeProp>;
using GraphVertex = BoostDepGraph::vertex_descriptor;

/// What the passes need to know about a vertex besides its edges.
struct GraphVertexInfo {
  int id = 0;
  VertexKind kind = VertexKind::kResource;
  std::string name;
  Address address;
  SourceLocation where;
};

/// The data behind DepGraph::Impl, named separately because Impl is private to DepGraph
/// and the passes in other files take it as a parameter.
struct DepGraphData {
  BoostDepGraph g;
  std::vector<GraphVertexInfo> info;  ///< By position.
  std::vector<int> index_of;          ///< By id; -1 where no vertex has that id.

  /// Position of `id`, or -1 when no vertex has it.
  int IndexOf(int id) const {
    return id >= 0 && static_cast<size_t>(id) < index_of.size() ? index_of[id] : -1;
  }
};

struct DepGraph::Impl : DepGraphData {};

/// The error for a graph that is not acyclic: the shortest cycle through the lowest-id
/// vertex of the lowest-id non-trivial strongly connected component (graph_cycle.cc).
Diagnostics DescribeCycle(const DepGraphData& graph);

}  // namespace capstan
