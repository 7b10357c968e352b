// The drift part of plans and `capstan drift`: objects changed or deleted outside capstan.
//
/// Drift is what refresh found: the real object differs from the stored state. It is
/// shown before the plan's actions (the actions respond to it) and alone for `capstan
/// drift`, which CI runs on a schedule, so its summary line is meant to be grepped.
#include <string>
#include <vector>

#include "plans/drift_report.h"
#include "plans/render_human.h"
#include "plans/render_text.h"

namespace capstan {
namespace render {

std::string DriftSection(const Plan& plan, const RenderOptions& options) {
  if (plan.drift.empty()) return {};
  Style style(options.color);
  std::string out = style.Bold("Objects have changed outside of capstan:") + "\n";
  for (const DriftEntry& d : plan.drift) {
    const std::string who = d.address.ToString();
    out += "\n";
    if (d.deleted) {
      out += "  " + style.Bold("# " + who + " has been deleted") + "\n";
      continue;
    }
    out += "  " + style.Bold("# " + who + " has been changed") + "\n";
    out += "  " + style.Symbol("~") + " " + who + " {\n";
    std::vector<Line> lines;
    for (const AttributeChange& a : d.attributes) {
      Line line;
      ChangeLine(a.path, a.before, a.after, a.sensitive, line);
      lines.push_back(std::move(line));
    }
    WriteLines(out, lines, "      ", style);
    for (const std::string& note : d.ignored) {
      out += "        " + style.Dim("# ignored: " + note) + "\n";
    }
    out += "    }\n";
  }
  return out + "\n";
}

std::string IgnoredSection(const Plan& plan, const RenderOptions& options, bool skip_drifted) {
  Style style(options.color);
  std::string out;
  for (const CheckedObject& o : CheckedObjects(plan)) {
    if (skip_drifted && o.drift != nullptr) continue;  // DriftSection lists its notes.
    for (const std::string& note : o.ignored) {
      out += "  " + o.address + ": " + style.Dim("ignored: " + note) + "\n";
    }
  }
  if (out.empty()) return out;
  return style.Bold("Differences ignored:") + "\n" + out + "\n";
}

}  // namespace render

std::string RenderDrift(const Plan& plan, const RenderOptions& options) {
  render::Style style(options.color);
  std::string out = render::DriftSection(plan, options);
  if (options.verbose) out += render::IgnoredSection(plan, options, /*skip_drifted=*/true);
  const std::string line = render::DriftSummaryLine(plan);
  if (plan.drift.empty()) return out + line + "\n";
  const size_t colon = line.find(':');
  return out + style.Bold(line.substr(0, colon + 1)) + line.substr(colon + 1) + "\n";
}

}  // namespace capstan
