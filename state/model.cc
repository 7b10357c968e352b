// The few behaviours of the plain state structs.
//
/// model.h is data; this file holds the two helpers that every consumer would otherwise
/// re-implement: the status spelling used in the database and in JSON output, and the
/// linear lookup of one instance.
#include "state/model.h"

namespace capstan {

const char* InstanceStatusName(InstanceStatus s) {
  switch (s) {
    case InstanceStatus::kOk:
      return "ok";
    case InstanceStatus::kTainted:
      return "tainted";
    case InstanceStatus::kDeposed:
      return "deposed";
  }
  return "ok";
}

const InstanceState* StackState::Find(const Address& a, const std::string& deposed_key) const {
  for (const InstanceState& inst : instances) {
    if (inst.deposed_key == deposed_key && inst.address == a) return &inst;
  }
  return nullptr;
}

}  // namespace capstan
