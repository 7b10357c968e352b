// Building the execution graph from per-instance changes (see plans/exec_graph.h).
//
/// Linear time: one pass creates nodes and indexes them by address, one pass adds each
/// rule's edges through those indexes, and Kahn's algorithm both orders the nodes and
/// detects cycles. When a cycle exists, walking "after" edges backwards among the nodes
/// Kahn could not place always finds one, which is reported.
#include "plans/exec_graph.h"

#include <algorithm>
#include <deque>
#include <string>
#include <unordered_map>
#include <utility>

namespace capstan {
namespace {

/// Node ids of one address: the create/update of the object in the new configuration
/// and every deletion (current or deposed objects) at that address.
struct AddressNodes {
  int apply = -1;
  std::vector<int> destroys;
  int create_then_delete = -1;  ///< The deposed delete of a create-then-delete replace.
  bool leaves_config = false;   ///< Deleted and not recreated.
};

class GraphBuilder {
 public:
  explicit GraphBuilder(const std::vector<ResourceChange>& changes) : changes_(changes) {}

  Result<std::vector<ExecNode>> Build() {
    for (size_t i = 0; i < changes_.size(); ++i) AddNodes(static_cast<int>(i));
    for (size_t i = 0; i < changes_.size(); ++i) AddEdges(static_cast<int>(i));
    return Order();
  }

 private:
  int NewNode(OpKind op, int change) {
    ExecNode n;
    n.id = static_cast<int>(nodes_.size());
    n.op = op;
    n.change = change;
    nodes_.push_back(std::move(n));
    return nodes_.back().id;
  }

  void AddNodes(int ci) {
    const ResourceChange& c = changes_[ci];
    if (c.action == Action::kNoOp || c.action == Action::kRead) {
      // No node: an address without an entry has no operations (most of a no-change plan).
      apply_of_.push_back(-1);
      destroy_of_.push_back(-1);
      return;
    }
    AddressNodes& at = by_address_[c.address.ToString()];
    int create = -1, destroy = -1;
    switch (c.action) {
      case Action::kCreate:
        create = NewNode(OpKind::kCreate, ci);
        break;
      case Action::kUpdate:
        create = NewNode(OpKind::kUpdate, ci);
        break;
      case Action::kDelete:
        destroy = NewNode(c.deposed_key.empty() ? OpKind::kDelete : OpKind::kDeleteDeposed, ci);
        if (c.deposed_key.empty()) at.leaves_config = true;
        break;
      case Action::kDeleteThenCreate:
        destroy = NewNode(OpKind::kDelete, ci);
        create = NewNode(OpKind::kCreate, ci);
        nodes_[create].after.push_back(destroy);
        break;
      case Action::kCreateThenDelete:
        create = NewNode(OpKind::kCreate, ci);
        destroy = NewNode(OpKind::kDeleteDeposed, ci);
        nodes_[destroy].after.push_back(create);
        at.create_then_delete = destroy;
        break;
      case Action::kNoOp:
      case Action::kRead:
      case Action::kForget:  // apply drops the state entry before the graph runs
        break;
    }
    if (create >= 0) at.apply = create;
    if (destroy >= 0) at.destroys.push_back(destroy);
    apply_of_.push_back(create);
    destroy_of_.push_back(destroy);
  }

  const AddressNodes* Find(const std::string& address) const {
    auto it = by_address_.find(address);
    return it == by_address_.end() ? nullptr : &it->second;
  }

  void AddEdges(int ci) {
    const ResourceChange& c = changes_[ci];
    const int apply = apply_of_[ci];
    const int destroy = destroy_of_[ci];
    if (apply < 0 && destroy < 0) return;  // no-op: no node to order
    if (apply >= 0) {
      for (const std::string& dep : c.dependencies) {
        const AddressNodes* y = Find(dep);
        if (y == nullptr) continue;
        if (y->apply >= 0) nodes_[apply].after.push_back(y->apply);  // (a)
        if (y->create_then_delete >= 0) {
          // (c): the old Y goes only after its dependents moved to the new Y.
          nodes_[y->create_then_delete].after.push_back(apply);
        }
      }
    }
    for (const std::string& dep : c.prior_dependencies) {
      const AddressNodes* y = Find(dep);
      if (y == nullptr) continue;
      if (destroy >= 0) {
        for (int d : y->destroys) nodes_[d].after.push_back(destroy);  // (b)
      }
      if (c.action == Action::kUpdate && y->leaves_config) {
        for (int d : y->destroys) {
          if (nodes_[d].op == OpKind::kDelete) nodes_[d].after.push_back(apply);  // (d)
        }
      }
    }
  }

  /// Kahn's algorithm; nodes are renumbered into the order found.
  Result<std::vector<ExecNode>> Order() {
    const size_t n = nodes_.size();
    std::vector<std::vector<int>> next(n);
    std::vector<int> indegree(n, 0);
    for (ExecNode& node : nodes_) {
      std::sort(node.after.begin(), node.after.end());
      node.after.erase(std::unique(node.after.begin(), node.after.end()), node.after.end());
      for (int p : node.after) next[p].push_back(node.id);
      indegree[node.id] = static_cast<int>(node.after.size());
    }
    std::deque<int> ready;
    for (size_t i = 0; i < n; ++i) {
      if (indegree[i] == 0) ready.push_back(static_cast<int>(i));
    }
    std::vector<int> order;
    order.reserve(n);
    while (!ready.empty()) {
      int v = ready.front();
      ready.pop_front();
      order.push_back(v);
      for (int w : next[v]) {
        if (--indegree[w] == 0) ready.push_back(w);
      }
    }
    if (order.size() != n) return CycleError(indegree);

    std::vector<int> new_id(n);
    for (size_t i = 0; i < n; ++i) new_id[order[i]] = static_cast<int>(i);
    std::vector<ExecNode> out;
    out.reserve(n);
    for (int old : order) {
      ExecNode node = std::move(nodes_[old]);
      node.id = new_id[old];
      for (int& p : node.after) p = new_id[p];
      std::sort(node.after.begin(), node.after.end());
      out.push_back(std::move(node));
    }
    return out;
  }

  /// Every node Kahn left has a predecessor that was also left, so walking backwards
  /// from any of them must revisit a node: the nodes between the two visits are a cycle.
  Result<std::vector<ExecNode>> CycleError(const std::vector<int>& indegree) const {
    int start = 0;
    while (indegree[start] == 0) ++start;
    std::unordered_map<int, size_t> seen;
    std::vector<int> path;
    int v = start;
    while (!seen.count(v)) {
      seen[v] = path.size();
      path.push_back(v);
      for (int p : nodes_[v].after) {
        if (indegree[p] > 0) {
          v = p;
          break;
        }
      }
    }
    // path[seen[v]..] walked backwards; print it in execution direction.
    std::vector<int> cycle(path.begin() + static_cast<std::ptrdiff_t>(seen[v]), path.end());
    std::reverse(cycle.begin(), cycle.end());
    std::string text;
    for (int id : cycle) text += DescribeNode(nodes_[id], changes_) + " -> ";
    text += DescribeNode(nodes_[cycle.front()], changes_);
    return Result<std::vector<ExecNode>>::Fail(
        "the plan's operations form a cycle: " + text,
        "Each operation must wait for the next one. This usually means a resource with "
        "lifecycle.create_before_destroy depends on a resource that is replaced by "
        "destroying it first; set create_before_destroy on that dependency as well.");
  }

  const std::vector<ResourceChange>& changes_;
  std::vector<ExecNode> nodes_;
  std::unordered_map<std::string, AddressNodes> by_address_;
  std::vector<int> apply_of_;    ///< Per change: its create/update node or -1.
  std::vector<int> destroy_of_;  ///< Per change: its delete node or -1.
};

}  // namespace

Result<std::vector<ExecNode>> BuildExecGraph(const std::vector<ResourceChange>& changes) {
  return GraphBuilder(changes).Build();
}

std::string DescribeNode(const ExecNode& node, const std::vector<ResourceChange>& changes) {
  std::string text = OpKindName(node.op);
  if (node.change < 0 || static_cast<size_t>(node.change) >= changes.size()) return text;
  const ResourceChange& c = changes[node.change];
  text += " " + c.address.ToString();
  if (!c.deposed_key.empty()) text += " (deposed " + c.deposed_key + ")";
  return text;
}

}  // namespace capstan
