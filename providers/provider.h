// The provider interface: how the engine talks to clouds, hosts and clusters.
//
/// A Provider (e.g. "openstack", "local") is configured once per run from the stack's
/// `providers:` section and offers resource types ("openstack.network", "local.file").
/// Each ResourceType implements the lifecycle verbs of DESIGN.md: read, create, update,
/// delete, and optionally a batched read (refresh one API list per page instead of one
/// GET per object) and list (import, sweep).
///
/// Contracts every implementation keeps:
///  - Read returns std::nullopt when the object is gone (never an error for 404).
///  - Delete of an object that is already gone succeeds.
///  - Create is resumable: before creating, look for an object this stack already made
///    for this address (ownership marks `capstan-stack=<stack>`, `capstan-addr=<address>`
///    in tags, properties or description) and adopt it. A crash between the cloud's
///    create and capstan's state commit must never produce a duplicate on the next run.
///  - Calls may run concurrently from several threads (up to MaxConcurrency()).
///  - Long waits call ctx.progress with a short sub-step ("server BUILD, 40s") and give up
///    when ctx.cancelled() turns true (the second Ctrl-C).
///  - Errors name what failed and carry the cloud's own message in `detail`; the engine
///    adds the resource address.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/result.h"
#include "engine/value.h"
#include "resources/address.h"
#include "resources/schema.h"

namespace capstan {

/// What the engine passes to every provider call.
struct CallContext {
  std::string stack;  ///< Stack name, for ownership marks.
  Address address;    ///< The instance being acted on (empty type for list/import).
  /// Reports a sub-step of a long operation; may be empty.
  std::function<void(const std::string&)> progress;
  /// Set on the second Ctrl-C: abort waits and return an error.
  const std::atomic<bool>* cancel = nullptr;
  /// For the create of a create_before_destroy replacement: the id of the object being
  /// replaced. It carries the same ownership marks, and must NOT be adopted.
  std::string replacing_id;
  /// For ReadMany: addresses[i] is the address of priors[i] (`address` is then empty).
  std::vector<Address> addresses;

  /// This context narrowed to the i-th instance of a ReadMany call.
  CallContext ForInstance(size_t i) const {
    CallContext c = *this;
    if (i < addresses.size()) c.address = addresses[i];
    c.addresses.clear();
    return c;
  }

  bool cancelled() const { return cancel && cancel->load(); }
  void Progress(const std::string& s) const {
    if (progress) progress(s);
  }
  /// "capstan-stack=<stack>" and "capstan-addr=<address>".
  std::string StackMark() const { return "capstan-stack=" + stack; }
  std::string AddressMark() const { return "capstan-addr=" + address.ToString(); }
};

/// A real object as the provider sees it: its id and all attributes (inputs and
/// computed). `attributes` is a JSON object.
struct ObjectState {
  std::string id;
  Value attributes = Value::object();
};

class ResourceType {
 public:
  virtual ~ResourceType() = default;

  virtual const ResourceSchema& schema() const = 0;

  /// Checks beyond the schema (e.g. CIDR syntax). Properties may contain unknowns.
  virtual Diagnostics Validate(const Value& /*props*/) const { return {}; }

  /// Planned attributes for a create or update: `props` (defaults applied) merged with
  /// what the provider can predict. The default keeps props and marks computed
  /// attributes unknown on create and keeps prior values on update.
  virtual Value PlanAttributes(const Value& props, const ObjectState* prior) const;

  /// What a provider has to say about a planned update beyond the attribute diff: errors
  /// refuse the plan (a change the real system cannot make, e.g. a Kubernetes version
  /// jump), and `note` becomes the change's reason in every plan view ("rolling
  /// replacement of 3 machines"). `planned` is PlanAttributes' result and may contain
  /// unknowns. Default: nothing to say.
  struct ChangeReview {
    Diagnostics diags;
    std::string note;
  };
  virtual ChangeReview ReviewChange(const Value& /*planned*/, const ObjectState& /*prior*/) const {
    return {};
  }

  /// True when reading an object of this type sets up something the reads of the
  /// objects that depend on it need during this run: kind.cluster opens the ssh forward
  /// its `kubeconfig_local` points at. Refresh then reads those dependents after it
  /// (engine/ops/refresh_order.h); every other read runs at once. Default: false.
  virtual bool ReadEnablesDependents() const { return false; }

  /// Current state of the object `prior.id`, or nullopt when it no longer exists.
  virtual Result<std::optional<ObjectState>> Read(const CallContext& ctx,
                                                  const ObjectState& prior) = 0;

  /// Reads many objects of this type at once. Result i answers priors[i]. The default
  /// calls Read for each; providers override it to list once per page.
  virtual std::vector<Result<std::optional<ObjectState>>> ReadMany(
      const CallContext& ctx, const std::vector<ObjectState>& priors);

  virtual Result<ObjectState> Create(const CallContext& ctx, const Value& props) = 0;

  virtual Result<ObjectState> Update(const CallContext& ctx, const ObjectState& prior,
                                     const Value& props) = 0;

  virtual Status Delete(const CallContext& ctx, const ObjectState& prior) = 0;

  /// Non-blocking forms of the three mutating verbs, which the applier uses. `done` is
  /// called exactly once with the verb's result, from any thread, perhaps before the call
  /// returns. The defaults run the blocking verb and call `done` at once, so a type that
  /// waits in Create keeps a scheduler thread for the whole call. A type whose calls wait
  /// on a timer or a socket without a thread (an event loop; curl's multi interface)
  /// overrides all three and CallsCompleteLater, and a plan made only of such types
  /// runs any number of calls at once from a few threads (engine/scheduler.h,
  /// `quick_runners`). Each verb takes its context and inputs by value: they are the
  /// call's to keep until it completes.
  template <class T>
  using Completion = std::function<void(T)>;
  virtual void CreateAsync(CallContext ctx, Value props, Completion<Result<ObjectState>> done) {
    done(Create(ctx, props));
  }
  virtual void UpdateAsync(CallContext ctx, ObjectState prior, Value props,
                           Completion<Result<ObjectState>> done) {
    done(Update(ctx, prior, props));
  }
  virtual void DeleteAsync(CallContext ctx, ObjectState prior, Completion<Status> done) {
    done(Delete(ctx, prior));
  }
  /// True when the *Async verbs above return without waiting for the call.
  virtual bool CallsCompleteLater() const { return false; }

  /// Objects of this type that carry this stack's marks (import, sweep, orphan checks).
  virtual bool SupportsList() const { return false; }
  virtual Result<std::vector<ObjectState>> List(const CallContext& ctx);

  /// Reads an existing object by id for `capstan import`. Default: Read({id}).
  virtual Result<ObjectState> Import(const CallContext& ctx, const std::string& id);
};

class Provider {
 public:
  virtual ~Provider() = default;

  virtual std::string name() const = 0;
  /// Receives the stack's `providers.<name>` block (an object, maybe empty).
  virtual Status Configure(const Value& config) = 0;
  virtual std::vector<std::string> TypeNames() const = 0;
  /// nullptr when this provider has no such type.
  virtual ResourceType* Type(std::string_view type) = 0;
  /// Concurrent calls allowed against this provider (its pool); 0 = only the global limit.
  virtual int MaxConcurrency() const { return 0; }
};

using ProviderFactory = std::function<std::unique_ptr<Provider>()>;

/// Maps provider names to factories. Built-in providers register at startup; a name
/// without a built-in falls back to an external plugin `capstan-provider-<name>` found
/// on PATH (docs/plugin-protocol.md).
class ProviderRegistry {
 public:
  void Register(const std::string& name, ProviderFactory factory);
  /// A new, unconfigured provider instance, or an error naming the searched places.
  Result<std::unique_ptr<Provider>> Create(const std::string& name) const;
  std::vector<std::string> Names() const;

  /// The registry with every built-in provider (local, and later openstack, ...).
  static ProviderRegistry& Builtin();

 private:
  std::vector<std::pair<std::string, ProviderFactory>> factories_;
};

}  // namespace capstan
