// Refresh: read every instance in state from its provider, and say what drifted.
//
/// Instances are grouped by (provider, type) and read with ResourceType::ReadMany in
/// chunks, the chunks scheduled in parallel within each provider's pool — one list call
/// per page instead of one GET per object where the provider allows it; only chunks that
/// depend on a type whose read enables its dependents wait for it (refresh_order.h). The
/// result is the refreshed state (objects that vanished are dropped) plus a DriftEntry for every
/// instance whose real attributes differ from state, ignoring attributes the resource's
/// lifecycle.ignore_changes or the type's controller_owned list name — which are
/// reported with their reason, so `--verbose` can say what was skipped and why.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/ops/workspace.h"
#include "plans/plan.h"

namespace capstan {

struct RefreshResult {
  std::vector<InstanceState> instances;  ///< Refreshed; vanished objects removed.
  std::vector<DriftEntry> drift;
  /// Per address, every difference skipped and why ("status (controller-owned)",
  /// "tags (lifecycle.ignore_changes)"), also for objects that did not drift otherwise.
  std::map<std::string, std::vector<std::string>> ignored;
  Diagnostics diags;
};

/// `ignore` maps an address to the attributes its lifecycle ignores ("*" = all).
RefreshResult Refresh(Workspace& ws, const std::vector<InstanceState>& instances,
                      const std::map<std::string, std::set<std::string>>& ignore, int parallelism);

/// The attribute-level difference between two attribute objects (top-level keys),
/// skipping `ignored` names (which are reported in *skipped).
std::vector<AttributeChange> CompareAttributes(const Value& before, const Value& after,
                                               const std::set<std::string>& sensitive,
                                               const std::set<std::string>& ignored,
                                               std::vector<std::string>* skipped);

}  // namespace capstan
