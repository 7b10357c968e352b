// LoadStack and the StackConfig queries: the entry point of engine/config.
//
/// Order of work: read declarations (all files, all modules), resolve root variables,
/// expand instances, check references and build edges, evaluate provider blocks, hash
/// the files. Each phase collects every error it can before the next phase would be
/// meaningless, so one run reports as much as possible.
#include <algorithm>
#include <filesystem>

#include "engine/config.h"
#include "engine/config/stack_impl.h"
#include "engine/hash.h"

namespace capstan {
namespace {

Diagnostics Relocate(const Diagnostics& in, const ExprPtr& e) {
  Diagnostics out;
  for (Diagnostic d : in.items()) {
    if (!d.where.known() && e) {
      d.where = e->pos.Location();
      d.key = e->pos.KeyPath();
    }
    out.Add(std::move(d));
  }
  return out;
}

std::string HashFiles(const std::vector<LoadedFile>& files, const std::string& root) {
  namespace fs = std::filesystem;
  std::vector<std::pair<std::string, const std::string*>> items;
  fs::path base = fs::weakly_canonical(fs::absolute(root));
  for (const auto& f : files) {
    fs::path p = fs::weakly_canonical(fs::absolute(f.path));
    items.emplace_back(p.lexically_relative(base).generic_string(), &f.bytes);
  }
  std::sort(items.begin(), items.end());
  items.erase(std::unique(items.begin(), items.end(),
                          [](const auto& a, const auto& b) { return a.first == b.first; }),
              items.end());
  std::string data;
  for (const auto& [path, bytes] : items) {
    data += path + '\0' + std::to_string(bytes->size()) + '\0' + *bytes;
  }
  return Sha256Hex(data);
}

}  // namespace

Result<VertexValue> StackImpl::Evaluate(int vertex, const ValueSource& values) const {
  if (vertex < 0 || vertex >= static_cast<int>(vertices_.size())) {
    return Result<VertexValue>::Fail("No vertex " + std::to_string(vertex));
  }
  const VertexInfo& vi = info_[vertex];
  VertexValue out;
  if (vi.res) {
    Diagnostics diags;
    out.value = Value::object();
    Scope scope(*this, vi.mod, &vi.each, &values);
    for (const auto& [name, e] : vi.res->properties) {
      auto v = EvalExpr(e, scope);
      if (!v.ok()) {
        diags.Append(Relocate(v.diags(), e));
        continue;
      }
      out.value[name] = std::move(v->value);
      if (v->sensitive) out.sensitive.insert(name);
    }
    if (diags.HasErrors()) return diags;
    return out;
  }
  if (vi.var) {
    const ModuleCallDecl& call = *vi.mod->call;
    auto in = call.inputs.find(vi.var->name);
    out.all_sensitive = vi.var->sensitive;
    if (in == call.inputs.end()) {
      out.value = vi.var->default_value.value_or(Value());
      return out;
    }
    Scope scope(*this, vi.mod->parent, &vi.mod->call_each, &values);
    auto v = EvalExpr(in->second, scope);
    if (!v.ok()) return Relocate(v.diags(), in->second);
    std::string why;
    if (!ContainsUnknown(v->value) && !CoerceToType(vi.var->type, &v->value, &why)) {
      return Result<VertexValue>(Relocate(
          [&] {
            Diagnostics d;
            d.ErrorAt(in->second->pos.Location(), in->second->pos.KeyPath(),
                      "Input \"" + vi.var->name + "\" of module \"" + call.name + "\" " + why);
            return d;
          }(),
          in->second));
    }
    out.value = std::move(v->value);
    out.all_sensitive |= v->sensitive;
    return out;
  }
  Scope scope(*this, vi.mod, nullptr, &values);
  auto v = EvalExpr(vi.out->value, scope);
  if (!v.ok()) return Relocate(v.diags(), vi.out->value);
  out.value = std::move(v->value);
  out.all_sensitive = vi.out->sensitive || v->sensitive;
  return out;
}

int StackImpl::FindResource(const Address& a) const {
  auto it = by_address_.find(a.ToString());
  return it == by_address_.end() ? -1 : it->second;
}

Result<std::unique_ptr<StackConfig>> LoadStack(const LoadOptions& opts) {
  auto stack = std::make_unique<StackImpl>();
  stack->loader_ = std::make_unique<DeclLoader>();
  auto root = stack->loader_->LoadRoot(opts.paths, opts.var_files);
  if (!root.ok()) return root.diags();
  const ModuleDef& def = **root;
  stack->name_ = def.stack_name;
  stack->root_dir_ = def.dir;
  for (const auto& f : stack->loader_->files()) stack->files_.push_back(f.path);
  stack->hash_ = HashFiles(stack->loader_->files(), stack->loader_->root_dir());

  auto vars = ResolveVariables(def, opts);
  if (!vars.ok()) return vars.diags();
  Diagnostics warnings = vars.diags();
  stack->vars_ = std::move(*vars);

  Diagnostics diags;
  ExpandStack(stack.get(), def, &diags);
  BuildEdges(stack.get(), &diags);

  const ModuleInst* root_inst = stack->insts_.front().get();
  for (const auto& p : def.providers) {
    ProviderConfig pc;
    pc.name = p.name;
    pc.where = p.pos.Location();
    std::string deferred;
    Scope scope(*stack, root_inst, nullptr, nullptr, &deferred);
    auto v = EvalExpr(p.config, scope);
    if (!v.ok()) {
      diags.Append(v.diags());
      continue;
    }
    if (ContainsUnknown(v->value)) {
      diags.ErrorAt(pc.where, p.pos.KeyPath(),
                    "Provider \"" + p.name + "\" configuration refers to " + deferred,
                    "Provider configurations may use variables and locals only.");
      continue;
    }
    pc.config = v->value.is_null() ? Value::object() : v->value;
    stack->providers_.push_back(std::move(pc));
  }
  std::sort(stack->providers_.begin(), stack->providers_.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  if (diags.HasErrors()) return diags;
  Result<std::unique_ptr<StackConfig>> out(std::unique_ptr<StackConfig>(std::move(stack)));
  out.diags() = warnings;
  return out;
}

}  // namespace capstan
