// The end-of-run summary of apply and destroy: the slowest operations and the critical
// path actually taken.
//
/// "Apply complete" says what changed; operators also want to know where the time went.
/// The slowest operations name the resources worth tuning; the critical path is the
/// chain that determined when the run ended: start from the operation that finished
/// last, step to the dependency (an `after` edge of the execution graph) that finished
/// last before it — the one it waited for — and repeat. Shortening anything off that
/// chain would not have made the run shorter.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/ops/applier.h"
#include "plans/plan.h"

namespace capstan::cli {

struct RunSummary {
  std::vector<OpTiming> slowest;        ///< Longest first, at most `top`.
  std::vector<OpTiming> critical_path;  ///< In execution order.
  double seconds = 0;                   ///< Whole run.
};

RunSummary SummarizeRun(const Plan& plan, const ApplyReport& report, size_t top = 5);

/// "Slowest operations:" and "Critical path (…):" blocks; "" when nothing ran.
std::string RenderRunSummary(const RunSummary& s);

/// {"slowest": [...], "critical_path": [...]}, each op with address, action,
/// start_seconds, seconds, ok.
nlohmann::json RunSummaryToJson(const RunSummary& s);

}  // namespace capstan::cli
