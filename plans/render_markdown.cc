// Markdown plans and drift reports (see plans/render_markdown.h).
//
/// Layout of a drift comment:
///
///     ### capstan drift: `demo`
///
///     **Drift: 1 object changed, 1 deleted outside capstan.**
///
///     | Object | Type | Drift | Attributes |
///     |---|---|---|---|
///     | `openstack.network.main` | `openstack.network` | changed | `description` |
///
///     <details><summary><code>openstack.network.main</code> changed</summary>
///
///     ```diff
///     ~ description = "" -> "edited by hand"
///     ```
///
///     </details>
#include "plans/render_markdown.h"

#include <vector>

#include "plans/drift_report.h"
#include "plans/render_text.h"
#include "plans/text_escape.h"

namespace capstan {
namespace {

using render::Line;
using render::MarkdownCode;
using render::MarkdownFence;
using render::MarkdownText;
using render::XmlEscape;

/// "`a`, `b`" for a list of attribute names.
std::string CodeList(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) {
    if (!out.empty()) out += ", ";
    out += MarkdownCode(n);
  }
  return out;
}

/// Attribute lines ("~ name = old -> new") without colour, as the body of a diff block.
std::string AttributeLines(const std::vector<AttributeChange>& attributes,
                           const std::vector<std::string>& ignored) {
  std::vector<Line> lines;
  for (const AttributeChange& a : attributes) {
    Line line;
    render::ChangeLine(a.path, a.before, a.after, a.sensitive, line);
    if (a.forces_replacement) line.note = "forces replacement";
    lines.push_back(std::move(line));
  }
  std::string body;
  render::WriteLines(body, lines, "", render::Style(false));
  for (const std::string& note : ignored) body += "# ignored: " + note + "\n";
  return body;
}

/// One collapsed block: summary (HTML, so escaped as XML) and a diff-highlighted body.
std::string Details(const std::string& address, const std::string& what, const std::string& body) {
  std::string out = "<details><summary><code>" + XmlEscape(address) + "</code> " + XmlEscape(what) +
                    "</summary>\n\n";
  out += body.empty() ? "_No attribute details._\n" : MarkdownFence(body, "diff");
  return out + "\n</details>\n\n";
}

std::string DriftTableAndDetails(const Plan& plan) {
  std::string out =
      "| Object | Type | Drift | Attributes |\n"
      "|---|---|---|---|\n";
  std::string details;
  for (const DriftEntry& d : plan.drift) {
    const std::string address = d.address.ToString();
    std::vector<std::string> names;
    for (const AttributeChange& a : d.attributes) names.push_back(a.path);
    out += "| " + MarkdownCode(address) + " | " + MarkdownCode(d.type) + " | " +
           (d.deleted ? "deleted" : "changed") + " | " + CodeList(names) + " |\n";
    if (d.deleted) {
      details += Details(address, "was deleted outside capstan", "");
    } else {
      details +=
          Details(address, "changed outside capstan", AttributeLines(d.attributes, d.ignored));
    }
  }
  return out + "\n" + details;
}

const char* ActionLabel(Action a) {
  switch (a) {
    case Action::kCreate:
      return "create";
    case Action::kUpdate:
      return "update in place";
    case Action::kDeleteThenCreate:
      return "replace (destroy then create)";
    case Action::kCreateThenDelete:
      return "replace (create then destroy)";
    case Action::kDelete:
      return "destroy";
    case Action::kRead:
      return "read";
    case Action::kForget:
      return "forget (already gone)";
    case Action::kNoOp:
      break;
  }
  return "no-op";
}

}  // namespace

std::string RenderDriftMarkdown(const Plan& plan) {
  std::string out = "### capstan drift: " + MarkdownCode(plan.stack) + "\n\n";
  out += "**" + MarkdownText(render::DriftSummaryLine(plan)) + "**\n\n";
  if (!plan.drift.empty()) out += DriftTableAndDetails(plan);
  std::string ignored;
  for (const render::CheckedObject& o : render::CheckedObjects(plan)) {
    if (o.drift != nullptr) continue;  // Its details block lists them.
    for (const std::string& note : o.ignored) {
      ignored += "- " + MarkdownCode(o.address) + ": " + MarkdownText(note) + "\n";
    }
  }
  if (!ignored.empty()) out += "Differences ignored (not drift):\n\n" + ignored + "\n";
  return out;
}

std::string RenderPlanMarkdown(const Plan& plan) {
  std::string out = "### capstan plan: " + MarkdownCode(plan.stack) + "\n\n";
  if (!plan.targets.empty() || !plan.excludes.empty()) {
    out += "> **Warning:** resource targeting is in effect; this plan may be incomplete.\n\n";
  }
  if (!plan.drift.empty()) {
    out += "**" + MarkdownText(render::DriftSummaryLine(plan)) + "**\n\n";
    out += DriftTableAndDetails(plan);
  }
  if (!plan.HasChanges()) {
    return out + "**No changes.** The infrastructure matches the configuration.\n";
  }
  const PlanSummary s = plan.Summary();
  out += "**Plan: " + std::to_string(s.add) + " to add, " + std::to_string(s.change) +
         " to change, " + std::to_string(s.destroy) + " to destroy.**\n\n";
  std::string rows, details;
  for (const ResourceChange& c : plan.changes) {
    if (c.action == Action::kNoOp) continue;
    std::string address = c.address.ToString();
    if (!c.deposed_key.empty()) address += " (deposed object " + c.deposed_key + ")";
    std::vector<std::string> names;
    for (const AttributeChange& a : c.attributes) names.push_back(a.path);
    std::string why;
    if (!c.replace_because.empty()) why = "forced by " + CodeList(c.replace_because);
    if (!c.reason.empty()) why += (why.empty() ? "" : "; ") + MarkdownText(c.reason);
    rows += "| " + MarkdownCode(address) + " | " + ActionLabel(c.action) + " | " + CodeList(names) +
            " | " + why + " |\n";
    details += Details(address, std::string("will be: ") + ActionLabel(c.action),
                       AttributeLines(c.attributes, c.ignored));
  }
  if (!rows.empty()) {
    out += "| Resource | Action | Attributes | Why |\n|---|---|---|---|\n" + rows + "\n" + details;
  }
  std::vector<Line> outputs;
  for (const OutputChange& o : plan.outputs) {
    Line line;
    if (render::ChangeLine(o.name, o.before, o.removed ? Value() : o.after, o.sensitive, line)) {
      outputs.push_back(std::move(line));
    }
  }
  if (!outputs.empty()) {
    std::string body;
    render::WriteLines(body, outputs, "", render::Style(false));
    out += "Changes to outputs:\n\n" + MarkdownFence(body, "diff");
  }
  return out;
}

}  // namespace capstan
