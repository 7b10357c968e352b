// Apply, read and delete a tracked object set (see object_set.h).
#include "providers/kubernetes/object_set.h"

#include <algorithm>

#include "providers/kubernetes/manifest_objects.h"

namespace capstan::kube {

std::vector<ObjectRef> TrackedRefs(const Value& attrs) {
  std::vector<ObjectRef> refs;
  const Value& objs = attrs.is_object() ? attrs.value("objects", Value()) : Value();
  if (!objs.is_array()) return refs;
  for (const Value& o : objs) refs.push_back(ObjectRef::FromValue(o));
  return refs;
}

Value RefsValue(const std::vector<ObjectRef>& refs) {
  Value objects = Value::array();
  for (const auto& r : refs) objects.push_back(r.ToValue());
  return objects;
}

std::chrono::milliseconds WaitTimeout(const Value& attrs, int fallback_seconds) {
  const Value& t = attrs.is_object() ? attrs.value("wait_timeout", Value()) : Value();
  double s = t.is_number() ? t.get<double>() : fallback_seconds;
  return std::chrono::milliseconds(static_cast<int64_t>(s * 1000));
}

Diagnostics Prefixed(const Diagnostics& d, const std::string& prefix) {
  Diagnostics out;
  for (auto item : d.items()) {
    item.summary = prefix + item.summary;
    out.Add(item);
  }
  return out;
}

Result<std::vector<ObjectRef>> ResolveRefs(Client& client, const std::vector<Value>& objs,
                                           const std::atomic<bool>* cancel) {
  std::vector<ObjectRef> refs;
  refs.reserve(objs.size());
  for (const Value& obj : objs) {
    auto ref = client.RefOf(obj, "default", cancel);
    if (!ref.ok()) return ref.diags();
    refs.push_back(*ref);
  }
  return refs;
}

Result<std::vector<ObjectRef>> ApplyObjectSet(Client& client, const std::vector<Value>& desired,
                                              const std::vector<ObjectRef>& previous,
                                              std::chrono::milliseconds timeout,
                                              const CallContext& ctx) {
  auto refs = ResolveRefs(client, desired, ctx.cancel);
  if (!refs.ok()) return refs.diags();
  for (size_t i : ApplyOrder(desired)) {
    ctx.Progress("applying " + (*refs)[i].kind + " " + (*refs)[i].name);
    auto applied = client.Apply(desired[i], "capstan", false, ctx.cancel);
    if (!applied.ok()) return applied.diags();
  }
  std::vector<ObjectRef> removed;
  for (const auto& old : previous) {
    if (std::find(refs->begin(), refs->end(), old) == refs->end()) removed.push_back(old);
  }
  if (!removed.empty()) {
    Status st = DeleteObjectSet(client, removed, timeout, ctx);
    if (st.HasErrors()) return Prefixed(st, "removing objects that left the set: ");
  }
  return refs;
}

Status DeleteObjectSet(Client& client, const std::vector<ObjectRef>& refs,
                       std::chrono::milliseconds timeout, const CallContext& ctx) {
  std::vector<Value> as_values;
  for (const auto& r : refs) as_values.push_back(r.ToValue());
  std::vector<size_t> order = DeleteOrder(as_values);
  for (size_t i : order) {
    ctx.Progress("deleting " + refs[i].kind + " " + refs[i].name);
    Status st = client.Delete(refs[i], "Background", ctx.cancel);
    if (st.HasErrors()) return st;
  }
  for (size_t i : order) {
    Status st = client.WaitGone(refs[i], timeout, ctx);
    if (st.HasErrors()) return st;
  }
  return {};
}

Result<LiveSet> ReadObjectSet(Client& client, const std::vector<Value>& desired,
                              const CallContext& ctx) {
  LiveSet live;
  for (const Value& obj : desired) {
    auto ref = client.RefOf(obj, "default", ctx.cancel);
    if (!ref.ok()) return ref.diags();
    auto got = client.Get(*ref, ctx.cancel);
    if (!got.ok()) return got.diags();
    if (!got->has_value()) {
      live.in_sync = false;
      continue;
    }
    Value p = ProjectLive(obj, **got);
    if (p != obj) live.in_sync = false;
    live.projected.push_back(std::move(p));
    live.found.push_back(*ref);
  }
  return live;
}

}  // namespace capstan::kube
