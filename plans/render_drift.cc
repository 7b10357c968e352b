// The drift part of plans and `capstan drift`: objects changed or deleted outside capstan.
//
/// Drift is what refresh found: the real object differs from the stored state. It is
/// shown before the plan's actions (the actions respond to it) and alone for `capstan
/// drift`, which CI runs on a schedule, so its summary line is meant to be grepped.
#include <set>
#include <string>
#include <vector>

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

}  // namespace render

std::string RenderDrift(const Plan& plan, const RenderOptions& options) {
  render::Style style(options.color);
  std::string out = render::DriftSection(plan, options);
  int changed = 0, deleted = 0;
  for (const DriftEntry& d : plan.drift) ++(d.deleted ? deleted : changed);
  if (plan.drift.empty()) {
    // Objects in state: every change with a prior object, counted once per address.
    std::set<std::string> tracked;
    for (const ResourceChange& c : plan.changes) {
      if (c.before.is_object() && c.deposed_key.empty()) tracked.insert(c.address.ToString());
    }
    const size_t n = tracked.size();
    return out + "No drift: " + std::to_string(n) +
           (n == 1 ? " object matches its" : " objects match their") + " state.\n";
  }
  return out + style.Bold("Drift:") + " " + std::to_string(changed) +
         (changed == 1 ? " object" : " objects") + " changed, " + std::to_string(deleted) +
         " deleted outside capstan.\n";
}

}  // namespace capstan
