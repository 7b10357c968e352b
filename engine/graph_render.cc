// DOT, Mermaid and JSON renderings of the dependency graph, for `capstan graph`.
//
/// Both list vertices by position and edges in stored order (ascending target id per
/// vertex), so the output is byte-identical between runs and diffs cleanly in review.
/// DOT node names are synthetic (`v<id>`) because vertex names contain dots, quotes and
/// brackets; the real name goes into an escaped label. Edge direction is the graph's:
/// from a vertex to what it depends on. With a plan (`--plan`), resource vertices carry
/// their planned action: colour plus a second label line, the same palette in both.

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/graph_impl.h"

namespace capstan {
namespace {

const char* KindName(VertexKind k) {
  switch (k) {
    case VertexKind::kResource:
      return "resource";
    case VertexKind::kModuleVariable:
      return "module_variable";
    case VertexKind::kModuleOutput:
      return "module_output";
    case VertexKind::kOutput:
      return "output";
  }
  return "unknown";
}

const char* DotShape(VertexKind k) {
  switch (k) {
    case VertexKind::kResource:
      return "box";
    case VertexKind::kModuleVariable:
      return "ellipse";
    case VertexKind::kModuleOutput:
      return "diamond";
    case VertexKind::kOutput:
      return "note";
  }
  return "plaintext";
}

/// A DOT double-quoted string: quotes and backslashes escaped, newlines as \n.
std::string DotQuote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c != '\r') {
      out += c;
    }
  }
  return out + "\"";
}

/// Fill colour of a planned action (light, so black labels stay readable).
const char* ActionFill(const std::string& action) {
  if (action == "create") return "#d9f2d9";
  if (action == "update") return "#fff2cc";
  if (action.rfind("replace", 0) == 0) return "#ffe0b3";
  if (action == "delete") return "#f8d0d0";
  if (action == "read") return "#dde8f8";
  return "#eeeeee";  // no-op
}

/// Mermaid class name of an action ("replace-create-before-destroy" -> "replace").
std::string ActionClass(const std::string& action) {
  if (action.rfind("replace", 0) == 0) return "replace";
  if (action == "no-op") return "noop";
  return action;
}

/// The action of a vertex, or nullptr without one.
const std::string* ActionOf(const DepGraph::Actions& actions, const GraphVertexInfo& v) {
  if (v.kind != VertexKind::kResource) return nullptr;
  auto it = actions.find(v.name);
  return it == actions.end() ? nullptr : &it->second;
}

/// Text inside a Mermaid quoted label: quotes and markup characters as entity codes,
/// newlines as spaces, so no vertex name can end the label or the statement.
std::string MermaidText(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '"':
        out += "#quot;";
        break;
      case '<':
        out += "#lt;";
        break;
      case '>':
        out += "#gt;";
        break;
      case '&':
        out += "#amp;";
        break;
      case '|':
        out += "#124;";
        break;
      case '#':
        out += "#35;";
        break;
      case '\n':
      case '\r':
        out += ' ';
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string MermaidNode(const GraphVertexInfo& v, const std::string& label) {
  const std::string id = "v" + std::to_string(v.id);
  const std::string q = "\"" + MermaidText(label) + "\"";
  switch (v.kind) {
    case VertexKind::kResource:
      return id + "[" + q + "]";
    case VertexKind::kModuleVariable:
      return id + "([" + q + "])";
    case VertexKind::kModuleOutput:
      return id + "{{" + q + "}}";
    case VertexKind::kOutput:
      return id + "[/" + q + "/]";
  }
  return id + "[" + q + "]";
}

}  // namespace

std::string DepGraph::ToDot(const Actions& actions) const {
  const Impl& im = *impl_;
  std::string out = "digraph capstan {\n  rankdir=LR;\n";
  for (const GraphVertexInfo& v : im.info) {
    const std::string* action = ActionOf(actions, v);
    out += "  v" + std::to_string(v.id) +
           " [label=" + DotQuote(action ? v.name + "\n(" + *action + ")" : v.name) +
           ", shape=" + DotShape(v.kind);
    if (action) out += ", style=filled, fillcolor=\"" + std::string(ActionFill(*action)) + "\"";
    out += "];\n";
  }
  for (GraphVertex u = 0; u < im.info.size(); ++u) {
    for (auto [e, end] = boost::out_edges(u, im.g); e != end; ++e) {
      out += "  v" + std::to_string(im.info[u].id) + " -> v" +
             std::to_string(im.info[boost::target(*e, im.g)].id) +
             " [label=" + DotQuote(im.g[*e].via) + "];\n";
    }
  }
  return out + "}\n";
}

std::string DepGraph::ToMermaid(const Actions& actions) const {
  const Impl& im = *impl_;
  std::string out = "flowchart LR\n";
  std::map<std::string, std::vector<int>> classes;
  for (const GraphVertexInfo& v : im.info) {
    const std::string* action = ActionOf(actions, v);
    out += "  " + MermaidNode(v, action ? v.name + " (" + *action + ")" : v.name) + "\n";
    if (action) classes[ActionClass(*action)].push_back(v.id);
  }
  for (GraphVertex u = 0; u < im.info.size(); ++u) {
    for (auto [e, end] = boost::out_edges(u, im.g); e != end; ++e) {
      out += "  v" + std::to_string(im.info[u].id) + " -->|\"" + MermaidText(im.g[*e].via) +
             "\"| v" + std::to_string(im.info[boost::target(*e, im.g)].id) + "\n";
    }
  }
  for (const auto& [name, ids] : classes) {
    const char* fill = name == "replace" ? ActionFill("replace")
                       : name == "noop"  ? ActionFill("no-op")
                                         : ActionFill(name);
    out += "  classDef " + name + " fill:" + fill + "\n  class ";
    for (size_t i = 0; i < ids.size(); ++i) out += (i ? "," : "") + ("v" + std::to_string(ids[i]));
    out += " " + name + "\n";
  }
  return out;
}

std::string DepGraph::ToJson(const Actions& actions) const {
  const Impl& im = *impl_;
  nlohmann::json vertices = nlohmann::json::array();
  nlohmann::json edges = nlohmann::json::array();
  for (const GraphVertexInfo& v : im.info) {
    nlohmann::json j = {{"id", v.id}, {"name", v.name}, {"kind", KindName(v.kind)}};
    if (const std::string* action = ActionOf(actions, v)) j["action"] = *action;
    vertices.push_back(std::move(j));
  }
  for (GraphVertex u = 0; u < im.info.size(); ++u) {
    for (auto [e, end] = boost::out_edges(u, im.g); e != end; ++e) {
      edges.push_back({{"from", im.info[u].id},
                       {"to", im.info[boost::target(*e, im.g)].id},
                       {"via", im.g[*e].via}});
    }
  }
  nlohmann::json doc = {{"vertices", std::move(vertices)}, {"edges", std::move(edges)}};
  // Names come from YAML and may hold invalid UTF-8; replace rather than throw.
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace capstan
