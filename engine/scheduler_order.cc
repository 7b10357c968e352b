// BuildJobGraph: reverse edges, in-degrees and critical-path priorities for the scheduler.
//
/// Kept apart from the threading code so that it can be tested, and reused by the
/// benchmark, without any worker thread running.

#include "engine/scheduler_order.h"

#include <algorithm>

namespace capstan {

JobGraph BuildJobGraph(const std::vector<Job>& jobs) {
  const int n = static_cast<int>(jobs.size());
  JobGraph g;
  g.dependents.resize(n);
  g.waiting_for.assign(n, 0);
  g.priority.assign(n, 0.0);
  std::vector<int> preds;
  for (int j = 0; j < n; ++j) {
    preds.assign(jobs[j].after.begin(), jobs[j].after.end());
    std::sort(preds.begin(), preds.end());
    preds.erase(std::unique(preds.begin(), preds.end()), preds.end());
    for (int p : preds) {
      if (p < 0 || p >= n) continue;
      g.dependents[p].push_back(j);
      ++g.waiting_for[j];
    }
  }

  // Kahn's algorithm; the order itself does not need tie-breaks, only validity.
  std::vector<int> missing = g.waiting_for;
  g.order.reserve(n);
  for (int j = 0; j < n; ++j)
    if (missing[j] == 0) g.order.push_back(j);
  for (size_t i = 0; i < g.order.size(); ++i)
    for (int d : g.dependents[g.order[i]])
      if (--missing[d] == 0) g.order.push_back(d);

  for (auto it = g.order.rbegin(); it != g.order.rend(); ++it) {
    double below = 0;
    for (int d : g.dependents[*it]) below = std::max(below, g.priority[d]);
    g.priority[*it] = jobs[*it].weight + below;
  }
  // Jobs on a cycle never become ready; give them their own weight for completeness.
  for (int j = 0; j < n; ++j)
    if (missing[j] > 0) g.priority[j] = jobs[j].weight;
  return g;
}

}  // namespace capstan
