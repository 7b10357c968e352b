// The applier: executes a Plan's execution graph against providers and state.
//
/// Apply never re-plans. It checks the plan is fresh (same lineage, serial and config
/// hash as the workspace), takes the stack lock, and schedules the plan's ExecNodes.
/// Each node re-evaluates its resource's properties with the real values of what it
/// depends on (resolving "(known after apply)"), writes a journal row, calls the
/// provider, and commits the result and the journal close in one transaction. A failed
/// node skips its dependents; a create that fails after the object exists leaves it
/// tainted in state. Outputs are written at the end. Ctrl-C handling: see interrupts.h.
#pragma once

#include <string>
#include <vector>

#include "engine/ops/workspace.h"
#include "plans/plan.h"

namespace capstan {

struct ApplyOptions {
  int parallelism = 10;
  std::string command = "apply";  ///< Recorded in history ("apply", "destroy").
  int lock_lease_seconds = 120;   ///< Renewed while the run lasts.
};

struct OpTiming {
  std::string address;
  std::string action;
  double start_seconds = 0;  ///< Since the run started.
  double seconds = 0;
  bool ok = false;
};

struct ApplyReport {
  int created = 0, updated = 0, deleted = 0, failed = 0, skipped = 0, not_started = 0;
  bool interrupted = false;
  double seconds = 0;
  std::vector<OpTiming> timings;
  Diagnostics diags;  ///< One per failed node, with its address.
  bool ok() const { return failed == 0 && skipped == 0 && not_started == 0 && !interrupted; }
  std::string Summary() const;  ///< "3 added, 1 changed, 0 destroyed."
};

/// Error if the plan was made from a different state (lineage/serial) or configuration.
Status CheckPlanFresh(Workspace& ws, const Plan& plan);

Result<ApplyReport> ApplyPlan(Workspace& ws, const Plan& plan, const ApplyOptions& opts);

}  // namespace capstan
