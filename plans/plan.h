// The plan model: per-instance changes plus the execution graph that apply runs.
//
/// A Plan is the program apply executes (OpenTofu's execution-graph redesign): the
/// planner decides every action and every ordering constraint — replace order,
/// create_before_destroy, destroy order — and records them as ExecNodes with explicit
/// `after` edges. Apply schedules those nodes and nothing else; it never re-plans.
/// Values the planner cannot know are Unknown() (engine/value.h) in `after`.
/// The plan also pins the state it was made from (lineage + serial) and the hash of the
/// configuration, so a saved plan applied later against changed state or config is
/// refused as stale.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/value.h"
#include "resources/address.h"

namespace capstan {

/// Bump when the JSON form (plans/plan_json.h, docs/plan-format.md) changes.
inline constexpr const char* kPlanFormatVersion = "1.1";

enum class Action {
  kNoOp,
  kCreate,
  kUpdate,
  kDeleteThenCreate,  ///< replace, default order
  kCreateThenDelete,  ///< replace with create_before_destroy
  kDelete,
  kRead,  ///< refresh-only / import
  /// Refresh found the object gone (deleted outside capstan, or by a run killed before
  /// it could drop the row) and nothing else will replace its state entry: apply removes
  /// the entry and calls no provider. Without it, a destroy killed after its DELETE left
  /// a row that every later destroy planned nothing for (docs/reliability.md).
  kForget,
};
const char* ActionName(Action a);  ///< "no-op", "create", "update", "replace", ... (JSON)

enum class PlanMode { kNormal, kDestroy, kRefreshOnly };
const char* PlanModeName(PlanMode m);

struct AttributeChange {
  std::string path;  ///< Top-level attribute name, or dotted path for nested values.
  Value before;      ///< null when absent.
  Value after;       ///< may be Unknown().
  bool sensitive = false;
  bool forces_replacement = false;
};

struct ResourceChange {
  Address address;
  std::string type;
  std::string provider;
  Action action = Action::kNoOp;
  std::string id;             ///< Existing object id (update/delete/replace).
  std::string deposed_key;    ///< Set when deleting a deposed object.
  Value before;               ///< Attributes in state (after refresh); null for create.
  Value after;                ///< Planned attributes; null for delete.
  std::set<std::string> sensitive;            ///< Top-level attribute names.
  std::vector<AttributeChange> attributes;    ///< Only the attributes that differ.
  std::vector<std::string> replace_because;   ///< Attributes forcing replacement.
  std::string reason;  ///< "tainted", "removed from configuration", "deposed object", ...
  std::vector<std::string> dependencies;        ///< Addresses it depends on (new config).
  std::vector<std::string> prior_dependencies;  ///< Addresses it depended on (state).
  std::vector<std::string> ignored;  ///< Attributes whose change was ignored, and why.
  bool create_before_destroy = false;
  bool prevent_destroy = false;
};

enum class OpKind { kCreate, kUpdate, kDelete, kDeleteDeposed };
const char* OpKindName(OpKind k);

/// One operation of the execution graph. `after` lists node ids that must finish
/// successfully first. Node ids are indices into Plan::exec.
struct ExecNode {
  int id = 0;
  OpKind op = OpKind::kCreate;
  int change = 0;  ///< Index into Plan::changes.
  std::vector<int> after;
};

struct OutputChange {
  std::string name;
  Value before;
  Value after;
  bool sensitive = false;
  bool removed = false;
};

/// Refresh found the real object different from state (or gone).
struct DriftEntry {
  Address address;
  std::string type;
  bool deleted = false;  ///< The object no longer exists.
  std::vector<AttributeChange> attributes;
  std::vector<std::string> ignored;  ///< Attributes skipped (ignore_changes / controller).
};

struct PlanSummary {
  int add = 0, change = 0, destroy = 0, replace = 0;  ///< replace counts in add+destroy too.
  int forget = 0;  ///< State entries of objects already gone (Action::kForget).
};

struct Plan {
  std::string format_version = kPlanFormatVersion;
  std::string capstan_version;
  std::string stack;
  PlanMode mode = PlanMode::kNormal;
  std::string lineage;  ///< Of the state the plan was made from ("" = no state yet).
  int64_t serial = 0;
  std::string config_hash;  ///< sha256 over the stack's files (engine/config_hash).
  /// Variable values used; sensitive ones are sealed in plan files.
  std::map<std::string, Value> variables;
  std::set<std::string> sensitive_variables;
  std::vector<std::string> targets;
  std::vector<std::string> excludes;
  bool refreshed = true;

  std::vector<ResourceChange> changes;  ///< Sorted by address; no-ops included.
  std::vector<ExecNode> exec;           ///< Topologically valid order.
  std::vector<OutputChange> outputs;
  std::vector<DriftEntry> drift;

  PlanSummary Summary() const;
  bool HasChanges() const;  ///< Any non-no-op change or output change.
};

}  // namespace capstan
