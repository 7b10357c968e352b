// RefreshChunkOrder (see refresh_order.h).
#include "engine/ops/refresh_order.h"

#include <set>
#include <unordered_map>

namespace capstan {
namespace {

/// True when the edges (chunk -> chunks it waits for) contain a cycle (Kahn's algorithm).
bool HasCycle(const std::vector<std::vector<int>>& after) {
  std::vector<int> waiting(after.size(), 0);
  std::vector<std::vector<int>> unblocks(after.size());
  for (size_t c = 0; c < after.size(); ++c) {
    waiting[c] = static_cast<int>(after[c].size());
    for (int d : after[c]) unblocks[d].push_back(static_cast<int>(c));
  }
  std::vector<int> ready;
  for (size_t c = 0; c < after.size(); ++c) {
    if (waiting[c] == 0) ready.push_back(static_cast<int>(c));
  }
  size_t done = 0;
  while (!ready.empty()) {
    int c = ready.back();
    ready.pop_back();
    ++done;
    for (int n : unblocks[c]) {
      if (--waiting[n] == 0) ready.push_back(n);
    }
  }
  return done != after.size();
}

}  // namespace

std::vector<std::vector<int>> RefreshChunkOrder(const std::vector<InstanceState>& instances,
                                                const std::vector<RefreshChunk>& chunks,
                                                const std::vector<bool>& enables) {
  std::vector<std::vector<int>> after(chunks.size());
  bool any = false;
  for (bool e : enables) any = any || e;
  if (!any) return after;
  // Address -> chunk, for the objects whose reads enable their dependents.
  std::unordered_map<std::string, int> enabling;
  for (size_t c = 0; c < chunks.size(); ++c) {
    if (c >= enables.size() || !enables[c]) continue;
    for (size_t m : chunks[c].members) {
      enabling[instances[m].address.ToString()] = static_cast<int>(c);
    }
  }
  for (size_t c = 0; c < chunks.size(); ++c) {
    std::set<int> waits;
    for (size_t m : chunks[c].members) {
      for (const std::string& dep : instances[m].dependencies) {
        auto it = enabling.find(dep);
        if (it != enabling.end() && it->second != static_cast<int>(c)) waits.insert(it->second);
      }
    }
    after[c].assign(waits.begin(), waits.end());
  }
  if (HasCycle(after)) return std::vector<std::vector<int>>(chunks.size());
  return after;
}

}  // namespace capstan
