// The human plan: legend, one block per changed resource, summary, outputs.
//
/// Layout (stable; golden files in tests/plans/golden pin it):
///
///     # openstack.subnet.main must be replaced
///   -/+ openstack.subnet.main {
///         ~ cidr = "10.0.0.0/24" -> "10.0.1.0/24" # forces replacement
///           # (2 unchanged attributes hidden)
///       }
///
/// The symbol column is three wide so that "-/+" and "  +" line up the addresses.
#include "plans/render_human.h"

#include <algorithm>
#include <string>
#include <vector>

#include "plans/diff.h"
#include "plans/render_text.h"

namespace capstan {
namespace {

using render::Line;
using render::Style;

const char* SymbolOf(Action a) {
  switch (a) {
    case Action::kCreate:
      return "+";
    case Action::kUpdate:
      return "~";
    case Action::kDeleteThenCreate:
      return "-/+";
    case Action::kCreateThenDelete:
      return "+/-";
    case Action::kDelete:
      return "-";
    case Action::kRead:
      return "<=";
    case Action::kForget:
      return ".";
    case Action::kNoOp:
      break;
  }
  return "";
}

std::string Padded(const std::string& symbol, const Style& style) {
  return std::string(3 - std::min<size_t>(3, symbol.size()), ' ') + style.Symbol(symbol);
}

std::string Legend(const Plan& plan, const Style& style) {
  struct Entry {
    Action action;
    const char* text;
  };
  static const Entry kEntries[] = {
      {Action::kCreate, "create"},
      {Action::kUpdate, "update in place"},
      {Action::kDeleteThenCreate, "replace (destroy then create)"},
      {Action::kCreateThenDelete, "replace (create then destroy)"},
      {Action::kDelete, "destroy"},
      {Action::kRead, "read"},
      {Action::kForget, "forget (already gone: only its state entry is removed)"},
  };
  std::string out;
  for (const Entry& e : kEntries) {
    bool used = std::any_of(plan.changes.begin(), plan.changes.end(),
                            [&](const ResourceChange& c) { return c.action == e.action; });
    if (!used) continue;
    out += out.empty() ? "Symbols: " : ", ";
    out += style.Symbol(SymbolOf(e.action)) + " " + e.text;
  }
  return out.empty() ? out : out + "\n";
}

std::string Because(const std::string& reason) {
  if (reason.empty()) return {};
  if (reason == "removed from configuration") {
    return " (because it was removed from the configuration)";
  }
  if (reason == "tainted") return " (tainted)";
  return " (because " + reason + ")";
}

std::string HeaderText(const ResourceChange& c) {
  std::string who = c.address.ToString();
  if (!c.deposed_key.empty()) who += " (deposed object " + c.deposed_key + ")";
  switch (c.action) {
    case Action::kCreate:
      return who + " will be created" + Because(c.reason);
    case Action::kUpdate:
      return who + " will be updated in place" + Because(c.reason);
    case Action::kDeleteThenCreate:
    case Action::kCreateThenDelete:
      return who + " must be replaced" + Because(c.reason);
    case Action::kDelete:
      if (c.reason == "deposed object") return who + " will be destroyed";
      return who + " will be destroyed" + Because(c.reason);
    case Action::kRead:
      return who + " will be read" + Because(c.reason);
    case Action::kForget:
      return who + " is gone already: its state entry will be removed";
    case Action::kNoOp:
      break;
  }
  return who;
}

void RenderChange(std::string& out, const ResourceChange& c, const RenderOptions& options,
                  const Style& style) {
  if (c.action == Action::kForget) {  // nothing to show but that it goes
    std::string who = c.address.ToString();
    if (!c.deposed_key.empty()) who += " (deposed object " + c.deposed_key + ")";
    out += "  " + style.Bold("# " + HeaderText(c)) + "\n";
    out += Padded(SymbolOf(c.action), style) + " " + who + "\n";
    return;
  }
  static const Value kEmpty = Value::object();
  const Value& before = c.before.is_object() ? c.before : kEmpty;
  const Value& after = c.after.is_object() ? c.after : kEmpty;
  std::vector<Line> lines;
  int hidden = 0;
  auto visit = [&](const std::string& name) {
    const Value b = before.contains(name) ? before[name] : Value();
    const Value a = after.contains(name) ? after[name] : Value();
    if (b.is_null() && a.is_null()) return;
    Line line;
    if (!render::ChangeLine(name, b, a, c.sensitive.count(name) > 0, line)) {
      if (!options.show_unchanged) {
        ++hidden;
        return;
      }
    }
    if (std::find(c.replace_because.begin(), c.replace_because.end(), name) !=
        c.replace_because.end()) {
      line.note = "forces replacement";
    }
    lines.push_back(std::move(line));
  };
  // Union of attribute names in sorted order (both objects iterate sorted).
  for (const auto& item : before.items()) visit(item.key());
  for (const auto& item : after.items()) {
    if (!before.contains(item.key())) visit(item.key());
  }
  std::sort(lines.begin(), lines.end(),
            [](const Line& x, const Line& y) { return x.name < y.name; });

  std::string who = c.address.ToString();
  if (!c.deposed_key.empty()) who += " (deposed object " + c.deposed_key + ")";
  out += "  " + style.Bold("# " + HeaderText(c)) + "\n";
  out += Padded(SymbolOf(c.action), style) + " " + who + " {\n";
  render::WriteLines(out, lines, "      ", style);
  for (const std::string& note : c.ignored) {
    out += "        " + style.Dim("# ignored: " + note) + "\n";
  }
  std::string note = render::HiddenNote(hidden, "attribute");
  if (!note.empty()) out += "        " + style.Dim(note) + "\n";
  out += "    }\n";
}

void RenderOutputs(std::string& out, const Plan& plan, const RenderOptions& options,
                   const Style& style) {
  std::vector<Line> lines;
  for (const OutputChange& o : plan.outputs) {
    Line line;
    const Value after = o.removed ? Value() : o.after;
    bool changed = render::ChangeLine(o.name, o.before, after, o.sensitive, line);
    if (!changed && !options.show_unchanged) continue;
    lines.push_back(std::move(line));
  }
  if (lines.empty()) return;
  out += "\nChanges to Outputs:\n";
  render::WriteLines(out, lines, "  ", style);
}

}  // namespace

std::string RenderPlan(const Plan& plan, const RenderOptions& options) {
  Style style(options.color);
  std::string out = render::DriftSection(plan, options);
  if (!out.empty() && plan.mode != PlanMode::kRefreshOnly) {
    out +=
        "Unless the configuration was changed to match, the actions below undo or respond "
        "to these changes.\n\n";
  }
  if (plan.mode == PlanMode::kRefreshOnly) {
    if (plan.drift.empty())
      return out + "No changes. Your infrastructure still matches its state.\n";
    return out + "Refresh-only plan: applying it records " + std::to_string(plan.drift.size()) +
           " changed object" + (plan.drift.size() == 1 ? "" : "s") +
           " in the state; no objects will be changed.\n";
  }
  const std::string ignored =
      options.verbose ? render::IgnoredSection(plan, options, /*skip_drifted=*/false) : "";
  if (!plan.HasChanges()) {
    return out + ignored + "No changes. Your infrastructure matches the configuration.\n";
  }
  const bool any_resource = std::any_of(plan.changes.begin(), plan.changes.end(),
                                        [](auto& c) { return c.action != Action::kNoOp; });
  if (any_resource) {
    out += Legend(plan, style) + "\n";
    out += plan.mode == PlanMode::kDestroy ? "capstan will destroy the following objects:\n"
                                           : "capstan will perform the following actions:\n";
    for (const ResourceChange& c : plan.changes) {
      if (c.action == Action::kNoOp) continue;
      out += "\n";
      RenderChange(out, c, options, style);
    }
    out += "\n";
  }
  out += ignored;
  PlanSummary s = plan.Summary();
  out += style.Bold("Plan:") + " " + std::to_string(s.add) + " to add, " +
         std::to_string(s.change) + " to change, " + std::to_string(s.destroy) + " to destroy" +
         (s.forget > 0 ? ", " + std::to_string(s.forget) + " to forget (already gone)" : "") +
         ".\n";
  RenderOutputs(out, plan, options, style);
  return out;
}

}  // namespace capstan
