// The per-instance plan decision (see plans/diff.h for the rules).
//
/// Kept free of I/O so that the whole decision table is pinned by unit tests; the
/// planner only gathers inputs (refreshed state, planned attributes, lifecycle) and
/// collects the ResourceChanges this returns.
#include "plans/diff.h"

#include <algorithm>
#include <utility>

namespace capstan {
namespace {

/// Inputs are compared; with no schema every planned attribute counts as one.
bool IsComparedInput(const ResourceSchema* schema, const std::string& name) {
  return schema == nullptr || schema->IsInput(name);
}

bool IsControllerOwned(const ResourceSchema* schema, const std::string& name) {
  if (schema == nullptr) return false;
  const auto& owned = schema->controller_owned;
  return std::find(owned.begin(), owned.end(), name) != owned.end();
}

/// Set by the provider and never by the user: unknown again when the object is replaced.
bool IsComputedOnly(const AttrSchema& a) { return a.computed && !a.required && !a.optional; }

Value AsObject(const Value* v) {
  if (v != nullptr && v->is_object()) return *v;
  return Value::object();
}

/// The value of `name` in the object `obj`, or null when absent (no copy).
const Value& Member(const Value& obj, const std::string& name) {
  static const Value kNull;
  auto it = obj.find(name);
  return it == obj.end() ? kNull : *it;
}

std::string IgnoreNote(const std::string& attr, const Lifecycle& lc) {
  return attr + (lc.ignore_all_changes ? " (lifecycle.ignore_changes = all)"
                                       : " (lifecycle.ignore_changes)");
}

ResourceChange Skeleton(DiffInput& in) {
  ResourceChange c;
  c.type = in.address.type;
  c.address = std::move(in.address);
  c.provider = std::move(in.provider);
  c.dependencies = std::move(in.dependencies);
  c.create_before_destroy = in.lifecycle.create_before_destroy;
  c.prevent_destroy = in.lifecycle.prevent_destroy;
  c.sensitive = std::move(in.sensitive);
  if (in.schema != nullptr) {
    for (const AttrSchema& a : in.schema->attributes) {
      if (a.sensitive) c.sensitive.insert(a.name);
    }
  }
  if (in.consume_prior != nullptr) in.prior = in.consume_prior;
  if (in.prior != nullptr) {
    c.id = in.prior->id;
    c.sensitive.insert(in.prior->sensitive.begin(), in.prior->sensitive.end());
    if (in.consume_prior != nullptr) {
      if (in.consume_prior->attributes.is_object()) {
        c.before = std::move(in.consume_prior->attributes);
      } else {
        c.before = Value::object();
      }
      c.prior_dependencies = std::move(in.consume_prior->dependencies);
    } else {
      c.before = AsObject(&in.prior->attributes);
      c.prior_dependencies = in.prior->dependencies;
    }
  }
  return c;
}

/// Computed attributes the planner could not predict are shown as "(known after apply)".
void MarkComputedUnknown(const ResourceSchema* schema, bool only_computed_only, Value& after) {
  if (schema == nullptr) return;
  for (const AttrSchema& a : schema->attributes) {
    if (!a.computed) continue;
    if (only_computed_only) {
      if (IsComputedOnly(a)) after[a.name] = Unknown();
    } else if (!after.contains(a.name) || after[a.name].is_null()) {
      after[a.name] = Unknown();
    }
  }
}

void PlanCreate(const DiffInput& in, ResourceChange& c) {
  c.action = Action::kCreate;
  c.after = AsObject(in.planned);
  MarkComputedUnknown(in.schema, /*only_computed_only=*/false, c.after);
  c.attributes = DiffAttributes(c.before, c.after, c.sensitive);
}

void PlanDelete(ResourceChange& c, std::string reason) {
  c.action = Action::kDelete;
  c.after = Value();
  c.reason = std::move(reason);
  c.attributes = DiffAttributes(c.before, c.after, c.sensitive);
}

/// Prior object and configuration both exist: update, replace or nothing.
void PlanExisting(const DiffInput& in, ResourceChange& c) {
  c.after = c.before;
  bool differs = false;
  for (const auto& [name, value] : in.planned->items()) {
    if (!IsComparedInput(in.schema, name)) continue;
    if (Member(c.before, name) == value && !ContainsUnknown(value)) continue;
    if (IsControllerOwned(in.schema, name)) {
      // A controller (CAPI, OCCM) sets it after capstan; "undoing" that would fight it.
      c.ignored.push_back(name + " (controller-owned)");
      continue;
    }
    if (in.lifecycle.Ignores(name)) {
      c.ignored.push_back(IgnoreNote(name, in.lifecycle));
      continue;
    }
    differs = true;
    c.after[name] = value;
    const AttrSchema* a = in.schema != nullptr ? in.schema->Find(name) : nullptr;
    if (a != nullptr && a->force_new) c.replace_because.push_back(name);
  }

  const bool tainted = in.prior->status == InstanceStatus::kTainted;
  if (tainted || !c.replace_because.empty()) {
    c.action =
        in.lifecycle.create_before_destroy ? Action::kCreateThenDelete : Action::kDeleteThenCreate;
    if (tainted) c.reason = "tainted";
    MarkComputedUnknown(in.schema, /*only_computed_only=*/true, c.after);
  } else {
    c.action = differs ? Action::kUpdate : Action::kNoOp;
  }
  c.attributes = DiffAttributes(c.before, c.after, c.sensitive);
  for (AttributeChange& ac : c.attributes) {
    for (const std::string& r : c.replace_because) {
      if (ac.path == r) ac.forces_replacement = true;
    }
  }
}

}  // namespace

ResourceChange DiffInstance(DiffInput in) {
  ResourceChange c = Skeleton(in);
  if (in.prior != nullptr && in.prior->status == InstanceStatus::kDeposed) {
    c.deposed_key = in.prior->deposed_key;
    c.create_before_destroy = in.prior->create_before_destroy;
    c.dependencies.clear();  // The deposed object is not part of the new configuration.
    PlanDelete(c, "deposed object");
    return c;
  }
  if (in.prior == nullptr && in.planned == nullptr) return c;  // Nothing to do.
  if (in.prior == nullptr) {
    PlanCreate(in, c);
  } else if (in.planned == nullptr) {
    PlanDelete(c, "removed from configuration");
  } else {
    PlanExisting(in, c);
  }
  return c;
}

std::vector<AttributeChange> DiffAttributes(const Value& before, const Value& after,
                                            const std::set<std::string>& sensitive) {
  static const Value kEmpty = Value::object();
  const Value& b = before.is_object() ? before : kEmpty;
  const Value& a = after.is_object() ? after : kEmpty;
  static const Value kNull;
  std::vector<AttributeChange> out;
  auto bi = b.begin();
  auto ai = a.begin();
  // Both objects iterate in sorted key order: a linear merge visits the union once.
  // Values are compared in place and copied only into the changes kept.
  while (bi != b.end() || ai != a.end()) {
    const std::string* key;
    const Value* bv = &kNull;
    const Value* av = &kNull;
    if (ai == a.end() || (bi != b.end() && bi.key() < ai.key())) {
      key = &bi.key();
      bv = &bi.value();
      ++bi;
    } else if (bi == b.end() || ai.key() < bi.key()) {
      key = &ai.key();
      av = &ai.value();
      ++ai;
    } else {
      key = &ai.key();
      bv = &bi.value();
      av = &ai.value();
      ++ai;
      ++bi;
    }
    if (*bv == *av && !ContainsUnknown(*av)) continue;
    AttributeChange ch;
    ch.path = *key;
    ch.before = *bv;
    ch.after = *av;
    ch.sensitive = sensitive.count(ch.path) > 0;
    out.push_back(std::move(ch));
  }
  return out;
}

bool IsOutputChanged(const OutputChange& o) {
  return o.removed || o.before != o.after || ContainsUnknown(o.after);
}

}  // namespace capstan
