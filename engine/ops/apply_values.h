// ApplyValues: the values apply evaluates properties with, as they become real.
//
/// At plan time a dependency's id may be "(known after apply)". During apply, each node
/// re-evaluates its resource's properties from the configuration with the *current*
/// values: real attributes of resources already created or updated in this run, the
/// plan's values for everything else. Module variables and outputs are evaluated on
/// demand through their own dependencies. The execution graph guarantees a node's
/// dependencies finished before it runs, so what it reads is final.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>

#include "engine/ops/workspace.h"
#include "plans/plan.h"

namespace capstan {

class ApplyValues {
 public:
  ApplyValues(Workspace& ws, const Plan& plan);

  /// The properties to send for change `c` (defaults applied, no unknowns left), or an
  /// error when a value is still unknown or differs from what the plan promised.
  Result<VertexValue> PropertiesFor(const ResourceChange& c, const ResourceType& type);

  /// Records the real attributes of a resource after its create/update.
  void Record(const Address& a, Value attributes, std::set<std::string> sensitive);

  /// The current value of a resource vertex (copy, under the lock).
  VertexValue Current(int vertex);

  /// Stores the stack's outputs: evaluated with final values; in destroy mode cleared
  /// when everything was destroyed. Outputs that are still unknown keep their old value.
  Status WriteOutputs(const Plan& plan, bool all_ok);

 private:
  Workspace& ws_;
  std::mutex mu_;
  std::map<int, VertexValue> resources_;  ///< By vertex id.
};

}  // namespace capstan
