// Expansion: count/for_each on resources and modules, into vertices.
//
/// for_each and count are evaluated here, at load, in the scope of the module instance
/// that declares them: variables, locals, and module inputs that are themselves known at
/// load. When they depend on something known only after apply the error names that
/// reference, so the user knows what to move into a variable.
#include "engine/config/stack_impl.h"

namespace capstan {
namespace {

constexpr size_t kMaxModuleNesting = 32;

class Expander {
 public:
  Expander(StackImpl* s, Diagnostics* d) : s_(s), diags_(d) {}

  void ExpandModule(ModuleInst* mod) {
    for (const auto& [name, decl] : mod->def->resources) ExpandResource(mod, decl);
    for (const auto& [name, call] : mod->def->modules) ExpandCall(mod, call);
    for (const auto& [name, out] : mod->def->outputs) {
      Vertex v;
      v.kind = mod->parent ? VertexKind::kModuleOutput : VertexKind::kOutput;
      v.address.module = mod->path;
      v.address.name = name;
      v.name = mod->prefix + "output." + name;
      v.sensitive = out.sensitive;
      v.where = out.pos.Location();
      VertexInfo info;
      info.mod = mod;
      info.out = &out;
      int id = AddVertex(std::move(v), std::move(info));
      mod->outputs[name] = id;
      if (!mod->parent) s_->outputs_.push_back({id, name, out.sensitive, out.description});
    }
  }

 private:
  int AddVertex(Vertex v, VertexInfo info) {
    v.id = static_cast<int>(s_->vertices_.size());
    s_->vertices_.push_back(std::move(v));
    s_->info_.push_back(std::move(info));
    return s_->vertices_.back().id;
  }

  /// Evaluates for_each/count at load into (key, each.value) pairs.
  bool Expansion(const ModuleInst* mod, const ExprPtr& for_each, const ExprPtr& count,
                 ExpandMode* mode, std::vector<std::pair<Value, Value>>* keys) {
    *mode = ExpandMode::kSingle;
    if (!for_each && !count) {
      keys->emplace_back(nullptr, nullptr);
      return true;
    }
    const ExprPtr& e = for_each ? for_each : count;
    const char* what = for_each ? "for_each" : "count";
    std::string deferred;
    Scope scope(*s_, mod, nullptr, nullptr, &deferred);
    auto v = EvalExpr(e, scope);
    if (!v.ok()) {
      diags_->Append(v.diags());
      return false;
    }
    auto fail = [&](const std::string& summary, const std::string& detail = {}) {
      diags_->ErrorAt(e->pos.Location(), e->pos.KeyPath(), summary, detail);
      return false;
    };
    if (ContainsUnknown(v->value)) {
      return fail(std::string(what) + " must be known before apply; it refers to " +
                      (deferred.empty() ? "a value known only after apply" : deferred),
                  std::string(what) +
                      " may use variables, locals, module inputs known at load and literals, "
                      "not resource attributes.");
    }
    if (count) {
      *mode = ExpandMode::kCount;
      const Value& c = v->value;
      bool integral =
          c.is_number_integer() || c.is_number_unsigned() ||
          (c.is_number_float() && c.get<double>() == static_cast<int64_t>(c.get<double>()));
      if (!integral || c.get<double>() < 0) {
        return fail("count must be a non-negative integer, got " + RenderValue(c));
      }
      int64_t n = static_cast<int64_t>(c.get<double>());
      for (int64_t i = 0; i < n; ++i) keys->emplace_back(i, i);
      return true;
    }
    *mode = ExpandMode::kForEach;
    const Value& f = v->value;
    if (f.is_array()) {
      std::set<std::string> seen;
      for (const auto& item : f) {
        std::string key, why;
        if (!item.is_string() && !TemplateString(item, &key, &why)) {
          return fail("for_each over a list needs strings, got a " + ValueTypeName(item));
        }
        if (item.is_string()) key = item.get<std::string>();
        if (!seen.insert(key).second) return fail("for_each has the key \"" + key + "\" twice");
        keys->emplace_back(key, key);
      }
      std::sort(keys->begin(), keys->end());
      return true;
    }
    if (f.is_object()) {
      for (auto it = f.begin(); it != f.end(); ++it) keys->emplace_back(it.key(), it.value());
      return true;
    }
    return fail("for_each must be a list of strings or a map, got " + ValueTypeName(f));
  }

  bool LoadBool(const ModuleInst* mod, const EachCtx* each, const ExprPtr& e, bool* out) {
    if (!e) return true;
    Scope scope(*s_, mod, each, nullptr);
    auto v = EvalExpr(e, scope);
    if (!v.ok()) {
      diags_->Append(v.diags());
      return false;
    }
    if (!v->value.is_boolean()) {
      diags_->ErrorAt(e->pos.Location(), e->pos.KeyPath(),
                      "Expected a bool known at load, got " + RenderValue(v->value));
      return false;
    }
    *out = v->value.get<bool>();
    return true;
  }

  void ExpandResource(ModuleInst* mod, const ResourceDecl& decl) {
    ResInfo& info = mod->resources[decl.name];
    info.decl = &decl;
    std::vector<std::pair<Value, Value>> keys;
    if (!Expansion(mod, decl.for_each, decl.count, &info.mode, &keys)) keys.clear();
    for (auto& [key, value] : keys) {
      Vertex v;
      v.kind = VertexKind::kResource;
      v.address.module = mod->path;
      v.address.type = decl.type;
      v.address.name = decl.name;
      v.address.key = ToInstanceKey(key);
      v.name = v.address.ToString();
      v.type = decl.type;
      v.provider = decl.provider;
      v.where = decl.pos.Location();
      VertexInfo vi;
      vi.mod = mod;
      vi.each = EachCtx{info.mode, key, value};
      vi.res = &decl;
      LoadBool(mod, &vi.each, decl.prevent_destroy, &v.lifecycle.prevent_destroy);
      LoadBool(mod, &vi.each, decl.create_before_destroy, &v.lifecycle.create_before_destroy);
      for (const auto& ic : decl.ignore_changes) {
        if (ic == "all") {
          v.lifecycle.ignore_all_changes = true;
        } else {
          v.lifecycle.ignore_changes.push_back(ic);
        }
      }
      std::string addr = v.name;
      int id = AddVertex(std::move(v), std::move(vi));
      s_->by_address_[addr] = id;
      info.instances.emplace_back(key, id);
      info.by_key[KeyText(key)] = id;
      mod->all_resources.push_back(id);
    }
  }

  void ExpandCall(ModuleInst* mod, const ModuleCallDecl& decl) {
    CallInfo& info = mod->calls[decl.name];
    info.decl = &decl;
    if (!decl.def) return;  // Loading the module failed; already reported.
    if (mod->path.size() >= kMaxModuleNesting) {
      diags_->ErrorAt(decl.pos.Location(), decl.pos.KeyPath(),
                      "Modules nest deeper than " + std::to_string(kMaxModuleNesting) + " levels",
                      "Does module \"" + decl.name + "\" use itself?");
      return;
    }
    std::vector<std::pair<Value, Value>> keys;
    if (!Expansion(mod, decl.for_each, decl.count, &info.mode, &keys)) keys.clear();
    for (const auto& [in, expr] : decl.inputs) {
      if (!decl.def->variables.count(in)) {
        std::vector<std::string> names;
        for (const auto& kv : decl.def->variables) names.push_back(kv.first);
        diags_->ErrorAt(expr->pos.Location(), expr->pos.KeyPath(),
                        "Module \"" + decl.name + "\" has no variable \"" + in + "\"",
                        DidYouMean(in, names));
      }
    }
    for (auto& [key, value] : keys) {
      auto child = std::make_unique<ModuleInst>();
      ModuleInst* c = child.get();
      s_->insts_.push_back(std::move(child));
      c->path = mod->path;
      c->path.push_back(ModuleStep{decl.name, ToInstanceKey(key)});
      c->prefix = mod->prefix + "module." + decl.name + KeyToString(ToInstanceKey(key)) + ".";
      c->def = decl.def;
      c->parent = mod;
      c->call = &decl;
      c->call_each = EachCtx{info.mode, key, value};
      for (const auto& [name, var] : decl.def->variables) AddModuleVar(mod, c, var);
      ExpandModule(c);
      info.instances.emplace_back(key, c);
      info.by_key[KeyText(key)] = c;
      info.all_resources.insert(info.all_resources.end(), c->all_resources.begin(),
                                c->all_resources.end());
      mod->all_resources.insert(mod->all_resources.end(), c->all_resources.begin(),
                                c->all_resources.end());
    }
  }

  void AddModuleVar(ModuleInst* caller, ModuleInst* c, const VarDecl& var) {
    VarSlot& slot = c->vars[var.name];
    slot.decl = &var;
    Vertex v;
    v.kind = VertexKind::kModuleVariable;
    v.address.module = c->path;
    v.address.name = var.name;
    v.name = c->prefix + "var." + var.name;
    v.sensitive = var.sensitive;
    v.where = var.pos.Location();
    auto input = c->call->inputs.find(var.name);
    if (input != c->call->inputs.end()) {
      v.where = input->second->pos.Location();
      Scope scope(*s_, caller, &c->call_each, nullptr, &slot.deferred);
      auto r = EvalExpr(input->second, scope);
      if (r.ok() && !ContainsUnknown(r->value)) {
        std::string why;
        if (!CoerceToType(var.type, &r->value, &why)) {
          diags_->ErrorAt(input->second->pos.Location(), input->second->pos.KeyPath(),
                          "Input \"" + var.name + "\" of module \"" + c->call->name + "\" " + why);
        }
        slot.known_at_load = true;
        slot.load_value = r->value;
      }
    } else if (var.default_value) {
      slot.known_at_load = true;
      slot.load_value = *var.default_value;
    } else {
      diags_->ErrorAt(c->call->pos.Location(), c->call->pos.KeyPath() + ".inputs",
                      "Module \"" + c->call->name + "\" requires input \"" + var.name + "\"",
                      "The module declares variable \"" + var.name + "\" without a default.");
    }
    VertexInfo vi;
    vi.mod = c;
    vi.var = &var;
    vi.each = c->call_each;
    slot.vertex = AddVertex(std::move(v), std::move(vi));
  }

  StackImpl* s_;
  Diagnostics* diags_;
};

}  // namespace

void ExpandStack(StackImpl* stack, const ModuleDef& root, Diagnostics* diags) {
  auto inst = std::make_unique<ModuleInst>();
  inst->def = &root;
  ModuleInst* r = inst.get();
  stack->insts_.push_back(std::move(inst));
  Expander(stack, diags).ExpandModule(r);
}

}  // namespace capstan
