// The planner: configuration + refreshed state → a Plan (the program apply runs).
//
/// Steps: resolve open journal rows left by a crashed run; refresh every instance in
/// state (batched per type with ReadMany, in parallel, within provider pools) unless
/// refresh is off; walk the configuration graph in dependency order evaluating each
/// vertex with planned values of its dependencies (unknown where not yet known);
/// validate properties against the type's schema; diff each instance against its prior
/// state; add deletes for instances no longer configured, and forgets for state entries
/// whose objects refresh found gone (unless a create replaces them); apply --target/--exclude
/// (with dependencies of targets kept); enforce prevent_destroy; build the execution
/// graph. In refresh-only mode (drift) only the refresh comparison is produced.
#pragma once

#include <vector>

#include "engine/ops/workspace.h"
#include "plans/plan.h"
#include "resources/address.h"

namespace capstan {

struct PlanOptions {
  PlanMode mode = PlanMode::kNormal;
  bool refresh = true;
  std::vector<Target> targets;
  std::vector<Target> excludes;
  int parallelism = 10;
};

Result<Plan> MakePlan(Workspace& ws, const PlanOptions& opts);

}  // namespace capstan
