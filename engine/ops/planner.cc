// MakePlan: refresh, evaluate the configuration graph, diff, target, order.
#include "engine/ops/planner.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include "capstan_version.h"
#include "engine/graph.h"
#include "engine/ops/refresh.h"
#include "plans/diff.h"
#include "plans/exec_graph.h"

namespace capstan {
namespace {

/// Planned values of vertices, indexed by vertex id.
class PlannedValues : public ValueSource {
 public:
  explicit PlannedValues(size_t n) : values_(n) {}
  const VertexValue* Get(int v) const override {
    if (v < 0 || static_cast<size_t>(v) >= values_.size() || !values_[v]) return nullptr;
    return &*values_[v];
  }
  void Set(int v, VertexValue value) { values_[v] = std::move(value); }

 private:
  std::vector<std::optional<VertexValue>> values_;
};

bool MatchesAny(const std::vector<Target>& targets, const Address& a) {
  for (const auto& t : targets) {
    if (t.Matches(a)) return true;
  }
  return false;
}

bool IsDestroying(Action a) {
  return a == Action::kDelete || a == Action::kDeleteThenCreate || a == Action::kCreateThenDelete;
}

/// Turns a change into a no-op (for changes left out by --target/--exclude).
void Neutralize(ResourceChange& c) {
  c.action = Action::kNoOp;
  c.after = c.before;
  c.attributes.clear();
  c.replace_because.clear();
}

/// Applies --target/--exclude. Normal mode keeps targets and what they depend on;
/// destroy mode keeps targets and what depends on them. Excluding something also
/// excludes what depends on it (it could not be applied correctly without it).
void ApplyTargeting(std::vector<ResourceChange>& changes, const PlanOptions& opts) {
  if (opts.targets.empty() && opts.excludes.empty()) return;
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < changes.size(); ++i) index[changes[i].address.ToString()] = i;
  bool destroy = opts.mode == PlanMode::kDestroy;
  // Edges: for normal mode, i -> its dependencies; for destroy, i -> its dependents.
  std::vector<std::vector<size_t>> deps(changes.size()), rdeps(changes.size());
  for (size_t i = 0; i < changes.size(); ++i) {
    const Action a = changes[i].action;
    const auto& list = a == Action::kDelete || a == Action::kForget ? changes[i].prior_dependencies
                                                                    : changes[i].dependencies;
    for (const auto& d : list) {
      auto it = index.find(d);
      if (it == index.end()) continue;
      deps[i].push_back(it->second);
      rdeps[it->second].push_back(i);
    }
  }
  std::vector<char> keep(changes.size(), opts.targets.empty() ? 1 : 0);
  if (!opts.targets.empty()) {
    std::vector<size_t> stack;
    for (size_t i = 0; i < changes.size(); ++i) {
      if (MatchesAny(opts.targets, changes[i].address)) {
        keep[i] = 1;
        stack.push_back(i);
      }
    }
    const auto& walk = destroy ? rdeps : deps;
    while (!stack.empty()) {
      size_t i = stack.back();
      stack.pop_back();
      for (size_t j : walk[i]) {
        if (!keep[j]) {
          keep[j] = 1;
          stack.push_back(j);
        }
      }
    }
  }
  if (!opts.excludes.empty()) {
    std::vector<size_t> stack;
    for (size_t i = 0; i < changes.size(); ++i) {
      if (MatchesAny(opts.excludes, changes[i].address)) {
        keep[i] = 0;
        stack.push_back(i);
      }
    }
    const auto& walk = destroy ? deps : rdeps;
    while (!stack.empty()) {
      size_t i = stack.back();
      stack.pop_back();
      for (size_t j : walk[i]) {
        if (keep[j]) {
          keep[j] = 0;
          stack.push_back(j);
        }
      }
    }
  }
  for (size_t i = 0; i < changes.size(); ++i) {
    if (!keep[i]) Neutralize(changes[i]);
  }
}

/// ignore_changes per address, for drift.
std::map<std::string, std::set<std::string>> IgnoreMap(const StackConfig* config) {
  std::map<std::string, std::set<std::string>> out;
  if (!config) return out;
  for (const auto& v : config->vertices()) {
    if (v.kind != VertexKind::kResource) continue;
    std::set<std::string> s(v.lifecycle.ignore_changes.begin(), v.lifecycle.ignore_changes.end());
    if (v.lifecycle.ignore_all_changes) s.insert("*");
    if (!s.empty()) out[v.address.ToString()] = std::move(s);
  }
  return out;
}

/// A change about state row `inst`, filled from what the row records; callers set what
/// differs (a no-op's `after`, a forget's reason).
ResourceChange ChangeFromRow(const InstanceState& inst, Action action) {
  ResourceChange c;
  c.address = inst.address;
  c.type = inst.type;
  c.provider = inst.provider;
  c.action = action;
  c.id = inst.id;
  c.deposed_key = inst.deposed_key;
  c.before = inst.attributes;
  c.sensitive = inst.sensitive;
  c.prior_dependencies = inst.dependencies;
  return c;
}

/// A refresh-only plan's changes: one no-op per object checked (deposed objects aside),
/// with its refreshed attributes (state's when it vanished) and what refresh ignored,
/// so drift reports can list every object checked, not only the drifted ones.
std::vector<ResourceChange> CheckedObjects(
    const std::vector<InstanceState>& in_state, const std::vector<InstanceState>& refreshed,
    const std::map<std::string, std::vector<std::string>>& ignored) {
  std::unordered_map<std::string, const InstanceState*> now;
  for (const auto& inst : refreshed) {
    if (inst.deposed_key.empty()) now[inst.address.ToString()] = &inst;
  }
  std::vector<ResourceChange> out;
  for (const auto& inst : in_state) {
    if (!inst.deposed_key.empty()) continue;
    const std::string addr = inst.address.ToString();
    auto it = now.find(addr);
    const InstanceState& seen = it == now.end() ? inst : *it->second;
    ResourceChange c = ChangeFromRow(seen, Action::kNoOp);
    c.after = seen.attributes;
    c.prior_dependencies = inst.dependencies;  // what state records, not what refresh read
    auto ig = ignored.find(addr);
    if (ig != ignored.end()) c.ignored = ig->second;
    out.push_back(std::move(c));
  }
  std::sort(out.begin(), out.end(),
            [](const ResourceChange& a, const ResourceChange& b) { return a.address < b.address; });
  return out;
}

/// Sorts changes by address, then deposed key. An index is sorted and each change then
/// moved about once: swapping the large ResourceChange values inside std::sort cost more
/// than the comparisons.
void SortByAddress(std::vector<ResourceChange>& changes) {
  std::vector<uint32_t> order(changes.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<uint32_t>(i);
  std::sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) {
    const ResourceChange& a = changes[x];
    const ResourceChange& b = changes[y];
    if (auto c = a.address <=> b.address; c != 0) return c < 0;
    return a.deposed_key < b.deposed_key;
  });
  // Position p receives changes[order[p]]: follow each cycle of the permutation.
  std::vector<char> placed(order.size(), 0);
  for (size_t start = 0; start < order.size(); ++start) {
    if (placed[start] || order[start] == start) continue;
    ResourceChange held = std::move(changes[start]);
    size_t p = start;
    while (true) {
      placed[p] = 1;
      size_t q = order[p];
      if (q == start) {
        changes[p] = std::move(held);
        break;
      }
      changes[p] = std::move(changes[q]);
      p = q;
    }
  }
}

/// Identity of a state row: address and deposed key.
std::string RowKey(const InstanceState& inst) {
  return inst.address.ToString() + '\x1f' + inst.deposed_key;
}

/// Forget changes for the rows whose objects refresh found gone (in `in_state`, not in
/// `refreshed`; a failed read keeps the row in `refreshed`), unless a change already
/// replaces the row: a configured object that vanished is planned as a create, whose
/// commit overwrites it. Without these the row outlived its object: a destroy killed
/// after its DELETE and before its commit left a row no later destroy planned anything
/// for, since refresh no longer saw the object (docs/reliability.md).
void AddForgets(const std::vector<InstanceState>& in_state,
                const std::vector<InstanceState>& refreshed, std::vector<ResourceChange>& changes) {
  std::set<std::string> still;
  for (const auto& inst : refreshed) still.insert(RowKey(inst));
  std::set<std::string> planned;
  for (const auto& c : changes) {
    if (c.deposed_key.empty()) planned.insert(c.address.ToString());
  }
  for (const InstanceState& inst : in_state) {
    if (still.count(RowKey(inst))) continue;
    if (inst.deposed_key.empty() && planned.count(inst.address.ToString())) continue;
    ResourceChange c = ChangeFromRow(inst, Action::kForget);
    c.reason = "the object no longer exists";
    changes.push_back(std::move(c));
  }
}

/// Whether ApplyDefaults would change `props` (most resources set no defaulted attribute:
/// skipping it then saves a copy of the properties).
bool NeedsDefaults(const ResourceSchema& schema, const Value& props) {
  for (const auto& a : schema.attributes) {
    if (a.default_value.is_null()) continue;
    auto it = props.find(a.name);
    if (it == props.end() || it->is_null()) return true;
  }
  return !props.is_object();
}

void AttachAddress(Diagnostics& into, const Diagnostics& from, const Vertex& v,
                   const std::string& key_prefix) {
  for (auto d : from.items()) {
    if (d.address.empty()) d.address = v.name;
    if (!d.where.known()) d.where = v.where;
    if (!key_prefix.empty() && !d.key.empty()) d.key = key_prefix + d.key;
    into.Add(d);
  }
}

}  // namespace

Result<Plan> MakePlan(Workspace& ws, const PlanOptions& opts) {
  Diagnostics diags;
  const StackConfig* config = ws.config();
  if (!config && opts.mode != PlanMode::kDestroy && opts.mode != PlanMode::kRefreshOnly) {
    return Result<Plan>::Fail("planning needs the stack configuration");
  }
  auto loaded = ws.state().Load(ws.stack());
  if (!loaded.ok()) return loaded.diags();
  StackState state = std::move(loaded.value());

  Plan plan;
  plan.capstan_version = CAPSTAN_VERSION;
  plan.stack = ws.stack();
  plan.mode = opts.mode;
  plan.lineage = state.lineage;
  plan.serial = state.serial;
  plan.refreshed = opts.refresh;
  if (config) {
    plan.config_hash = config->config_hash();
    plan.variables = config->variables();
    plan.sensitive_variables = config->sensitive_variables();
  }
  for (const auto& t : opts.targets) plan.targets.push_back(t.ToString());
  for (const auto& t : opts.excludes) plan.excludes.push_back(t.ToString());

  auto journal = ws.state().OpenJournal(ws.stack());
  if (journal.ok() && !journal->empty()) {
    ws.events().OnEvent(
        Event::Of(Event::Kind::kWarning, "", "",
                  std::to_string(journal->size()) +
                      " operation(s) of an earlier run were interrupted; their objects "
                      "are looked up and adopted instead of created again"));
  }

  // 1. Refresh. Without one, the loaded instances are the prior state (moved, not
  //    copied: the planner hands each one's attributes on to its change).
  std::vector<InstanceState> prior;
  std::map<std::string, std::vector<std::string>> refresh_ignored;
  const bool refreshing = opts.refresh && !state.instances.empty();
  if (refreshing) {
    RefreshResult r = Refresh(ws, state.instances, IgnoreMap(config), opts.parallelism);
    if (r.diags.HasErrors()) return r.diags;
    diags.Append(r.diags);
    prior = std::move(r.instances);
    plan.drift = std::move(r.drift);
    refresh_ignored = std::move(r.ignored);
  }
  if (opts.mode == PlanMode::kRefreshOnly) {
    plan.changes =
        CheckedObjects(state.instances, refreshing ? prior : state.instances, refresh_ignored);
    return plan;
  }
  if (!refreshing) prior = std::move(state.instances);

  // Index current (non-deposed) prior instances by address; `configured` marks those
  // the configuration still has (the others are deleted below).
  std::unordered_map<std::string, size_t> current;
  current.reserve(prior.size());
  for (size_t i = 0; i < prior.size(); ++i) {
    if (prior[i].deposed_key.empty()) current.emplace(prior[i].address.ToString(), i);
  }
  std::vector<char> configured(prior.size(), 0);

  std::vector<ResourceChange> changes;
  if (opts.mode == PlanMode::kNormal) {
    DepGraph graph(config->vertices());
    auto order = graph.TopologicalOrder();
    if (!order.ok()) return order.diags();
    std::vector<std::vector<int>> resource_deps = graph.ResourceDependencies();
    const auto& vertices = config->vertices();
    PlannedValues values(vertices.size());
    changes.reserve(vertices.size());
    for (int vid : order.value()) {
      const Vertex& v = vertices[vid];
      auto evaluated = config->Evaluate(vid, values);
      if (!evaluated.ok()) {
        AttachAddress(diags, evaluated.diags(), v, "");
        values.Set(vid, VertexValue{Unknown(), {}, false});
        continue;
      }
      if (v.kind != VertexKind::kResource) {
        values.Set(vid, std::move(evaluated.value()));
        continue;
      }
      const std::string& addr = v.name;  // address.ToString() for resources
      auto pit = current.find(addr);
      InstanceState* prior_inst = pit == current.end() ? nullptr : &prior[pit->second];
      if (prior_inst) configured[pit->second] = 1;
      auto type = ws.GetType(v.provider, v.type);
      if (!type.ok()) {
        AttachAddress(diags, type.diags(), v, "");
        values.Set(vid, VertexValue{Unknown(), {}, false});
        continue;
      }
      const ResourceSchema& schema = type.value()->schema();
      Value props = std::move(evaluated->value);
      Diagnostics vd = ValidateProperties(schema, props);
      vd.Append(type.value()->Validate(props));
      if (vd.HasErrors()) {
        AttachAddress(diags, vd, v, "");
        values.Set(vid, VertexValue{Unknown(), {}, false});
        continue;
      }
      if (NeedsDefaults(schema, props)) props = ApplyDefaults(schema, props);
      std::set<std::string> sensitive = std::move(evaluated->sensitive);
      for (const auto& a : schema.attributes) {
        if (a.sensitive) sensitive.insert(a.name);
      }
      Value planned;
      ResourceType::ChangeReview review;
      if (prior_inst) {
        // Lend the prior attributes to the provider instead of copying them.
        ObjectState prior_obj{prior_inst->id, std::move(prior_inst->attributes)};
        planned = type.value()->PlanAttributes(props, &prior_obj);
        review = type.value()->ReviewChange(planned, prior_obj);
        prior_inst->attributes = std::move(prior_obj.attributes);
        if (review.diags.HasErrors()) {
          AttachAddress(diags, review.diags, v, "");
          values.Set(vid, VertexValue{Unknown(), {}, false});
          continue;
        }
      } else {
        planned = type.value()->PlanAttributes(props, nullptr);
      }

      DiffInput in;
      in.schema = &schema;
      in.address = v.address;
      in.provider = v.provider;
      in.consume_prior = prior_inst;
      in.planned = &planned;
      in.sensitive = sensitive;
      in.lifecycle = v.lifecycle;
      in.dependencies.reserve(resource_deps[vid].size());
      for (int d : resource_deps[vid]) in.dependencies.push_back(vertices[d].name);
      ResourceChange change = DiffInstance(std::move(in));
      change.prevent_destroy = v.lifecycle.prevent_destroy;
      if (change.reason.empty() && !review.note.empty() &&
          (change.action == Action::kUpdate || change.action == Action::kDeleteThenCreate ||
           change.action == Action::kCreateThenDelete)) {
        change.reason = std::move(review.note);
      }
      VertexValue planned_value;
      planned_value.value = change.after.is_null() ? std::move(planned) : change.after;
      planned_value.sensitive = std::move(sensitive);
      values.Set(vid, std::move(planned_value));
      changes.push_back(std::move(change));
    }

    // Root outputs.
    std::map<std::string, const OutputState*> old_outputs;
    for (const auto& o : state.outputs) old_outputs[o.name] = &o;
    for (const auto& decl : config->outputs()) {
      OutputChange oc;
      oc.name = decl.name;
      oc.sensitive = decl.sensitive;
      const VertexValue* vv = values.Get(decl.vertex);
      oc.after = vv ? vv->value : Unknown();
      if (vv && (vv->all_sensitive || !vv->sensitive.empty())) oc.sensitive = true;
      auto it = old_outputs.find(decl.name);
      if (it != old_outputs.end()) {
        oc.before = it->second->value;
        old_outputs.erase(it);
      }
      if (oc.before != oc.after) plan.outputs.push_back(std::move(oc));
    }
    for (const auto& [name, o] : old_outputs) {
      OutputChange oc;
      oc.name = name;
      oc.before = o->value;
      oc.sensitive = o->sensitive;
      oc.removed = true;
      plan.outputs.push_back(std::move(oc));
    }
  }
  if (diags.HasErrors()) return diags;

  // 2. Deletes: instances no longer configured (or everything, in destroy mode), and
  //    deposed objects left by an interrupted create_before_destroy.
  for (size_t i = 0; i < prior.size(); ++i) {
    const InstanceState& inst = prior[i];
    if (configured[i]) continue;  // its change is made (and its attributes moved) above
    DiffInput in;
    in.address = inst.address;
    in.provider = inst.provider;
    in.prior = &inst;
    in.sensitive = inst.sensitive;
    auto type = ws.GetType(inst.provider, inst.type);
    if (type.ok()) in.schema = &type.value()->schema();
    ResourceChange change = DiffInstance(in);
    if (opts.mode == PlanMode::kDestroy && inst.deposed_key.empty()) change.reason.clear();
    if (opts.mode == PlanMode::kDestroy && config) {
      int vid = config->FindResource(inst.address);
      if (vid >= 0 && config->vertices()[vid].lifecycle.prevent_destroy) {
        change.prevent_destroy = true;
      }
    }
    changes.push_back(std::move(change));
  }
  if (refreshing) AddForgets(state.instances, prior, changes);
  if (opts.mode == PlanMode::kDestroy) plan.outputs.clear();
  if (opts.mode == PlanMode::kDestroy) {
    for (const auto& o : state.outputs) {
      OutputChange oc;
      oc.name = o.name;
      oc.before = o.value;
      oc.sensitive = o.sensitive;
      oc.removed = true;
      plan.outputs.push_back(std::move(oc));
    }
  }

  // What refresh ignored (controller-owned, ignore_changes) is part of each object's story.
  for (ResourceChange& c : changes) {
    if (refresh_ignored.empty()) break;  // (no per-change address rendering for nothing)
    if (!c.deposed_key.empty()) continue;
    auto it = refresh_ignored.find(c.address.ToString());
    if (it == refresh_ignored.end()) continue;
    for (const std::string& note : it->second) {
      if (std::find(c.ignored.begin(), c.ignored.end(), note) == c.ignored.end()) {
        c.ignored.push_back(note);
      }
    }
  }
  SortByAddress(changes);
  ApplyTargeting(changes, opts);
  if (!opts.targets.empty() || !opts.excludes.empty()) {
    diags.Warning("Resource targeting is in effect",
                  "The plan may be incomplete: only the targeted resources (and what they need) "
                  "are considered. Use it for exceptional situations, not routinely.");
  }

  for (const auto& c : changes) {
    if (!c.prevent_destroy || !IsDestroying(c.action)) continue;
    std::string addr = c.address.ToString();
    SourceLocation where;
    if (config) {
      int vid = config->FindResource(c.address);
      if (vid >= 0) where = config->vertices()[vid].where;
    }
    Diagnostic& d = diags.ErrorAt(
        where, "lifecycle.prevent_destroy", "Instance cannot be destroyed: " + addr,
        "The plan would " + std::string(ActionName(c.action)) + " " + addr +
            (c.replace_because.empty()
                 ? std::string()
                 : " because " + c.replace_because.front() + " changed (it forces replacement)") +
            ", but lifecycle.prevent_destroy is set. Change the configuration, or set "
            "prevent_destroy to false if this is intended.");
    d.address = addr;
  }
  if (diags.HasErrors()) return diags;

  auto exec = BuildExecGraph(changes);
  if (!exec.ok()) return exec.diags();
  plan.changes = std::move(changes);
  plan.exec = std::move(exec.value());
  Result<Plan> out(std::move(plan));
  out.diags().Append(diags);
  return out;
}

}  // namespace capstan
