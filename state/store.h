// StateStore: the SQLite state database.
//
/// One database file (default .capstan/state.db, mode 0600, WAL) holds many stacks.
/// Every mutating method is its own transaction and bumps the stack's serial, so a crash
/// at any instant leaves a consistent database: what was committed is there, nothing
/// half-written. Sensitive attributes and outputs are sealed with SecretBox before they
/// are written and opened on load. The schema carries a version and is migrated forward
/// on open (never backward: a newer database is refused with a clear message).
///
/// Apply uses the journal like this:
///   id = JournalBegin(stack, run, addr, "create", detail)   // before the cloud call
///   ... provider call ...
///   CommitResult(stack, id, "ok", {put instance})            // one transaction
/// so an open journal row after a crash means "a call may have happened; look it up".
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/result.h"
#include "state/model.h"
#include "state/secret_box.h"

namespace capstan {

/// One change to apply atomically with a journal close: store or remove an instance.
struct InstanceWrite {
  enum class Kind { kPut, kRemove } kind = Kind::kPut;
  InstanceState instance;  ///< For kPut: the full row. For kRemove: address + deposed_key.
};

/// An operation about to start, as its journal row records it.
struct JournalIntent {
  std::string address;
  std::string action;  ///< "create", "update", "delete", ...
  std::string detail;  ///< e.g. the prior object id for update/delete.
};

class StateStore {
 public:
  virtual ~StateStore() = default;

  /// Opens (creating if needed, with parent directory) the database at `path` and
  /// migrates its schema. The secret box seals sensitive values.
  static Result<std::unique_ptr<StateStore>> Open(const std::string& path, SecretBox box);

  virtual Result<std::vector<std::string>> Stacks() = 0;

  /// The whole stack. A stack never written has empty lineage and serial 0.
  virtual Result<StackState> Load(const std::string& stack) = 0;
  /// The stack without its instances: lineage, serial and outputs. For callers that
  /// check freshness or keep old outputs, where Load would read every instance.
  virtual Result<StackState> LoadHead(const std::string& stack) = 0;

  /// Writes (insert or replace by address + deposed_key) one instance; serial++.
  virtual Status PutInstance(const std::string& stack, const InstanceState& inst) = 0;
  virtual Status RemoveInstance(const std::string& stack, const Address& addr,
                                const std::string& deposed_key = {}) = 0;
  /// Renames an instance (state mv). Fails if `to` exists or `from` does not.
  virtual Status MoveInstance(const std::string& stack, const Address& from, const Address& to) = 0;
  /// Replaces the stack's outputs.
  virtual Status SetOutputs(const std::string& stack, const std::vector<OutputState>& o) = 0;

  // --- journal ---
  virtual Result<int64_t> JournalBegin(const std::string& stack, const std::string& run_id,
                                       const std::string& address, const std::string& action,
                                       const std::string& detail) = 0;
  /// Opens one journal row per intent in ONE transaction (a wave of operations about to
  /// start) and returns their ids in the same order; all or none are written.
  virtual Result<std::vector<int64_t>> JournalBeginMany(const std::string& stack,
                                                        const std::string& run_id,
                                                        const std::vector<JournalIntent>& ops) = 0;
  /// Closes journal row `journal_id` with `outcome` and applies `writes`, in ONE
  /// transaction (serial++ once). journal_id 0 means "no journal row".
  virtual Status CommitResult(const std::string& stack, int64_t journal_id,
                              const std::string& outcome,
                              const std::vector<InstanceWrite>& writes) = 0;
  using CommitDone = std::function<void(const Status&)>;
  /// CommitResult without waiting for the commit: `done` gets the same status once the
  /// transaction holding the writes is over, possibly on another thread. `done` may call
  /// the store again but must not wait for anything else. The default commits here.
  virtual void CommitResultAsync(const std::string& stack, int64_t journal_id, std::string outcome,
                                 std::vector<InstanceWrite> writes, CommitDone done) {
    done(CommitResult(stack, journal_id, outcome, writes));
  }
  /// From a CommitResultAsync completion: runs `fn` after every completion of the same
  /// commit has run (so a batch's reports can be acted on once). Elsewhere, and in stores
  /// without asynchronous commits, runs it now.
  virtual void AfterCommitCompletions(std::function<void()> fn) { fn(); }
  virtual Result<std::vector<JournalEntry>> OpenJournal(const std::string& stack) = 0;
  /// Marks open rows resolved (after the planner looked the objects up).
  virtual Status ResolveJournal(const std::string& stack, const std::string& outcome) = 0;

  // --- locks ---
  /// Takes the stack's lock for `operation` with a lease of `lease_seconds`. Fails fast
  /// (error naming holder, pid, host, operation, since) if a live lease is held; an
  /// expired lease is taken over with a warning.
  virtual Result<LockInfo> Lock(const std::string& stack, const std::string& operation,
                                int lease_seconds) = 0;
  virtual Status RenewLock(const LockInfo& lock, int lease_seconds) = 0;
  virtual Status Unlock(const LockInfo& lock) = 0;
  /// Removes the lock only if its id equals `lock_id`.
  virtual Status ForceUnlock(const std::string& stack, const std::string& lock_id) = 0;
  virtual Result<std::optional<LockInfo>> CurrentLock(const std::string& stack) = 0;

  // --- history ---
  virtual Result<RunRecord> BeginRun(const std::string& stack, const std::string& command) = 0;
  virtual Status EndRun(const RunRecord& run) = 0;  ///< Writes finished_at/status/summary.
  virtual Result<std::vector<RunRecord>> History(const std::string& stack) = 0;

  /// Integrity check: SQLite's own plus foreign keys, serial monotonicity, journal rows,
  /// history serials, and every sealed value opening with the current key.
  virtual Status Check() = 0;
  /// Re-seals every sealed value of every stack with `new_box` and records its key id,
  /// in ONE transaction: afterwards only the new key opens the database. Returns the
  /// number of values re-sealed. The caller holds every stack's lock (no run may write
  /// with the old key meanwhile).
  virtual Result<int> Rekey(const SecretBox& new_box) = 0;
  /// Current schema version of the open database.
  virtual int SchemaVersion() const = 0;
};

}  // namespace capstan
