// Human rendering of plans and drift: what `capstan plan`, `apply` and `drift` print.
//
/// The layout follows Terraform's, which users already read fluently: a legend of the
/// symbols in use, one commented header and one block per changed resource, aligned
/// attribute lines ("~ cidr = "10.0.0.0/24" -> "10.0.1.0/24" # forces replacement"),
/// unchanged attributes folded into a count, then the summary line and output changes.
/// Values only known after apply print as "(known after apply)"; sensitive values are
/// never printed, only "(sensitive)". Colours (ANSI) appear only when asked for.
#pragma once

#include <string>

#include "plans/plan.h"

namespace capstan {

struct RenderOptions {
  bool color = false;
  bool show_unchanged = false;  ///< List unchanged attributes instead of counting them.
  /// Also list what was ignored for objects without changes, and why (`--verbose`):
  /// "ignored: status (controller-owned)", "ignored: tags (lifecycle.ignore_changes)".
  bool verbose = false;
};

/// The full plan: drift (if any), resource changes, summary line, output changes.
std::string RenderPlan(const Plan& plan, const RenderOptions& options);

/// Only the drift part, for `capstan drift`, ending in "Drift: 2 objects changed,
/// 1 deleted outside capstan." or "No drift: N objects match their state."
std::string RenderDrift(const Plan& plan, const RenderOptions& options);

}  // namespace capstan
