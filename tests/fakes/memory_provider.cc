// MemoryCloud and MemoryProvider (test fixture).
#include "tests/fakes/memory_provider.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "providers/attr_builder.h"

namespace capstan {

// ---- MemoryCloud ----

std::optional<MemoryObject> MemoryCloud::Get(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = objects_.find(id);
  if (it == objects_.end()) return std::nullopt;
  return it->second;
}

void MemoryCloud::Put(const std::string& id, MemoryObject obj) {
  std::lock_guard<std::mutex> lock(mu_);
  PutLocked(id, std::move(obj));
}

ObjectState MemoryCloud::CreateMarked(MemoryObject obj, const std::string& exclude_id,
                                      const std::string& id_prefix, bool serial) {
  std::lock_guard<std::mutex> lock(mu_);
  auto existing = FindByMarksLocked(obj.type, obj.stack, obj.address, exclude_id);
  std::string id = existing ? *existing : id_prefix + std::to_string(next_id_++);
  obj.attributes["id"] = id;
  if (serial) {
    auto prev = existing ? objects_.find(id) : objects_.end();
    obj.attributes["serial"] =
        prev != objects_.end() ? prev->second.attributes.value("serial", 1) : 1;
  }
  ObjectState made{id, obj.attributes};
  PutLocked(id, std::move(obj));
  return made;
}

void MemoryCloud::PutLocked(const std::string& id, MemoryObject obj) {
  auto it = objects_.find(id);
  if (it != objects_.end()) {
    Unmark(id, it->second);
    it->second = std::move(obj);
  } else {
    it = objects_.emplace(id, std::move(obj)).first;
  }
  by_marks_[{it->second.type, it->second.stack, it->second.address}].insert(id);
}

bool MemoryCloud::Erase(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = objects_.find(id);
  if (it == objects_.end()) return false;
  Unmark(id, it->second);
  objects_.erase(it);
  return true;
}

void MemoryCloud::Unmark(const std::string& id, const MemoryObject& obj) {
  auto m = by_marks_.find({obj.type, obj.stack, obj.address});
  if (m == by_marks_.end()) return;
  m->second.erase(id);
  if (m->second.empty()) by_marks_.erase(m);
}

std::map<std::string, MemoryObject> MemoryCloud::Objects() const {
  std::lock_guard<std::mutex> lock(mu_);
  return objects_;
}

size_t MemoryCloud::Size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return objects_.size();
}

std::optional<std::string> MemoryCloud::FindByMarks(const std::string& type,
                                                    const std::string& stack,
                                                    const std::string& address,
                                                    const std::string& exclude_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return FindByMarksLocked(type, stack, address, exclude_id);
}

std::optional<std::string> MemoryCloud::FindByMarksLocked(const std::string& type,
                                                          const std::string& stack,
                                                          const std::string& address,
                                                          const std::string& exclude_id) const {
  auto m = by_marks_.find({type, stack, address});
  if (m == by_marks_.end()) return std::nullopt;
  for (const std::string& id : m->second) {  // in id order, like a scan of objects_
    if (id != exclude_id) return id;
  }
  return std::nullopt;
}

std::string MemoryCloud::NextId(const std::string& prefix) {
  std::lock_guard<std::mutex> lock(mu_);
  return prefix + std::to_string(next_id_++);
}

void MemoryCloud::FailOn(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  fail_names_.insert(name);
}

void MemoryCloud::ClearFailures() {
  std::lock_guard<std::mutex> lock(mu_);
  fail_names_.clear();
}

bool MemoryCloud::ShouldFail(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  return fail_names_.count(name) > 0;
}

void MemoryCloud::SetHook(Hook hook) {
  std::lock_guard<std::mutex> lock(mu_);
  hook_ = std::move(hook);
}

MemoryCloud::Hook MemoryCloud::hook() const {
  std::lock_guard<std::mutex> lock(mu_);
  return hook_;
}

int MemoryCloud::Calls(const std::string& verb) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = calls_.find(verb);
  return it == calls_.end() ? 0 : it->second;
}

int MemoryCloud::TotalCalls() const {
  std::lock_guard<std::mutex> lock(mu_);
  int n = 0;
  for (const auto& [v, c] : calls_) n += c;
  return n;
}

size_t MemoryCloud::StartThreads() const {
  std::lock_guard<std::mutex> lock(mu_);
  return start_threads_.size();
}

void MemoryCloud::ResetCounters() {
  std::lock_guard<std::mutex> lock(mu_);
  calls_.clear();
  start_threads_.clear();
  max_concurrent_ = 0;
}

MemoryCloud::CallScope::CallScope(MemoryCloud& cloud, const std::string& verb) : cloud_(cloud) {
  {
    std::lock_guard<std::mutex> lock(cloud_.mu_);
    ++cloud_.calls_[verb];
    cloud_.start_threads_.insert(std::this_thread::get_id());
  }
  int now = ++cloud_.running_;
  int seen = cloud_.max_concurrent_.load();
  while (now > seen && !cloud_.max_concurrent_.compare_exchange_weak(seen, now)) {
  }
}

MemoryCloud::CallScope::~CallScope() { --cloud_.running_; }

// ---- the resource types ----

namespace {

ResourceSchema ThingSchema() {
  ResourceSchema s;
  s.type = "mem.thing";
  s.description = "An object in the in-memory fake cloud (tests only).";
  s.attributes = {
      Attr("name", "Name of the thing.").Required(),
      Attr("value", "Any string, updatable in place.").Optional(),
      Attr("size", "A number; changing it replaces the thing.", AttrType::kNumber)
          .Optional()
          .ForceNew(),
      Attr("secret", "A sensitive string.").Optional().Sensitive(),
      Attr("tags", "String map.", AttrType::kMap).Optional(),
      Attr("status", "Settable, then changed by a controller (controller-owned).").Optional(),
      Attr("id", "Id assigned by the fake cloud.").Computed(),
      Attr("serial", "1 on create, +1 per update.", AttrType::kNumber).Computed(),
  };
  s.controller_owned = {"status"};
  return s;
}

ResourceSchema GroupSchema(const std::string& type = "mem.group") {
  ResourceSchema s;
  s.type = type;
  s.description = "A group of things in the in-memory fake cloud (tests only).";
  s.attributes = {
      Attr("name", "Name of the group.").Required(),
      Attr("members", "Member ids.", AttrType::kList).Optional(),
      Attr("id", "Id assigned by the fake cloud.").Computed(),
  };
  return s;
}

class MemType : public ResourceType {
 public:
  MemType(std::shared_ptr<MemoryCloud> cloud, ResourceSchema schema, std::string id_prefix,
          bool has_serial, bool enables_dependents = false)
      : cloud_(std::move(cloud)),
        schema_(std::move(schema)),
        prefix_(std::move(id_prefix)),
        has_serial_(has_serial),
        enables_dependents_(enables_dependents) {}

  const ResourceSchema& schema() const override { return schema_; }
  bool ReadEnablesDependents() const override { return enables_dependents_; }
  bool SupportsList() const override { return true; }

  Result<std::optional<ObjectState>> Read(const CallContext& ctx,
                                          const ObjectState& prior) override {
    MemoryCloud::CallScope scope(*cloud_, "read");
    if (Status st = Wait(ctx); st.HasErrors()) return st;
    auto obj = cloud_->Get(prior.id);
    if (Status st = RunHook("read", ctx, prior.id); st.HasErrors()) return st;
    if (!obj || obj->type != schema_.type) return std::optional<ObjectState>();
    return std::optional<ObjectState>(ObjectState{prior.id, obj->attributes});
  }

  Result<ObjectState> Create(const CallContext& ctx, const Value& props) override {
    MemoryCloud::CallScope scope(*cloud_, "create");
    if (Status st = Wait(ctx); st.HasErrors()) return st;
    return CreateNow(ctx, props);
  }

  Result<ObjectState> Update(const CallContext& ctx, const ObjectState& prior,
                             const Value& props) override {
    MemoryCloud::CallScope scope(*cloud_, "update");
    if (Status st = Wait(ctx); st.HasErrors()) return st;
    return UpdateNow(ctx, prior, props);
  }

  Status Delete(const CallContext& ctx, const ObjectState& prior) override {
    MemoryCloud::CallScope scope(*cloud_, "delete");
    if (Status st = Wait(ctx); st.HasErrors()) return st;
    return DeleteNow(ctx, prior);
  }

  // With MemoryCloud::SetAsyncCalls, the latency is waited on the cloud's timer and the
  // effect happens on its thread; the call counts as running until then.
  bool CallsCompleteLater() const override { return cloud_->async_calls(); }

  void CreateAsync(CallContext ctx, Value props, Completion<Result<ObjectState>> done) override {
    if (!cloud_->async_calls()) return ResourceType::CreateAsync(ctx, props, done);
    auto scope = std::make_shared<MemoryCloud::CallScope>(*cloud_, "create");
    Later(ctx, [this, scope, ctx, props = std::move(props), done](bool cancelled) {
      done(cancelled ? Cancelled() : CreateNow(ctx, props));
    });
  }

  void UpdateAsync(CallContext ctx, ObjectState prior, Value props,
                   Completion<Result<ObjectState>> done) override {
    if (!cloud_->async_calls()) return ResourceType::UpdateAsync(ctx, prior, props, done);
    auto scope = std::make_shared<MemoryCloud::CallScope>(*cloud_, "update");
    Later(ctx,
          [this, scope, ctx, prior = std::move(prior), props = std::move(props),
           done](bool cancelled) { done(cancelled ? Cancelled() : UpdateNow(ctx, prior, props)); });
  }

  void DeleteAsync(CallContext ctx, ObjectState prior, Completion<Status> done) override {
    if (!cloud_->async_calls()) return ResourceType::DeleteAsync(ctx, prior, done);
    auto scope = std::make_shared<MemoryCloud::CallScope>(*cloud_, "delete");
    Later(ctx, [this, scope, ctx, prior = std::move(prior), done](bool cancelled) {
      done(cancelled ? Cancelled().diags() : DeleteNow(ctx, prior));
    });
  }

  Result<std::vector<ObjectState>> List(const CallContext& ctx) override {
    MemoryCloud::CallScope scope(*cloud_, "list");
    std::vector<ObjectState> out;
    for (const auto& [id, o] : cloud_->Objects()) {
      if (o.type == schema_.type && o.stack == ctx.stack) out.push_back({id, o.attributes});
    }
    return out;
  }

 private:
  /// Runs `fn` on the cloud's timer once the latency has passed.
  void Later(const CallContext& ctx, DeadlineTimer::Callback fn) {
    cloud_->timer().At(
        DeadlineTimer::Clock::now() + std::chrono::milliseconds(cloud_->latency_ms()), ctx.cancel,
        std::move(fn));
  }

  static Result<ObjectState> Cancelled() {
    return Result<ObjectState>::Fail("mem: call cancelled");
  }

  /// The effect of a create once its latency has passed.
  Result<ObjectState> CreateNow(const CallContext& ctx, const Value& props) {
    std::string name = props.value("name", "");
    if (cloud_->ShouldFail(name)) return Injected("create", name);
    ObjectState made =
        cloud_->CreateMarked(MemoryObject{schema_.type, props.is_object() ? props : Value::object(),
                                          ctx.stack, ctx.address.ToString()},
                             ctx.replacing_id, prefix_, has_serial_);
    if (Status st = RunHook("create", ctx, made.id); st.HasErrors()) return st;
    return made;
  }

  Result<ObjectState> UpdateNow(const CallContext& ctx, const ObjectState& prior,
                                const Value& props) {
    std::string name = props.value("name", "");
    if (cloud_->ShouldFail(name)) return Injected("update", name);
    auto obj = cloud_->Get(prior.id);
    if (!obj) {
      return Result<ObjectState>::Fail("mem: cannot update " + prior.id,
                                       "The object does not exist.");
    }
    Value attrs = props.is_object() ? props : Value::object();
    attrs["id"] = prior.id;
    if (has_serial_) attrs["serial"] = obj->attributes.value("serial", 0) + 1;
    obj->attributes = attrs;
    cloud_->Put(prior.id, *obj);
    if (Status st = RunHook("update", ctx, prior.id); st.HasErrors()) return st;
    return ObjectState{prior.id, attrs};
  }

  Status DeleteNow(const CallContext& ctx, const ObjectState& prior) {
    std::string name = prior.attributes.value("name", "");
    if (cloud_->ShouldFail(name)) return Injected("delete", name).diags();
    cloud_->Erase(prior.id);
    return RunHook("delete", ctx, prior.id);
  }

  /// The configured latency, cut short (with an error) by cancellation.
  Status Wait(const CallContext& ctx) const {
    Status st;
    using Clock = std::chrono::steady_clock;
    auto until = Clock::now() + std::chrono::milliseconds(cloud_->latency_ms());
    // Sleep to the exact deadline in steps of at most 100 ms (to notice cancellation):
    // fixed 2 ms steps overshot every call by up to 2 ms and woke a wide apply's
    // thousand sleeping calls half a million times a second; 10 ms steps still woke
    // every 50 ms call five times, a context switch each, which on two cores cost the
    // fan bench more than the engine did. A real provider blocks in poll() once.
    for (auto now = Clock::now(); now < until; now = Clock::now()) {
      if (ctx.cancelled()) {
        st.Error("mem: call cancelled");
        return st;
      }
      std::this_thread::sleep_until(std::min(until, now + std::chrono::milliseconds(100)));
    }
    return st;
  }

  Status RunHook(const std::string& verb, const CallContext& ctx, const std::string& id) const {
    auto hook = cloud_->hook();
    return hook ? hook(verb, ctx, id) : Status();
  }

  static Result<ObjectState> Injected(const std::string& verb, const std::string& name) {
    return Result<ObjectState>::Fail("mem: injected failure on " + verb + " of \"" + name + "\"",
                                     "MemoryCloud::FailOn lists this name.");
  }

  std::shared_ptr<MemoryCloud> cloud_;
  ResourceSchema schema_;
  std::string prefix_;
  bool has_serial_;
  bool enables_dependents_;
};

}  // namespace

// ---- MemoryProvider ----

MemoryProvider::MemoryProvider(std::shared_ptr<MemoryCloud> cloud) : cloud_(std::move(cloud)) {
  types_["mem.thing"] = std::make_unique<MemType>(cloud_, ThingSchema(), "thing-", true);
  types_["mem.group"] = std::make_unique<MemType>(cloud_, GroupSchema(), "group-", false);
  types_["mem.gate"] =
      std::make_unique<MemType>(cloud_, GroupSchema("mem.gate"), "gate-", false, true);
}

MemoryProvider::~MemoryProvider() = default;

Status MemoryProvider::Configure(const Value& config) {
  config_ = config.is_null() ? Value::object() : config;
  Status st;
  if (!config_.is_object()) st.Error("provider \"mem\" configuration must be a map");
  return st;
}

std::vector<std::string> MemoryProvider::TypeNames() const {
  std::vector<std::string> names;
  for (const auto& [n, t] : types_) names.push_back(n);
  return names;
}

ResourceType* MemoryProvider::Type(std::string_view type) {
  auto it = types_.find(std::string(type));
  return it == types_.end() ? nullptr : it->second.get();
}

void RegisterMemoryProvider(ProviderRegistry& registry, std::shared_ptr<MemoryCloud> cloud) {
  registry.Register("mem", [cloud] { return std::make_unique<MemoryProvider>(cloud); });
}

}  // namespace capstan
