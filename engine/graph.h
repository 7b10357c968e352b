// The dependency graph of a stack's vertices, on Boost.Graph.
//
/// Built from StackConfig vertices and their DepEdges. Offers exactly the passes the
/// planner needs, each O(V+E): topological order (dependencies first, ties broken by
/// vertex id so every run is identical), cycle detection that reports the shortest
/// cycle through the lowest-id vertex of the first strongly connected component (each
/// edge with the property that made it), the resource-to-resource dependencies with
/// module variables and outputs contracted away, and DOT/JSON rendering.
/// Resource semantics stay out of here: this is a small generic DAG layer.
#pragma once

#include <string>
#include <vector>

#include "engine/config.h"
#include "engine/result.h"

namespace capstan {

class DepGraph {
 public:
  /// Takes the vertex list of a StackConfig (copied: ids and edges only).
  explicit DepGraph(const std::vector<Vertex>& vertices);
  ~DepGraph();
  DepGraph(const DepGraph&) = delete;
  DepGraph& operator=(const DepGraph&) = delete;

  size_t size() const;

  /// Dependencies-first order of all vertex ids, or an error describing one shortest
  /// cycle: "Cycle: a.b.x -(properties.y)-> c.d.z -(depends_on)-> a.b.x", with the
  /// location of the first vertex.
  Result<std::vector<int>> TopologicalOrder() const;

  /// For each vertex id, the resource vertices it depends on directly or through
  /// non-resource vertices only (module variables/outputs are looked through). Sorted.
  std::vector<std::vector<int>> ResourceDependencies() const;

  /// Vertices that depend on `v` (reverse edges), sorted.
  std::vector<int> Dependents(int v) const;

  /// Graphviz DOT, vertices labelled by name, edges by `via`.
  std::string ToDot() const;
  /// {"vertices":[{"id","name","kind"}],"edges":[{"from","to","via"}]}
  std::string ToJson() const;

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace capstan
