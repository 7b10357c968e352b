// PutInstances (see bulk.h).
#include "state/bulk.h"

namespace capstan {

Status PutInstances(StateStore& store, const std::string& stack,
                    std::vector<InstanceState> instances) {
  std::vector<InstanceWrite> writes;
  writes.reserve(instances.size());
  for (InstanceState& inst : instances) {
    writes.push_back(InstanceWrite{InstanceWrite::Kind::kPut, std::move(inst)});
  }
  return store.CommitResult(stack, 0, "", writes);
}

}  // namespace capstan
