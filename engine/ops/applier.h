// The applier: executes a Plan's execution graph against providers and state.
//
/// Apply never re-plans. It checks the plan is fresh (same lineage, serial and config
/// hash as the workspace), takes the stack lock, and schedules the plan's ExecNodes.
/// Each node re-evaluates its resource's properties with the real values of what it
/// depends on (resolving "(known after apply)"), writes a journal row, calls the
/// provider, and commits the result and the journal close in one transaction. A failed
/// node skips its dependents; a create that fails after the object exists leaves it
/// tainted in state. State entries the plan forgets (objects already gone) are removed
/// in one transaction before the graph runs. Outputs are written at the end. Ctrl-C
/// handling: see interrupts.h.
#pragma once

#include <cstdlib>
#include <string>
#include <vector>

#include "engine/ops/workspace.h"
#include "plans/plan.h"

namespace capstan {

/// The stack lock's lease: 120 s, or CAPSTAN_LOCK_LEASE seconds (1 to 3600) — a short
/// lease lets tests watch a killed run's lock expire without waiting two minutes.
inline int DefaultLockLeaseSeconds() {
  const char* env = std::getenv("CAPSTAN_LOCK_LEASE");
  int v = env != nullptr ? std::atoi(env) : 0;
  return v >= 1 && v <= 3600 ? v : 120;
}

struct ApplyOptions {
  int parallelism = 10;
  std::string command = "apply";  ///< Recorded in history ("apply", "destroy").
  int lock_lease_seconds = DefaultLockLeaseSeconds();  ///< Renewed every third of it.
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
  int forgotten = 0;  ///< State entries of objects already gone, removed (Action::kForget).
  bool interrupted = false;
  double seconds = 0;
  std::vector<OpTiming> timings;
  Diagnostics diags;  ///< One per failed node, with its address.
  bool ok() const { return failed == 0 && skipped == 0 && not_started == 0 && !interrupted; }
  /// "3 added, 1 changed, 0 destroyed." (", 1 forgotten (already gone)" when any).
  std::string Summary() const;
};

/// Error if the plan was made from a different state (lineage/serial) or configuration.
Status CheckPlanFresh(Workspace& ws, const Plan& plan);

Result<ApplyReport> ApplyPlan(Workspace& ws, const Plan& plan, const ApplyOptions& opts);

}  // namespace capstan
