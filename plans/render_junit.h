// JUnit XML drift reports: `capstan drift --format junit`.
//
/// CI systems (GitLab's `artifacts:reports:junit`, GitHub test-report actions, Jenkins)
/// show JUnit files as test results, so a scheduled drift job becomes a test run: one
/// <testcase> per object checked (classname = resource type, name = address), a
/// <failure> for each object that drifted whose message names the changed attributes,
/// and the attribute details (sensitive values masked) as the failure's text. Every
/// address and value is XML-escaped (plans/text_escape.h).
#pragma once

#include <string>

#include "plans/plan.h"

namespace capstan {

/// The report for a refresh-only plan. `seconds` is the time the check took.
std::string RenderDriftJUnit(const Plan& plan, double seconds = 0);

/// The report for a check that could not run (refresh failed): one <testcase> named
/// "capstan drift" with an <error> carrying `message`, so the CI job shows why.
std::string RenderDriftJUnitError(const std::string& stack, const std::string& message);

}  // namespace capstan
