// The state model: what capstan remembers about the objects it manages.
//
/// Plain structs shared by the store (state/store.h), the planner and the CLI. Attribute
/// values are held in memory in plaintext; the store encrypts every top-level attribute
/// named in `sensitive` (and sensitive outputs) before it touches the disk.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/value.h"
#include "resources/address.h"

namespace capstan {

enum class InstanceStatus { kOk, kTainted, kDeposed };
const char* InstanceStatusName(InstanceStatus s);  ///< "ok", "tainted", "deposed"

struct InstanceState {
  Address address;
  std::string type;      ///< Same as address.type; kept for queries.
  std::string provider;  ///< Provider name ("openstack").
  std::string id;        ///< The object's id in its cloud.
  Value attributes = Value::object();
  std::set<std::string> sensitive;        ///< Top-level attribute names.
  std::vector<std::string> dependencies;  ///< Canonical addresses this one depended on.
  InstanceStatus status = InstanceStatus::kOk;
  std::string deposed_key;  ///< Non-empty for a deposed (create_before_destroy) object.
  bool create_before_destroy = false;
  int64_t updated_serial = 0;  ///< Serial of the write that stored this row (read-only).
};

struct OutputState {
  std::string name;
  Value value;
  bool sensitive = false;
};

struct StackState {
  std::string stack;
  std::string lineage;  ///< UUID; empty if the stack has never been written.
  int64_t serial = 0;   ///< Increments on every write.
  std::vector<InstanceState> instances;
  std::vector<OutputState> outputs;

  /// Linear search helpers (callers that need speed index the vector themselves).
  const InstanceState* Find(const Address& a, const std::string& deposed_key = {}) const;
};

/// One row of the write-ahead journal: opened before a mutating provider call, closed
/// (with the outcome) in the same transaction that records the call's result in state.
struct JournalEntry {
  int64_t id = 0;
  std::string stack;
  std::string run_id;
  std::string address;
  std::string action;      ///< "create", "update", "delete", ...
  std::string detail;      ///< e.g. the prior object id for update/delete.
  int64_t started_at = 0;  ///< Unix seconds.
  bool open = true;
  std::string outcome;  ///< "ok", "error: ...", "" while open.
};

struct LockInfo {
  std::string id;  ///< Random, needed by force-unlock.
  std::string stack;
  std::string holder;     ///< user@host
  std::string operation;  ///< "apply", "destroy", ...
  int64_t pid = 0;
  std::string host;
  int64_t acquired_at = 0;
  int64_t lease_until = 0;  ///< Unix seconds; an expired lease may be taken over.
};

struct RunRecord {
  std::string id;
  std::string stack;
  std::string command;  ///< "apply", "destroy", "import", "state rm", ...
  int64_t started_at = 0;
  int64_t finished_at = 0;  ///< 0 while running (or the run died).
  std::string status;       ///< "running", "ok", "error", "interrupted"
  std::string summary;      ///< "3 created, 1 updated, 0 destroyed"
  int64_t serial_before = 0;
  int64_t serial_after = 0;
};

}  // namespace capstan
