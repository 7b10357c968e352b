// The per-object view of a drift check, shared by every drift renderer.
//
/// A refresh-only plan holds one no-op change per object checked and one DriftEntry per
/// object that drifted. Human, Markdown, JUnit and GitHub reports all need the same
/// three things from it — the list of checked objects with their drift (if any), the
/// counts, and the one summary line CI greps for — so they are computed here once and
/// the renderers cannot disagree about what was checked.
#pragma once

#include <string>
#include <vector>

#include "plans/plan.h"

namespace capstan::render {

struct CheckedObject {
  std::string address;
  std::string type;
  const DriftEntry* drift = nullptr;  ///< nullptr: matches its state.
  std::vector<std::string> ignored;   ///< "status (controller-owned)", ...
};

/// Every object the check looked at (changes without a deposed key, plus drift entries),
/// sorted by address.
std::vector<CheckedObject> CheckedObjects(const Plan& plan);

struct DriftCounts {
  int checked = 0;
  int changed = 0;
  int deleted = 0;
};
DriftCounts CountDrift(const Plan& plan);

/// "Drift: 1 object changed, 1 deleted outside capstan." or
/// "No drift: 3 objects match their state." (no trailing newline).
std::string DriftSummaryLine(const Plan& plan);

/// The names of a drift entry's changed attributes, "a, b" ("" when deleted).
std::string ChangedAttributeList(const DriftEntry& d);

}  // namespace capstan::render
