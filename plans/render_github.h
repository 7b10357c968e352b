// GitHub Actions annotations for drift: `capstan drift --format github`.
//
/// Printed in a workflow step, workflow commands become annotations on the run's
/// summary page: one `::warning title=drift::ADDRESS: ATTR changed` per drifted
/// attribute (`... was deleted outside capstan` for vanished objects), then the plain
/// summary line. Data and properties are escaped as the runner requires (% CR LF, and
/// `:` `,` in properties), so a hostile address cannot end an annotation early or emit a
/// second command. Sensitive values are never printed (only attribute names are).
#pragma once

#include <string>

#include "plans/plan.h"

namespace capstan {

std::string RenderDriftGithub(const Plan& plan);

}  // namespace capstan
