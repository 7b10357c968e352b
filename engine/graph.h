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

#include <map>
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

  /// Planned action per vertex name ("create", "update", "replace", "delete", "no-op"),
  /// for `capstan graph --plan`; vertices not named are drawn as without a plan.
  using Actions = std::map<std::string, std::string>;

  /// Graphviz DOT, vertices labelled by name, edges by `via`; with actions, resource
  /// vertices are filled in the action's colour and labelled with it.
  std::string ToDot(const Actions& actions = {}) const;
  /// A Mermaid flowchart (renders in GitHub/GitLab Markdown), same content as ToDot.
  std::string ToMermaid(const Actions& actions = {}) const;
  /// {"vertices":[{"id","name","kind","action"?}],"edges":[{"from","to","via"}]}
  std::string ToJson(const Actions& actions = {}) const;

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace capstan
