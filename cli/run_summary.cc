// The end-of-run summary (see run_summary.h).
#include "cli/run_summary.h"

#include <algorithm>
#include <map>
#include <set>

#include "cli/event_printer.h"

namespace capstan::cli {
namespace {

double Finish(const OpTiming& t) { return t.start_seconds + t.seconds; }

std::string Key(const std::string& address, const std::string& action) {
  return address + '\x1f' + action;
}

}  // namespace

RunSummary SummarizeRun(const Plan& plan, const ApplyReport& report, size_t top) {
  RunSummary s;
  s.seconds = report.seconds;
  if (report.timings.empty()) return s;

  s.slowest = report.timings;
  std::stable_sort(s.slowest.begin(), s.slowest.end(),
                   [](const OpTiming& a, const OpTiming& b) { return a.seconds > b.seconds; });
  if (s.slowest.size() > top) s.slowest.resize(top);

  // Execution-graph node of each timing, and the timing of each node.
  std::map<std::string, const OpTiming*> by_key;
  for (const OpTiming& t : report.timings) by_key[Key(t.address, t.action)] = &t;
  std::vector<const OpTiming*> node_timing(plan.exec.size(), nullptr);
  std::map<const OpTiming*, int> node_of;
  for (const ExecNode& n : plan.exec) {
    if (n.change < 0 || static_cast<size_t>(n.change) >= plan.changes.size()) continue;
    auto it = by_key.find(Key(plan.changes[n.change].address.ToString(), OpKindName(n.op)));
    if (it == by_key.end()) continue;
    node_timing[n.id] = it->second;
    node_of[it->second] = n.id;
  }

  const OpTiming* last = &*std::max_element(
      report.timings.begin(), report.timings.end(),
      [](const OpTiming& a, const OpTiming& b) { return Finish(a) < Finish(b); });
  std::set<int> visited;
  while (last != nullptr) {
    s.critical_path.push_back(*last);
    auto node = node_of.find(last);
    if (node == node_of.end() || !visited.insert(node->second).second) break;
    const OpTiming* waited_for = nullptr;
    for (int dep : plan.exec[node->second].after) {
      const OpTiming* t =
          dep >= 0 && static_cast<size_t>(dep) < node_timing.size() ? node_timing[dep] : nullptr;
      if (t != nullptr && (waited_for == nullptr || Finish(*t) > Finish(*waited_for))) {
        waited_for = t;
      }
    }
    last = waited_for;
  }
  std::reverse(s.critical_path.begin(), s.critical_path.end());
  return s;
}

std::string RenderRunSummary(const RunSummary& s) {
  if (s.slowest.empty()) return {};
  size_t width = 0;
  for (const OpTiming& t : s.slowest) width = std::max(width, t.address.size());
  std::string out = "\nSlowest operations:\n";
  for (const OpTiming& t : s.slowest) {
    out += "  " + t.address + std::string(width - t.address.size(), ' ') + "  " +
           FormatElapsed(t.seconds) + "  " + t.action + (t.ok ? "" : " (failed)") + "\n";
  }
  double path = 0;
  if (!s.critical_path.empty()) {
    path = Finish(s.critical_path.back()) - s.critical_path.front().start_seconds;
  }
  out += "Critical path (" + FormatElapsed(path) + " of " + FormatElapsed(s.seconds) + "):\n";
  for (size_t i = 0; i < s.critical_path.size(); ++i) {
    const OpTiming& t = s.critical_path[i];
    out += std::string(i == 0 ? "    " : "  -> ") + t.address + " (" + t.action + ", " +
           FormatElapsed(t.seconds) + ")\n";
  }
  return out;
}

nlohmann::json RunSummaryToJson(const RunSummary& s) {
  auto op = [](const OpTiming& t) {
    return nlohmann::json{{"address", t.address},
                          {"action", t.action},
                          {"start_seconds", t.start_seconds},
                          {"seconds", t.seconds},
                          {"ok", t.ok}};
  };
  nlohmann::json slowest = nlohmann::json::array(), path = nlohmann::json::array();
  for (const OpTiming& t : s.slowest) slowest.push_back(op(t));
  for (const OpTiming& t : s.critical_path) path.push_back(op(t));
  return {{"slowest", slowest}, {"critical_path", path}};
}

}  // namespace capstan::cli
