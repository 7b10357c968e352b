// MemoryProvider: an in-process fake cloud for engine, plan and scheduler tests.
//
/// TEST FIXTURE, never product code. Engine tests need a provider whose every effect
/// they can inspect and whose failures they can script: a MemoryCloud holds the
/// "remote" objects (thread-safe), counts calls per verb, records the peak number of
/// concurrent calls (to check the scheduler's parallelism bounds), can be slowed down,
/// can fail create/update/delete for chosen names, and runs an optional hook inside each
/// call. Objects carry ownership marks beside their attributes (as a real cloud keeps
/// tags), and Create adopts an object with the same marks, so crash-recovery logic can
/// be tested against the same contract real providers keep. Its calls can also complete
/// later on a timer thread (SetAsyncCalls), to run the engine's non-blocking call path.
///
/// Types:
///   mem.thing  inputs: name (required), value, size (force_new), secret (sensitive),
///              tags (map), status (controller-owned); computed: id, serial (1 on
///              create, +1 per update)
///   mem.group  inputs: name (required), members (list); computed: id
///   mem.gate   as mem.group, and its read enables its dependents' reads
///              (ReadEnablesDependents, like kind.cluster's ssh forward)
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <tuple>

#include "providers/provider.h"
#include "tests/fakes/deadline_timer.h"

namespace capstan {

struct MemoryObject {
  std::string type;
  Value attributes = Value::object();
  std::string stack;    ///< Ownership mark: the creating stack.
  std::string address;  ///< Ownership mark: the creating address.
};

class MemoryCloud {
 public:
  /// Called inside every provider call, after its effect (for create: after the object
  /// is stored, so a hook returning an error simulates "created, answer lost").
  /// `verb` is "read", "create", "update" or "delete"; `id` the object's id (may be empty).
  /// Errors it returns become the call's result.
  using Hook =
      std::function<Status(const std::string& verb, const CallContext& ctx, const std::string& id)>;

  // ---- the store ----
  std::optional<MemoryObject> Get(const std::string& id) const;
  void Put(const std::string& id, MemoryObject obj);
  bool Erase(const std::string& id);
  std::map<std::string, MemoryObject> Objects() const;
  size_t Size() const;
  /// The id of an object of `type` carrying these marks, if any.
  std::optional<std::string> FindByMarks(const std::string& type, const std::string& stack,
                                         const std::string& address,
                                         const std::string& exclude_id = {}) const;
  std::string NextId(const std::string& prefix);
  /// Create's effect under one lock: adopts the object of obj's type with its marks (but
  /// not `exclude_id`) or makes a new id `id_prefix`N, sets `id` (and `serial`: kept on
  /// adoption, else 1) in its attributes and stores it. Returns the stored state.
  ObjectState CreateMarked(MemoryObject obj, const std::string& exclude_id,
                           const std::string& id_prefix, bool serial);

  // ---- knobs ----
  void SetLatencyMs(int ms) { latency_ms_ = ms; }
  int latency_ms() const { return latency_ms_; }
  /// Off (the default): create, update and delete wait their latency in the calling
  /// thread. On: their non-blocking forms return at once and complete on timer()'s
  /// thread (CallsCompleteLater), as a provider on an event loop would.
  void SetAsyncCalls(bool on) { async_calls_ = on; }
  bool async_calls() const { return async_calls_; }
  DeadlineTimer& timer() { return timer_; }
  /// create/update/delete of an object whose `name` is listed fail with an error.
  void FailOn(const std::string& name);
  void ClearFailures();
  bool ShouldFail(const std::string& name) const;
  void SetHook(Hook hook);
  Hook hook() const;

  // ---- observations ----
  int Calls(const std::string& verb) const;
  int TotalCalls() const;
  int MaxConcurrent() const { return max_concurrent_; }
  /// How many distinct threads started calls (since the last ResetCounters).
  size_t StartThreads() const;
  void ResetCounters();

  /// RAII: counts one call of `verb` as running for its lifetime.
  class CallScope {
   public:
    CallScope(MemoryCloud& cloud, const std::string& verb);
    ~CallScope();
    CallScope(const CallScope&) = delete;
    CallScope& operator=(const CallScope&) = delete;

   private:
    MemoryCloud& cloud_;
  };

 private:
  void PutLocked(const std::string& id, MemoryObject obj);  ///< Put (caller holds mu_).
  std::optional<std::string> FindByMarksLocked(const std::string& type, const std::string& stack,
                                               const std::string& address,
                                               const std::string& exclude_id) const;
  /// Drops `id` from by_marks_ (caller holds mu_).
  void Unmark(const std::string& id, const MemoryObject& obj);

  mutable std::mutex mu_;
  std::map<std::string, MemoryObject> objects_;
  /// (type, stack, address) -> ids: FindByMarks without a scan (100,000-object benches).
  std::map<std::tuple<std::string, std::string, std::string>, std::set<std::string>> by_marks_;
  std::map<std::string, int> calls_;
  std::set<std::thread::id> start_threads_;
  std::set<std::string> fail_names_;
  Hook hook_;
  int64_t next_id_ = 1;
  std::atomic<int> latency_ms_{0};
  std::atomic<bool> async_calls_{false};
  DeadlineTimer timer_;  ///< Last member: stopped (pending calls cancelled) first.
  std::atomic<int> running_{0};
  std::atomic<int> max_concurrent_{0};
};

class MemoryProvider : public Provider {
 public:
  explicit MemoryProvider(std::shared_ptr<MemoryCloud> cloud);
  ~MemoryProvider() override;

  std::string name() const override { return "mem"; }
  /// Accepts any object; remembers it (see config()).
  Status Configure(const Value& config) override;
  std::vector<std::string> TypeNames() const override;
  ResourceType* Type(std::string_view type) override;
  int MaxConcurrency() const override { return max_concurrency_; }

  const Value& config() const { return config_; }
  void set_max_concurrency(int n) { max_concurrency_ = n; }
  MemoryCloud& cloud() { return *cloud_; }

 private:
  std::shared_ptr<MemoryCloud> cloud_;
  std::map<std::string, std::unique_ptr<ResourceType>> types_;
  Value config_ = Value::object();
  int max_concurrency_ = 0;
};

/// Registers "mem" in `registry`; every instance shares `cloud`.
void RegisterMemoryProvider(ProviderRegistry& registry, std::shared_ptr<MemoryCloud> cloud);

}  // namespace capstan
