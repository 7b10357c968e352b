// SqliteStore: the StateStore implementation (private to state/ and its tests).
//
/// One connection, guarded by a mutex so the scheduler's worker threads can commit
/// results concurrently; cross-process exclusion comes from SQLite's own locking
/// (BEGIN IMMEDIATE + a 5 s busy timeout) and, for whole runs, from the locks table.
/// JournalBegin and CommitResult, the two writes every applied node makes, go through a
/// CommitQueue (group commit): writes that arrive while a transaction commits share the
/// next one, each inside its own SAVEPOINT so it still succeeds or fails alone.
/// The implementation is split by concern: sqlite_store.cc (open, load, instances,
/// outputs), store_codec.cc (sealing), store_journal.cc (journal and history),
/// store_locks.cc, store_check.cc and store_rekey.cc.
#pragma once

#include <sqlite3.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "state/commit_queue.h"
#include "state/sqlite.h"
#include "state/store.h"

namespace capstan {

class SqliteStore : public StateStore {
 public:
  /// The concrete store; StateStore::Open forwards here.
  static Result<std::unique_ptr<SqliteStore>> OpenSqlite(const std::string& path, SecretBox box);
  ~SqliteStore() override;

  Result<std::vector<std::string>> Stacks() override;
  Result<StackState> Load(const std::string& stack) override;
  Result<StackState> LoadHead(const std::string& stack) override;
  Status PutInstance(const std::string& stack, const InstanceState& inst) override;
  Status RemoveInstance(const std::string& stack, const Address& addr,
                        const std::string& deposed_key) override;
  Status MoveInstance(const std::string& stack, const Address& from, const Address& to) override;
  Status SetOutputs(const std::string& stack, const std::vector<OutputState>& o) override;

  Result<int64_t> JournalBegin(const std::string& stack, const std::string& run_id,
                               const std::string& address, const std::string& action,
                               const std::string& detail) override;
  Result<std::vector<int64_t>> JournalBeginMany(const std::string& stack, const std::string& run_id,
                                                const std::vector<JournalIntent>& ops) override;
  Status CommitResult(const std::string& stack, int64_t journal_id, const std::string& outcome,
                      const std::vector<InstanceWrite>& writes) override;
  void CommitResultAsync(const std::string& stack, int64_t journal_id, std::string outcome,
                         std::vector<InstanceWrite> writes, CommitDone done) override;
  void AfterCommitCompletions(std::function<void()> fn) override {
    queue_.AfterCompletions(std::move(fn));
  }
  Result<std::vector<JournalEntry>> OpenJournal(const std::string& stack) override;
  Status ResolveJournal(const std::string& stack, const std::string& outcome) override;

  Result<LockInfo> Lock(const std::string& stack, const std::string& operation,
                        int lease_seconds) override;
  Status RenewLock(const LockInfo& lock, int lease_seconds) override;
  Status Unlock(const LockInfo& lock) override;
  Status ForceUnlock(const std::string& stack, const std::string& lock_id) override;
  Result<std::optional<LockInfo>> CurrentLock(const std::string& stack) override;

  Result<RunRecord> BeginRun(const std::string& stack, const std::string& command) override;
  Status EndRun(const RunRecord& run) override;
  Result<std::vector<RunRecord>> History(const std::string& stack) override;

  Status Check() override;
  Result<int> Rekey(const SecretBox& new_box) override;
  int SchemaVersion() const override { return schema_version_; }

  /// The raw connection, for tests that simulate faults (e.g. PRAGMA max_page_count).
  sqlite3* handle() { return db_; }
  /// Group-commit transactions run so far (tests and benchmarks).
  int CommitBatches() const { return queue_.batches(); }

 private:
  SqliteStore(std::string path, sqlite3* db, SecretBox box, int schema_version);

  /// Runs `body` inside BEGIN IMMEDIATE for `stack`: creates the stack row if needed,
  /// assigns the lineage on the first write, passes the new serial to `body`, stores it
  /// and records the key id. Nothing is written if `body` adds an error.
  Status Mutate(const std::string& stack, const std::string& what,
                const std::function<void(int64_t serial, Diagnostics* err)>& body);
  /// CommitResult's write, inside a group-commit batch's transaction.
  void WriteResult(const std::string& stack, int64_t journal_id, const std::string& outcome,
                   const std::vector<InstanceWrite>& writes, const std::string& what,
                   Diagnostics* txn_err);
  /// While a transaction runs (BatchScope): each stack's row as its writes have left it,
  /// so a thousand results in one batch read and write the stacks row once, not once
  /// each. `since` is the write (RunBatch's count) that first read it: rolling that write
  /// back also drops the entry, whose reads and registration went with it.
  struct BatchStack {
    std::string lineage;
    int64_t serial = 0;
    int since = 0;
  };
  /// The stack rows of one transaction (Mutate's or a group-commit batch's) while it
  /// runs: sets batch_stacks_ for the scope's life and starts the write count over.
  struct BatchScope {
    explicit BatchScope(SqliteStore* store) : store(store) {
      store->batch_stacks_ = &stacks;
      store->batch_write_ = 0;
    }
    ~BatchScope() { store->batch_stacks_ = nullptr; }
    BatchScope(const BatchScope&) = delete;
    BatchScope& operator=(const BatchScope&) = delete;
    SqliteStore* store;
    std::map<std::string, BatchStack> stacks;
  };
  /// Mutate's work inside a transaction the caller owns, within a BatchScope.
  void MutateInTransaction(const std::string& stack, const std::string& what,
                           const std::function<void(int64_t serial, Diagnostics* err)>& body,
                           Diagnostics* err);
  /// Load and LoadHead: the stack's row and outputs, and its instances if `instances`.
  Result<StackState> Read(const std::string& stack, bool instances);
  /// CommitQueue's batch runner: one transaction, one savepoint per request (takes mu_).
  void RunBatch(const std::vector<CommitRequest*>& batch);
  /// The transaction's writes of stack rows (see batch_stacks_), before it commits.
  bool FlushBatchStacks(Diagnostics* err);
  /// The stacks row's registration, lineage and serial, and the key id: read or written
  /// once per transaction (MutateInTransaction).
  bool ReadStackRow(const std::string& stack, const std::string& what, BatchStack* row,
                    Diagnostics* err);
  /// INSERT OR IGNORE of the stack row (used by operations that do not bump the serial).
  bool EnsureStack(const std::string& stack, Diagnostics* err);
  /// An error unless meta('key_id') is absent or matches the box's key. A match is
  /// remembered for reads; `fresh` re-reads it (writes do, inside their transaction, so
  /// a `state rekey` by another process since the last check fails the write instead of
  /// mixing two keys in one database).
  bool CheckKey(Diagnostics* err, bool fresh = false);

  /// The stack's lock row, if any (caller holds mu_).
  std::optional<LockInfo> CurrentLockLocked(const std::string& stack, Diagnostics* err);

  // Row writers shared by PutInstance and CommitResult (caller holds a transaction).
  bool WriteInstance(const std::string& stack, const InstanceState& inst, int64_t serial,
                     Diagnostics* err);
  bool DeleteInstance(const std::string& stack, const std::string& address,
                      const std::string& deposed_key, Diagnostics* err);

  // store_codec.cc: splitting and re-merging sensitive attributes.
  struct SealedAttributes {
    std::string plain;                   ///< JSON without the sensitive keys.
    std::optional<std::string> secrets;  ///< Sealed JSON object of the sensitive keys.
  };
  bool SealAttributes(const InstanceState& inst, SealedAttributes* out, Diagnostics* err);
  bool OpenAttributes(const std::string& what, const std::string& plain,
                      const std::optional<std::string>& secrets, Value* out, Diagnostics* err);

  std::string path_;
  sqlite3* db_;
  SecretBox box_;
  int schema_version_;
  bool key_verified_ = false;
  std::map<std::string, BatchStack>* batch_stacks_ = nullptr;  ///< See BatchStack.
  int batch_write_ = 0;
  std::mutex mu_;
  sqlite::StmtCache stmts_;
  CommitQueue queue_;  // last: its writer thread stops before the members above go
};

/// Current Unix time in seconds.
int64_t NowSeconds();
/// "2026-11-24T00:49:01Z".
std::string IsoTime(int64_t unix_seconds);

}  // namespace capstan
