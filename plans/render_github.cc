// GitHub Actions annotations for drift (see plans/render_github.h).
#include "plans/render_github.h"

#include "plans/drift_report.h"
#include "plans/text_escape.h"

namespace capstan {

std::string RenderDriftGithub(const Plan& plan) {
  using render::GithubData;
  const std::string title = "title=" + render::GithubProperty("drift");
  std::string out;
  for (const DriftEntry& d : plan.drift) {
    const std::string address = d.address.ToString();
    if (d.deleted) {
      out += "::warning " + title + "::" + GithubData(address + ": deleted outside capstan") + "\n";
      continue;
    }
    for (const AttributeChange& a : d.attributes) {
      out += "::warning " + title + "::" + GithubData(address + ": " + a.path + " changed") + "\n";
    }
  }
  // The summary stays a plain log line: the warnings above are the findings.
  return out + GithubData(render::DriftSummaryLine(plan)) + "\n";
}

}  // namespace capstan
