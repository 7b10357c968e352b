// The in-memory model behind StackConfig: module instances, their resources and vertices.
//
/// Expansion turns declarations (shared per module directory) into ModuleInst objects,
/// one per module instance, each indexing its resources and child module calls by name
/// so every reference resolves in O(log n) — a 10,000-resource stack loads quickly.
/// Vertex ids are assigned in expansion order, which is deterministic (sorted names,
/// sorted instance keys).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/config.h"
#include "engine/config/decls.h"
#include "engine/config/expr_eval.h"
#include "engine/config/variables.h"

namespace capstan {

enum class ExpandMode { kSingle, kForEach, kCount };

/// each.key / each.value or count.index of the instance being evaluated.
struct EachCtx {
  ExpandMode mode = ExpandMode::kSingle;
  Value key;  ///< string (for_each) or integer (count)
  Value value;
};

/// "a" for string keys, "3" for count indices: the lookup form of an instance key.
std::string KeyText(const Value& key);
InstanceKey ToInstanceKey(const Value& key);

struct ResInfo {
  const ResourceDecl* decl = nullptr;
  ExpandMode mode = ExpandMode::kSingle;
  std::vector<std::pair<Value, int>> instances;  ///< key -> vertex, in key order
  std::map<std::string, int> by_key;
};

struct ModuleInst;

struct CallInfo {
  const ModuleCallDecl* decl = nullptr;
  ExpandMode mode = ExpandMode::kSingle;
  std::vector<std::pair<Value, ModuleInst*>> instances;
  std::map<std::string, ModuleInst*> by_key;
  std::vector<int> all_resources;  ///< Every resource vertex in every instance, nested.
};

struct VarSlot {
  const VarDecl* decl = nullptr;
  int vertex = -1;  ///< kModuleVariable vertex (module instances only).
  bool known_at_load = false;
  Value load_value;
  std::string deferred;  ///< What made it unknown at load, e.g. "net.id".
};

struct ModuleInst {
  std::vector<ModuleStep> path;
  std::string prefix;  ///< "module.a[\"x\"]." or "".
  const ModuleDef* def = nullptr;
  ModuleInst* parent = nullptr;
  const ModuleCallDecl* call = nullptr;
  EachCtx call_each;  ///< each/count of this instance, for its inputs (caller scope).
  std::map<std::string, VarSlot> vars;
  std::map<std::string, ResInfo> resources;
  std::map<std::string, CallInfo> calls;
  std::map<std::string, int> outputs;  ///< output name -> vertex
  std::vector<int> all_resources;
};

struct VertexInfo {
  ModuleInst* mod = nullptr;
  EachCtx each;
  const ResourceDecl* res = nullptr;
  const VarDecl* var = nullptr;
  const OutputDef* out = nullptr;
};

class StackImpl : public StackConfig {
 public:
  const std::string& name() const override { return name_; }
  const std::vector<Vertex>& vertices() const override { return vertices_; }
  const std::vector<ProviderConfig>& providers() const override { return providers_; }
  const std::vector<OutputDecl>& outputs() const override { return outputs_; }
  const std::map<std::string, Value>& variables() const override { return vars_.values; }
  const std::set<std::string>& sensitive_variables() const override { return vars_.sensitive; }
  const std::string& config_hash() const override { return hash_; }
  const std::vector<std::string>& files() const override { return files_; }
  Result<VertexValue> Evaluate(int vertex, const ValueSource& values) const override;
  int FindResource(const Address& a) const override;

  // Built by LoadStack (engine/config/load_stack.cc) and expansion.
  std::string name_;
  std::vector<Vertex> vertices_;
  std::vector<VertexInfo> info_;
  std::vector<ProviderConfig> providers_;
  std::vector<OutputDecl> outputs_;
  ResolvedVariables vars_;
  std::string hash_;
  std::vector<std::string> files_;
  std::string root_dir_;
  std::unordered_map<std::string, int> by_address_;
  std::vector<std::unique_ptr<ModuleInst>> insts_;
  std::unique_ptr<DeclLoader> loader_;
};

/// Resolves names for one module instance and (optionally) one each/count context.
/// With `values` null it evaluates at load: resources and module outputs are unknown and
/// the first such reference is recorded in *deferred.
class Scope : public Resolver {
 public:
  Scope(const StackImpl& stack, const ModuleInst* mod, const EachCtx* each,
        const ValueSource* values, std::string* deferred = nullptr, int depth = 0)
      : stack_(stack),
        mod_(mod),
        each_(each),
        values_(values),
        deferred_(deferred),
        depth_(depth) {}
  Result<Evaluated> Resolve(const Expr& t, size_t* consumed) override;
  std::string BaseDir() const override { return mod_->def->dir; }

 private:
  Result<Evaluated> Var(const Expr& t, size_t* consumed);
  Result<Evaluated> Resource(const Expr& t, const ResInfo& r, size_t* consumed);
  Result<Evaluated> Module(const Expr& t, size_t* consumed);
  Evaluated VertexVal(int vertex, const std::string& ref, const std::string* attr);
  Diagnostics Err(const Expr& t, const std::string& summary, const std::string& detail = {});
  void Defer(const std::string& ref);

  const StackImpl& stack_;
  const ModuleInst* mod_;
  const EachCtx* each_;
  const ValueSource* values_;
  std::string* deferred_;
  int depth_;
};

/// Expands the root module: instances, vertices and load-time lifecycle. Appends errors.
void ExpandStack(StackImpl* stack, const ModuleDef& root, Diagnostics* diags);

/// Validates every reference and fills Vertex::deps. Appends errors.
void BuildEdges(StackImpl* stack, Diagnostics* diags);

}  // namespace capstan
