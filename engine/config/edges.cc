// Reference checking and dependency edges.
//
/// Walks every expression of every vertex once, checks that each name it uses exists
/// (with a "did you mean" hint when not) and records an edge to every vertex it reads,
/// labelled with the key that made it ("properties.cidr", "inputs.net_id", ...). An
/// index known at load (`subnet[each.key]`) narrows the edge to that one instance.
#include <algorithm>
#include <set>

#include "engine/config/stack_impl.h"

namespace capstan {
namespace {

std::vector<std::string> Names(const auto& map) {
  std::vector<std::string> out;
  for (const auto& kv : map) out.push_back(kv.first);
  return out;
}

class EdgeBuilder {
 public:
  EdgeBuilder(StackImpl* s, Diagnostics* d) : s_(s), diags_(d) {}

  void Build() {
    for (size_t id = 0; id < s_->vertices_.size(); ++id) {
      deps_.clear();
      const VertexInfo& vi = s_->info_[id];
      const ModuleInst* mod = vi.mod;
      if (vi.res) {
        const ResourceDecl& r = *vi.res;
        for (const auto& [name, e] : r.properties) {
          Collect(e, mod, &vi.each, "properties." + name, false);
        }
        for (const auto& d : r.depends_on) Collect(d.ref, mod, &vi.each, "depends_on", true);
        Collect(r.for_each, mod, nullptr, "for_each", false);
        Collect(r.count, mod, nullptr, "count", false);
        Collect(r.prevent_destroy, mod, &vi.each, "lifecycle.prevent_destroy", false);
        Collect(r.create_before_destroy, mod, &vi.each, "lifecycle.create_before_destroy", false);
        // depends_on of every enclosing module call applies to everything inside it.
        for (const ModuleInst* m = mod; m->parent; m = m->parent) {
          for (const auto& d : m->call->depends_on) {
            Collect(d.ref, m->parent, &m->call_each, "depends_on", true);
          }
        }
      } else if (vi.var) {
        const ModuleCallDecl& call = *mod->call;
        auto in = call.inputs.find(vi.var->name);
        if (in != call.inputs.end()) {
          Collect(in->second, mod->parent, &mod->call_each, "inputs." + vi.var->name, false);
        }
        Collect(call.for_each, mod->parent, nullptr, "for_each", false);
        Collect(call.count, mod->parent, nullptr, "count", false);
      } else if (vi.out) {
        Collect(vi.out->value, mod, nullptr, "value", false);
      }
      auto& deps = s_->vertices_[id].deps;
      for (const auto& [to, via] : deps_) deps.push_back(DepEdge{to, via});
    }
    // Locals are checked once per module instance, used or not.
    for (const auto& inst : s_->insts_) {
      deps_.clear();
      for (const auto& [name, e] : inst->def->locals) {
        local_stack_ = {name};
        Collect(e, inst.get(), nullptr, "locals." + name, false);
        local_stack_.clear();
      }
    }
  }

 private:
  void Collect(const ExprPtr& e, const ModuleInst* mod, const EachCtx* each, const std::string& via,
               bool depends_on) {
    VisitExpr(e, [&](const Expr& node) {
      if (node.kind == ExprKind::kTraversal && !node.name.empty()) {
        Ref(node, mod, each, via, depends_on);
      } else if (node.kind == ExprKind::kCall && !IsFunction(node.name)) {
        Error(node, "Call to unknown function \"" + node.name + "\"",
              DidYouMean(node.name, FunctionNames()));
      }
    });
  }

  void Edge(int to, const std::string& via) { deps_.emplace(to, via); }

  void Error(const Expr& t, const std::string& summary, const std::string& detail = {}) {
    Diagnostic d;
    d.where = t.pos.Location();
    d.key = t.pos.KeyPath();
    d.summary = summary;
    d.detail = detail;
    if (reported_.insert(d.ToString()).second) diags_->Add(std::move(d));
  }

  const std::string* Attr(const Expr& t, size_t i) {
    if (i >= t.steps.size() || t.steps[i].kind != StepKind::kAttr) return nullptr;
    return &t.steps[i].name;
  }

  /// The instance key of an index step, when it is known at load.
  bool KnownKey(const Step& s, const ModuleInst* mod, const EachCtx* each, std::string* key) {
    if (s.kind != StepKind::kIndex) return false;
    Scope scope(*s_, mod, each, nullptr);
    auto v = EvalExpr(s.index, scope);
    if (!v.ok() || ContainsUnknown(v->value)) return false;
    *key = KeyText(v->value);
    return true;
  }

  void NotInLocal(const Expr& t, const std::string& what) {
    Error(t, "Local \"" + local_stack_.front() + "\" refers to " + what,
          "Locals may use variables, other locals and functions, not resources or modules.");
  }

  void Ref(const Expr& t, const ModuleInst* mod, const EachCtx* each, const std::string& via,
           bool depends_on) {
    const std::string& root = t.name;
    if (root == "var") {
      const std::string* name = Attr(t, 0);
      if (!name) return Error(t, "Expected var.NAME");
      if (!mod->def->variables.count(*name)) {
        return Error(t, "Reference to undeclared variable \"" + *name + "\"",
                     DidYouMean(*name, Names(mod->def->variables)));
      }
      if (mod->parent) Edge(mod->vars.at(*name).vertex, via);
      return;
    }
    if (root == "local") {
      const std::string* name = Attr(t, 0);
      if (!name) return Error(t, "Expected local.NAME");
      auto it = mod->def->locals.find(*name);
      if (it == mod->def->locals.end()) {
        return Error(t, "Reference to undeclared local \"" + *name + "\"",
                     DidYouMean(*name, Names(mod->def->locals)));
      }
      if (std::find(local_stack_.begin(), local_stack_.end(), *name) != local_stack_.end()) {
        return Error(t, "Local \"" + *name + "\" refers to itself through other locals");
      }
      local_stack_.push_back(*name);
      Collect(it->second, mod, nullptr, via, false);
      local_stack_.pop_back();
      return;
    }
    if (root == "each" || root == "count") {
      bool each_ok = each && each->mode == ExpandMode::kForEach;
      bool count_ok = each && each->mode == ExpandMode::kCount;
      const std::string* name = Attr(t, 0);
      if (root == "each" && !each_ok) {
        return Error(t, "\"each\" is only available in a resource or module with for_each");
      }
      if (root == "count" && !count_ok) {
        return Error(t, "\"count.index\" is only available in a resource or module with count");
      }
      if (root == "each" && (!name || (*name != "key" && *name != "value"))) {
        return Error(t, "Expected each.key or each.value");
      }
      if (root == "count" && (!name || *name != "index")) return Error(t, "Expected count.index");
      return;
    }
    if (root == "path") {
      const std::string* name = Attr(t, 0);
      if (!name || (*name != "module" && *name != "root")) {
        Error(t, "Expected path.module or path.root");
      }
      return;
    }
    if (root == "self" || root == "data") {
      return Error(t, "\"" + root + "\" is reserved and cannot be used in expressions yet");
    }
    if (root == "module") return ModuleRef(t, mod, each, via, depends_on);
    auto it = mod->resources.find(root);
    if (it == mod->resources.end()) {
      std::vector<std::string> names = Names(mod->resources);
      for (const char* k : {"var", "local", "module", "each", "count", "path"}) names.push_back(k);
      return Error(t, "Reference to undeclared resource \"" + root + "\"",
                   "Names refer to resources of the same module." + DidYouMean(root, names));
    }
    if (!local_stack_.empty()) return NotInLocal(t, "resource \"" + root + "\"");
    const ResInfo& r = it->second;
    if (r.mode == ExpandMode::kSingle) {
      if (!t.steps.empty() && t.steps[0].kind != StepKind::kAttr) {
        return Error(t, "Resource \"" + root +
                            "\" has neither count nor for_each and cannot "
                            "be indexed");
      }
    } else if (!t.steps.empty() && t.steps[0].kind == StepKind::kAttr) {
      return Error(t,
                   "Resource \"" + root + "\" has " +
                       (r.mode == ExpandMode::kCount ? "count" : "for_each") + "; pick an instance",
                   "Use " + root + "[KEY]." + t.steps[0].name + " for one instance or " + root +
                       "[*]." + t.steps[0].name + " for all of them.");
    } else if (std::string key; !t.steps.empty() && KnownKey(t.steps[0], mod, each, &key)) {
      auto k = r.by_key.find(key);
      if (k == r.by_key.end()) {
        return Error(t, "Resource \"" + root + "\" has no instance [" + key + "]");
      }
      return Edge(k->second, via);
    }
    for (const auto& [key, vertex] : r.instances) Edge(vertex, via);
  }

  void ModuleRef(const Expr& t, const ModuleInst* mod, const EachCtx* each, const std::string& via,
                 bool depends_on) {
    const std::string* name = Attr(t, 0);
    if (!name) return Error(t, "Expected module.NAME");
    auto it = mod->calls.find(*name);
    if (it == mod->calls.end()) {
      return Error(t, "Reference to undeclared module \"" + *name + "\"",
                   DidYouMean(*name, Names(mod->def->modules)));
    }
    if (!local_stack_.empty()) return NotInLocal(t, "module \"" + *name + "\"");
    const CallInfo& call = it->second;
    std::vector<const ModuleInst*> insts;
    size_t out_step = 1;
    if (call.mode == ExpandMode::kSingle) {
      if (t.steps.size() > 1 && t.steps[1].kind != StepKind::kAttr) {
        return Error(t, "Module \"" + *name +
                            "\" has neither count nor for_each and cannot be "
                            "indexed");
      }
      for (const auto& [k, inst] : call.instances) insts.push_back(inst);
    } else {
      out_step = 2;
      if (t.steps.size() > 1 && t.steps[1].kind == StepKind::kAttr) {
        return Error(t,
                     "Module \"" + *name + "\" has " +
                         (call.mode == ExpandMode::kCount ? "count" : "for_each") +
                         "; pick an instance",
                     "Use module." + *name + "[KEY]." + t.steps[1].name + " or module." + *name +
                         "[*]." + t.steps[1].name + ".");
      }
      std::string key;
      if (t.steps.size() > 1 && KnownKey(t.steps[1], mod, each, &key)) {
        auto k = call.by_key.find(key);
        if (k == call.by_key.end()) {
          return Error(t, "Module \"" + *name + "\" has no instance [" + key + "]");
        }
        insts.push_back(k->second);
      } else {
        for (const auto& [k, inst] : call.instances) insts.push_back(inst);
      }
      if (t.steps.size() == 1) out_step = 1;
    }
    if (depends_on) {
      for (const ModuleInst* inst : insts) {
        for (int v : inst->all_resources) Edge(v, via);
      }
      return;
    }
    const std::string* out =
        out_step > 1 || call.mode == ExpandMode::kSingle ? Attr(t, out_step) : nullptr;
    if (out && call.decl->def && !call.decl->def->outputs.count(*out)) {
      return Error(t, "Module \"" + *name + "\" has no output \"" + *out + "\"",
                   DidYouMean(*out, Names(call.decl->def->outputs)));
    }
    for (const ModuleInst* inst : insts) {
      for (const auto& [o, vertex] : inst->outputs) {
        if (!out || o == *out) Edge(vertex, via);
      }
    }
  }

  StackImpl* s_;
  Diagnostics* diags_;
  std::map<int, std::string> deps_;
  std::set<std::string> reported_;
  std::vector<std::string> local_stack_;
};

}  // namespace

void BuildEdges(StackImpl* stack, Diagnostics* diags) { EdgeBuilder(stack, diags).Build(); }

}  // namespace capstan
