// Names and counts of the plan model (plans/plan.h).
//
/// The names here are part of the JSON plan format (docs/plan-format.md): changing one
/// is a format change and needs a kPlanFormatVersion bump.
#include "plans/plan.h"

#include "plans/diff.h"

namespace capstan {

const char* ActionName(Action a) {
  switch (a) {
    case Action::kNoOp:
      return "no-op";
    case Action::kCreate:
      return "create";
    case Action::kUpdate:
      return "update";
    case Action::kDeleteThenCreate:
      return "replace";
    case Action::kCreateThenDelete:
      return "replace-create-before-destroy";
    case Action::kDelete:
      return "delete";
    case Action::kRead:
      return "read";
    case Action::kForget:
      return "forget";
  }
  return "unknown";
}

const char* PlanModeName(PlanMode m) {
  switch (m) {
    case PlanMode::kNormal:
      return "normal";
    case PlanMode::kDestroy:
      return "destroy";
    case PlanMode::kRefreshOnly:
      return "refresh-only";
  }
  return "unknown";
}

const char* OpKindName(OpKind k) {
  switch (k) {
    case OpKind::kCreate:
      return "create";
    case OpKind::kUpdate:
      return "update";
    case OpKind::kDelete:
      return "delete";
    case OpKind::kDeleteDeposed:
      return "delete-deposed";
  }
  return "unknown";
}

PlanSummary Plan::Summary() const {
  PlanSummary s;
  for (const ResourceChange& c : changes) {
    switch (c.action) {
      case Action::kCreate:
        ++s.add;
        break;
      case Action::kUpdate:
        ++s.change;
        break;
      case Action::kDelete:
        ++s.destroy;
        break;
      case Action::kDeleteThenCreate:
      case Action::kCreateThenDelete:
        ++s.add;
        ++s.destroy;
        ++s.replace;
        break;
      case Action::kForget:  // no object changes: only a state entry goes
        ++s.forget;
        break;
      case Action::kNoOp:
      case Action::kRead:
        break;
    }
  }
  return s;
}

bool Plan::HasChanges() const {
  for (const ResourceChange& c : changes) {
    if (c.action != Action::kNoOp) return true;
  }
  for (const OutputChange& o : outputs) {
    if (IsOutputChanged(o)) return true;
  }
  return mode == PlanMode::kRefreshOnly && !drift.empty();
}

}  // namespace capstan
