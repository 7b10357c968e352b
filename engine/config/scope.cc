// Name resolution: what var.x, local.x, each.key, net.id and module.m.out mean.
//
/// The same resolver serves load time (no vertex values: resources are unknown and the
/// reference is remembered so for_each can say what it depended on) and plan/apply time
/// (vertex values from a ValueSource). Sensitivity is decided here, where it is known
/// which attribute of which vertex was read.
#include <algorithm>

#include "engine/config/stack_impl.h"

namespace capstan {
namespace {

constexpr int kMaxLocalDepth = 64;

std::vector<std::string> Keys(const auto& map) {
  std::vector<std::string> out;
  for (const auto& kv : map) out.push_back(kv.first);
  return out;
}

std::vector<std::string> JsonKeys(const Value& obj) {
  std::vector<std::string> out;
  for (auto it = obj.begin(); it != obj.end(); ++it) out.push_back(it.key());
  return out;
}

}  // namespace

std::string KeyText(const Value& key) {
  if (key.is_string()) return key.get<std::string>();
  if (key.is_number_integer()) return std::to_string(key.get<int64_t>());
  if (key.is_number()) {
    double d = key.get<double>();
    if (d == static_cast<double>(static_cast<int64_t>(d))) {
      return std::to_string(static_cast<int64_t>(d));
    }
  }
  return key.dump();
}

InstanceKey ToInstanceKey(const Value& key) {
  if (key.is_string()) return key.get<std::string>();
  if (key.is_number()) return static_cast<int64_t>(key.get<double>());
  return std::monostate{};
}

Diagnostics Scope::Err(const Expr& t, const std::string& summary, const std::string& detail) {
  Diagnostics d;
  d.ErrorAt(t.pos.Location(), t.pos.KeyPath(), summary, detail);
  return d;
}

void Scope::Defer(const std::string& ref) {
  if (deferred_ && deferred_->empty()) *deferred_ = ref;
}

Evaluated Scope::VertexVal(int vertex, const std::string& ref, const std::string* attr) {
  if (!values_) {
    Defer(ref);
    return {Unknown(), false};
  }
  const VertexValue* vv = values_->Get(vertex);
  if (!vv) return {Unknown(), false};
  bool sensitive = vv->all_sensitive || stack_.vertices_[vertex].sensitive;
  if (attr) {
    sensitive |= vv->sensitive.count(*attr) > 0;
  } else {
    sensitive |= !vv->sensitive.empty();
  }
  return {vv->value, sensitive};
}

Result<Evaluated> Scope::Resolve(const Expr& t, size_t* consumed) {
  *consumed = 0;
  const std::string& root = t.name;
  auto attr0 = [&]() -> const std::string* {
    if (t.steps.empty() || t.steps[0].kind != StepKind::kAttr) return nullptr;
    return &t.steps[0].name;
  };
  if (root == "var") return Var(t, consumed);
  if (root == "local") {
    const std::string* name = attr0();
    if (!name) return Err(t, "Expected local.NAME");
    auto it = mod_->def->locals.find(*name);
    if (it == mod_->def->locals.end()) {
      return Err(t, "Reference to undeclared local \"" + *name + "\"",
                 DidYouMean(*name, Keys(mod_->def->locals)));
    }
    if (depth_ > kMaxLocalDepth) return Err(t, "Locals refer to each other in a cycle");
    *consumed = 1;
    Scope inner(stack_, mod_, nullptr, values_, deferred_, depth_ + 1);
    return EvalExpr(it->second, inner);
  }
  if (root == "each") {
    const std::string* name = attr0();
    if (!each_ || each_->mode != ExpandMode::kForEach) {
      return Err(t, "\"each\" is only available in a resource or module with for_each");
    }
    if (!name || (*name != "key" && *name != "value"))
      return Err(t, "Expected each.key or each.value");
    *consumed = 1;
    return Evaluated{*name == "key" ? each_->key : each_->value, false};
  }
  if (root == "count") {
    const std::string* name = attr0();
    if (!each_ || each_->mode != ExpandMode::kCount) {
      return Err(t, "\"count.index\" is only available in a resource or module with count");
    }
    if (!name || *name != "index") return Err(t, "Expected count.index");
    *consumed = 1;
    return Evaluated{each_->key, false};
  }
  if (root == "path") {
    const std::string* name = attr0();
    *consumed = 1;
    if (name && *name == "module") return Evaluated{mod_->def->dir, false};
    if (name && *name == "root") return Evaluated{stack_.root_dir_, false};
    return Err(t, "Expected path.module or path.root");
  }
  if (root == "module") return Module(t, consumed);
  if (root == "self" || root == "data") {
    return Err(t, "\"" + root + "\" is reserved and cannot be used in expressions yet");
  }
  auto it = mod_->resources.find(root);
  if (it == mod_->resources.end()) {
    std::vector<std::string> names = Keys(mod_->resources);
    for (const char* k : {"var", "local", "module", "each", "count", "path"}) names.push_back(k);
    return Err(t, "Reference to undeclared resource \"" + root + "\"",
               "Names refer to resources of the same module; other roots are var., local., "
               "module., each., count. and path.." +
                   DidYouMean(root, names));
  }
  return Resource(t, it->second, consumed);
}

Result<Evaluated> Scope::Var(const Expr& t, size_t* consumed) {
  if (t.steps.empty() || t.steps[0].kind != StepKind::kAttr) return Err(t, "Expected var.NAME");
  const std::string& name = t.steps[0].name;
  *consumed = 1;
  if (!mod_->parent) {
    auto it = stack_.vars_.values.find(name);
    if (it == stack_.vars_.values.end()) {
      return Err(t, "Reference to undeclared variable \"" + name + "\"",
                 DidYouMean(name, Keys(mod_->def->variables)));
    }
    return Evaluated{it->second, stack_.vars_.sensitive.count(name) > 0};
  }
  auto it = mod_->vars.find(name);
  if (it == mod_->vars.end()) {
    return Err(t, "Reference to undeclared variable \"" + name + "\"",
               DidYouMean(name, Keys(mod_->def->variables)));
  }
  const VarSlot& slot = it->second;
  if (values_ && slot.vertex >= 0) {
    if (const VertexValue* vv = values_->Get(slot.vertex)) {
      return Evaluated{vv->value, vv->all_sensitive || slot.decl->sensitive};
    }
  }
  if (slot.known_at_load) return Evaluated{slot.load_value, slot.decl->sensitive};
  Defer(slot.deferred.empty() ? t.text : slot.deferred);
  return Evaluated{Unknown(), slot.decl->sensitive};
}

Result<Evaluated> Scope::Resource(const Expr& t, const ResInfo& r, size_t* consumed) {
  const std::string& name = r.decl->name;
  auto attr_of = [&](size_t i) -> const std::string* {
    if (i >= t.steps.size() || t.steps[i].kind != StepKind::kAttr) return nullptr;
    return &t.steps[i].name;
  };
  // One instance, then optionally one attribute at steps[at].
  auto instance = [&](int vertex, size_t at) -> Result<Evaluated> {
    const std::string* attr = attr_of(at);
    Evaluated obj = VertexVal(vertex, t.text, attr);
    if (!attr) {
      *consumed = at;
      return obj;
    }
    *consumed = at + 1;
    if (IsUnknown(obj.value)) return obj;
    if (!obj.value.is_object() || !obj.value.contains(*attr)) {
      return Err(t, stack_.vertices_[vertex].name + " has no attribute \"" + *attr + "\"",
                 obj.value.is_object() ? DidYouMean(*attr, JsonKeys(obj.value)) : "");
    }
    return Evaluated{obj.value[*attr], obj.sensitive};
  };
  if (r.mode == ExpandMode::kSingle) {
    if (!t.steps.empty() && t.steps[0].kind != StepKind::kAttr) {
      return Err(t,
                 "Resource \"" + name + "\" has neither count nor for_each and cannot be indexed",
                 "Refer to it as " + name + ".ATTRIBUTE.");
    }
    return instance(r.instances.at(0).second, 0);
  }
  if (t.steps.empty()) {  // The whole collection.
    Evaluated out{r.mode == ExpandMode::kCount ? Value::array() : Value::object(), false};
    for (const auto& [key, vertex] : r.instances) {
      Evaluated v = VertexVal(vertex, t.text, nullptr);
      out.sensitive |= v.sensitive;
      if (r.mode == ExpandMode::kCount) {
        out.value.push_back(std::move(v.value));
      } else {
        out.value[KeyText(key)] = std::move(v.value);
      }
    }
    return out;
  }
  const Step& s = t.steps[0];
  if (s.kind == StepKind::kAttr) {
    return Err(t,
               "Resource \"" + name + "\" has " +
                   (r.mode == ExpandMode::kCount ? "count" : "for_each") + "; pick an instance",
               "Use " + name + "[KEY]." + s.name + " for one instance or " + name + "[*]." +
                   s.name + " for all of them.");
  }
  if (s.kind == StepKind::kSplat) {
    Evaluated out{Value::array(), false};
    const std::string* attr = attr_of(1);
    for (const auto& [key, vertex] : r.instances) {
      auto v = instance(vertex, 1);
      if (!v.ok()) return v;
      out.sensitive |= v->sensitive;
      out.value.push_back(std::move(v->value));
    }
    *consumed = attr ? 2 : 1;
    return out;
  }
  auto k = EvalExpr(s.index, *this);
  if (!k.ok()) return k;
  if (IsUnknown(k->value)) {
    *consumed = t.steps.size();
    return Evaluated{Unknown(), k->sensitive};
  }
  auto it = r.by_key.find(KeyText(k->value));
  if (it == r.by_key.end()) {
    return Err(t, "Resource \"" + name + "\" has no instance [" + RenderValue(k->value) + "]");
  }
  auto v = instance(it->second, 1);
  if (v.ok()) v->sensitive |= k->sensitive;
  return v;
}

Result<Evaluated> Scope::Module(const Expr& t, size_t* consumed) {
  if (t.steps.empty() || t.steps[0].kind != StepKind::kAttr) return Err(t, "Expected module.NAME");
  const std::string& name = t.steps[0].name;
  auto it = mod_->calls.find(name);
  if (it == mod_->calls.end()) {
    return Err(t, "Reference to undeclared module \"" + name + "\"",
               DidYouMean(name, Keys(mod_->calls)));
  }
  const CallInfo& call = it->second;
  // Output `out` (or all outputs as an object) of one instance; steps[at] names the output.
  auto outputs = [&](const ModuleInst* inst, size_t at) -> Result<Evaluated> {
    if (at < t.steps.size() && t.steps[at].kind == StepKind::kAttr) {
      const std::string& out = t.steps[at].name;
      auto o = inst->outputs.find(out);
      if (o == inst->outputs.end()) {
        return Err(t, "Module \"" + name + "\" has no output \"" + out + "\"",
                   DidYouMean(out, Keys(call.decl->def->outputs)));
      }
      *consumed = at + 1;
      return VertexVal(o->second, t.text, nullptr);
    }
    *consumed = at;
    Evaluated all{Value::object(), false};
    for (const auto& [out, vertex] : inst->outputs) {
      Evaluated v = VertexVal(vertex, t.text, nullptr);
      all.sensitive |= v.sensitive;
      all.value[out] = std::move(v.value);
    }
    return all;
  };
  if (call.mode == ExpandMode::kSingle) {
    if (t.steps.size() > 1 && t.steps[1].kind != StepKind::kAttr) {
      return Err(t, "Module \"" + name + "\" has neither count nor for_each and cannot be indexed");
    }
    return outputs(call.instances.at(0).second, 1);
  }
  if (t.steps.size() == 1) {
    Evaluated out{call.mode == ExpandMode::kCount ? Value::array() : Value::object(), false};
    for (const auto& [key, inst] : call.instances) {
      auto v = outputs(inst, 1);
      if (!v.ok()) return v;
      out.sensitive |= v->sensitive;
      if (call.mode == ExpandMode::kCount) {
        out.value.push_back(std::move(v->value));
      } else {
        out.value[KeyText(key)] = std::move(v->value);
      }
    }
    *consumed = 1;
    return out;
  }
  const Step& s = t.steps[1];
  if (s.kind == StepKind::kAttr) {
    return Err(
        t,
        "Module \"" + name + "\" has " + (call.mode == ExpandMode::kCount ? "count" : "for_each") +
            "; pick an instance",
        "Use module." + name + "[KEY]." + s.name + " or module." + name + "[*]." + s.name + ".");
  }
  if (s.kind == StepKind::kSplat) {
    Evaluated out{Value::array(), false};
    for (const auto& [key, inst] : call.instances) {
      auto v = outputs(inst, 2);
      if (!v.ok()) return v;
      out.sensitive |= v->sensitive;
      out.value.push_back(std::move(v->value));
    }
    *consumed = t.steps.size() > 2 && t.steps[2].kind == StepKind::kAttr ? 3 : 2;
    return out;
  }
  auto k = EvalExpr(s.index, *this);
  if (!k.ok()) return k;
  if (IsUnknown(k->value)) {
    *consumed = t.steps.size();
    return Evaluated{Unknown(), k->sensitive};
  }
  auto inst = call.by_key.find(KeyText(k->value));
  if (inst == call.by_key.end()) {
    return Err(t, "Module \"" + name + "\" has no instance [" + RenderValue(k->value) + "]");
  }
  return outputs(inst->second, 2);
}

}  // namespace capstan
