// The static part of a schedule: who waits for whom, and which jobs are most urgent.
//
/// Computed once before any worker starts, in O(V+E): reverse edges, in-degree counters
/// and each job's priority, the heaviest path from the job to a sink (its own weight
/// included), found by one pass over a topological order taken backwards. Long chains
/// then start before wide, shallow fan-out, which is what keeps the wall time near the
/// critical-path bound.
#pragma once

#include <vector>

#include "engine/scheduler.h"

namespace capstan {

struct JobGraph {
  std::vector<std::vector<int>> dependents;  ///< Jobs whose `after` names this job.
  std::vector<int> waiting_for;              ///< Distinct valid predecessors per job.
  std::vector<double> priority;              ///< Heaviest path weight to a sink.
  /// Jobs in a topological order (predecessors first). Shorter than the job list when
  /// `after` edges form a cycle; jobs on or behind a cycle are left out.
  std::vector<int> order;
};

/// Ignores `after` ids that are out of range and repeated ids.
JobGraph BuildJobGraph(const std::vector<Job>& jobs);

}  // namespace capstan
