// Apply-time evaluation of properties and outputs.
#include "engine/ops/apply_values.h"

#include <optional>

namespace capstan {
namespace {

/// Evaluates non-resource vertices on demand; resource vertices come from ApplyValues.
class LazySource : public ValueSource {
 public:
  LazySource(const StackConfig& config, ApplyValues& values) : config_(config), values_(values) {}

  const VertexValue* Get(int v) const override {
    auto it = cache_.find(v);
    if (it != cache_.end()) return &it->second;
    const Vertex& vx = config_.vertices()[v];
    VertexValue value;
    if (vx.kind == VertexKind::kResource) {
      value = values_.Current(v);
    } else {
      auto r = config_.Evaluate(v, *this);
      value = r.ok() ? r.value() : VertexValue{Unknown(), {}, false};
    }
    return &cache_.emplace(v, std::move(value)).first->second;
  }

 private:
  const StackConfig& config_;
  ApplyValues& values_;
  mutable std::map<int, VertexValue> cache_;
};

}  // namespace

ApplyValues::ApplyValues(Workspace& ws, const Plan& plan) : ws_(ws) {
  const StackConfig* config = ws.config();
  if (!config) return;
  for (const auto& c : plan.changes) {
    int v = config->FindResource(c.address);
    if (v < 0 || !c.deposed_key.empty()) continue;
    VertexValue vv;
    vv.value = c.after.is_null() ? c.before : c.after;
    vv.sensitive = c.sensitive;
    resources_[v] = std::move(vv);
  }
}

VertexValue ApplyValues::Current(int vertex) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = resources_.find(vertex);
  if (it == resources_.end()) return VertexValue{Unknown(), {}, false};
  return it->second;
}

void ApplyValues::Record(const Address& a, Value attributes, std::set<std::string> sensitive) {
  const StackConfig* config = ws_.config();
  if (!config) return;
  int v = config->FindResource(a);
  if (v < 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  resources_[v] = VertexValue{std::move(attributes), std::move(sensitive), false};
}

Result<VertexValue> ApplyValues::PropertiesFor(const ResourceChange& c, const ResourceType& type) {
  const StackConfig* config = ws_.config();
  if (!config) {
    return Result<VertexValue>::Fail("applying " + c.address.ToString() +
                                     " needs the configuration");
  }
  int v = config->FindResource(c.address);
  if (v < 0) {
    return Result<VertexValue>::Fail(c.address.ToString() + " is no longer in the configuration",
                                     "Run `capstan plan` again.");
  }
  LazySource source(*config, *this);
  auto r = config->Evaluate(v, source);
  if (!r.ok()) return r.diags();
  VertexValue out = std::move(r.value());
  out.value = ApplyDefaults(type.schema(), out.value);
  for (const auto& a : type.schema().attributes) {
    if (a.sensitive) out.sensitive.insert(a.name);
  }
  Diagnostics d;
  std::optional<Value> normalized;  // The provider's planned form of the inputs, on demand.
  for (auto it = out.value.begin(); it != out.value.end(); ++it) {
    if (ContainsUnknown(it.value())) {
      d.ErrorFor(c.address.ToString(),
                 "Value of \"" + it.key() + "\" is still unknown at apply time",
                 "It depends on something that was not applied (was a dependency skipped or "
                 "targeted out?).");
      continue;
    }
    if (c.after.is_object() && c.after.contains(it.key())) {
      const Value& planned = c.after[it.key()];
      if (!ContainsUnknown(planned) && planned != it.value()) {
        // A type may plan an input in another form (openstack.server plans user data as
        // its digest): compare in that form before calling it a change.
        if (!normalized) normalized = type.PlanAttributes(out.value, nullptr);
        if (normalized->is_object() && normalized->value(it.key(), Value()) == planned) continue;
        bool secret = out.sensitive.count(it.key()) > 0;
        d.ErrorFor(c.address.ToString(), "Value of \"" + it.key() + "\" differs from the plan",
                   secret ? std::string("(sensitive values not shown)")
                          : "Planned " + RenderValue(planned) + ", now " + RenderValue(it.value()) +
                                ". Something changed between plan and apply; plan again.");
      }
    }
  }
  if (d.HasErrors()) return d;
  return out;
}

Status ApplyValues::WriteOutputs(const Plan& plan, bool all_ok) {
  StateStore& store = ws_.state();
  if (plan.mode == PlanMode::kDestroy) {
    if (all_ok) return store.SetOutputs(ws_.stack(), {});
    return {};
  }
  const StackConfig* config = ws_.config();
  if (!config) return {};
  auto state = store.LoadHead(ws_.stack());  // the old outputs; instances are not needed
  if (!state.ok()) return state.diags();
  std::map<std::string, OutputState> old;
  for (const auto& o : state->outputs) old[o.name] = o;
  std::vector<OutputState> outs;
  LazySource source(*config, *this);
  for (const auto& decl : config->outputs()) {
    const VertexValue* vv = source.Get(decl.vertex);
    OutputState o;
    o.name = decl.name;
    o.sensitive = decl.sensitive || (vv && (vv->all_sensitive || !vv->sensitive.empty()));
    if (!vv || ContainsUnknown(vv->value)) {
      auto it = old.find(decl.name);
      if (it == old.end()) continue;
      o.value = it->second.value;
    } else {
      o.value = vv->value;
    }
    outs.push_back(std::move(o));
  }
  return store.SetOutputs(ws_.stack(), outs);
}

}  // namespace capstan
