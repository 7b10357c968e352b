// DOT and JSON renderings of the dependency graph, for `capstan graph`.
//
/// Both list vertices by position and edges in stored order (ascending target id per
/// vertex), so the output is byte-identical between runs and diffs cleanly in review.
/// DOT node names are synthetic (`v<id>`) because vertex names contain dots, quotes and
/// brackets; the real name goes into an escaped label. Edge direction is the graph's:
/// from a vertex to what it depends on.

#include <nlohmann/json.hpp>
#include <string>

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

}  // namespace

std::string DepGraph::ToDot() const {
  const Impl& im = *impl_;
  std::string out = "digraph capstan {\n  rankdir=LR;\n";
  for (const GraphVertexInfo& v : im.info) {
    out += "  v" + std::to_string(v.id) + " [label=" + DotQuote(v.name) +
           ", shape=" + DotShape(v.kind) + "];\n";
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

std::string DepGraph::ToJson() const {
  const Impl& im = *impl_;
  nlohmann::json vertices = nlohmann::json::array();
  nlohmann::json edges = nlohmann::json::array();
  for (const GraphVertexInfo& v : im.info)
    vertices.push_back({{"id", v.id}, {"name", v.name}, {"kind", KindName(v.kind)}});
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
