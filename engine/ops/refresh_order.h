// Which refresh chunks must wait for which: the few reads that need another read first.
//
/// Refresh reads every object at once, in chunks of one (provider, type). That is right
/// for clouds, where each read stands alone, but not for a read that goes through a
/// connection another resource's read opens during the run: a capi.cluster whose
/// management kubeconfig is a kind.cluster's `kubeconfig_local` on an ssh host can only
/// be read once the kind.cluster read has opened the ssh forward again. Types say so
/// with ResourceType::ReadEnablesDependents; only the chunks holding direct dependents
/// of such objects wait, so a stack without them keeps a single wave of reads.
#pragma once

#include <string>
#include <vector>

#include "providers/provider.h"
#include "state/model.h"

namespace capstan {

/// One chunk of a refresh: instances of one type, read together.
struct RefreshChunk {
  std::string provider, type;
  std::vector<size_t> members;  ///< Indices into the instances vector.
};

/// For each chunk, the chunks it must be read after. `enables[c]` says whether chunk c's
/// type has ReadEnablesDependents. Edges that would make a cycle between chunks (two
/// types depending on each other through different objects) are all dropped: no order
/// serves both, and the reads then run as they would without the flag.
std::vector<std::vector<int>> RefreshChunkOrder(const std::vector<InstanceState>& instances,
                                                const std::vector<RefreshChunk>& chunks,
                                                const std::vector<bool>& enables);

}  // namespace capstan
