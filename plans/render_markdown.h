// Markdown plans and drift reports: comments for pull and merge requests.
//
/// CI posts these as a PR/MR comment, where reviewers want the gist first and the
/// details on demand: a heading, the summary line, one table row per object, then one
/// collapsed `<details>` block per object with its attributes old -> new. Sensitive
/// values are masked ("(sensitive)") exactly as in the human plan, and every address,
/// value and note goes through plans/text_escape.h: a for_each key or a cloud value with
/// `|`, backticks, `<` or newlines cannot break the table or inject markup.
#pragma once

#include <string>

#include "plans/plan.h"

namespace capstan {

/// `capstan plan --format markdown`: summary, table of changes, details per resource,
/// output changes, and drift found while refreshing.
std::string RenderPlanMarkdown(const Plan& plan);

/// `capstan drift --format markdown`: summary, table of drifted objects, details per
/// object (ignored differences included).
std::string RenderDriftMarkdown(const Plan& plan);

}  // namespace capstan
