// The machine-readable plan: `capstan plan --json` and `capstan show --json`.
//
/// A public, versioned contract documented field by field in docs/plan-format.md
/// (format_version = kPlanFormatVersion). Unlike the plan file (plans/plan_file.h) it is
/// made for other programs to read and may be printed in CI logs, so it never contains a
/// secret: sensitive attribute, output and variable values are null and listed by name.
/// Unknown values are null too, with their paths listed under `unknown`.
#pragma once

#include <nlohmann/json.hpp>

#include "plans/plan.h"

namespace capstan {

nlohmann::json PlanToJson(const Plan& plan);

}  // namespace capstan
