// The loaded stack: configuration expanded into a graph of evaluable vertices.
//
/// LoadStack reads a stack file or a directory of *.yaml (plus module directories),
/// checks it, resolves variables (defaults, --var-file, --var, validation), expands
/// count/for_each on resources and modules, and returns a StackConfig: a flat list of
/// vertices (resource instances, module input variables, module outputs, root outputs)
/// with their dependency edges. Each edge records the property that made it, for cycle
/// reports. The planner walks the vertices in dependency order and asks Evaluate() for
/// each one's value given the values of the vertices it depends on; apply does the same
/// with real values. Expressions and their syntax: docs/stack-format.md.
///
/// for_each / count must be known when the stack loads: they may refer to variables,
/// module inputs that are themselves known, each.* and literals — not to resource
/// attributes (a clear error says so).
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "engine/diagnostics.h"
#include "engine/result.h"
#include "engine/value.h"
#include "resources/address.h"
#include "resources/lifecycle.h"

namespace capstan {

enum class VertexKind {
  kResource,        ///< One resource instance.
  kModuleVariable,  ///< A module instance's input variable (evaluated in the caller).
  kModuleOutput,    ///< A module instance's output.
  kOutput,          ///< A root output.
};

struct DepEdge {
  int to = 0;       ///< Vertex id depended on.
  std::string via;  ///< Why: "properties.network_id", "depends_on", "inputs.cidr", ...
};

struct Vertex {
  int id = 0;
  VertexKind kind = VertexKind::kResource;
  /// Resources: the instance address. Others: a display name such as
  /// `module.net["a"].var.cidr`, `module.net["a"].output.id`, `output.kubeconfig`.
  Address address;
  std::string name;           ///< Display name (address.ToString() for resources).
  std::string type;           ///< Resources: "provider.kind".
  std::string provider;       ///< Resources: the provider configuration name ("openstack").
  Lifecycle lifecycle;        ///< Resources.
  bool sensitive = false;     ///< Outputs/variables declared sensitive.
  SourceLocation where;       ///< The resource/output/variable key in its file.
  std::vector<DepEdge> deps;  ///< Sorted by `to`, no duplicates.
};

/// The value of an evaluated vertex, as the planner or apply holds it. For a resource:
/// its attributes object (planned or real). `sensitive` names top-level attributes that
/// are secret; `all_sensitive` marks the whole value (sensitive outputs/variables).
struct VertexValue {
  Value value;
  std::set<std::string> sensitive;
  bool all_sensitive = false;
};

/// Supplies values of already-evaluated vertices to Evaluate().
class ValueSource {
 public:
  virtual ~ValueSource() = default;
  /// nullptr if the vertex has no value (yet): treated as unknown.
  virtual const VertexValue* Get(int vertex) const = 0;
};

struct LoadOptions {
  std::vector<std::string> paths;  ///< Files or directories; default ".".
  std::vector<std::string> var_files;
  std::vector<std::pair<std::string, std::string>> vars;  ///< --var k=v, in order.
  /// Read CAPSTAN_VAR_<name> environment variables (like TF_VAR_).
  bool env_vars = true;
};

struct ProviderConfig {
  std::string name;  ///< Key in `providers:`, and the provider to instantiate.
  Value config = Value::object();
  SourceLocation where;
};

struct OutputDecl {
  int vertex = 0;
  std::string name;
  bool sensitive = false;
  std::string description;
};

class StackConfig {
 public:
  virtual ~StackConfig() = default;

  virtual const std::string& name() const = 0;
  virtual const std::vector<Vertex>& vertices() const = 0;
  virtual const std::vector<ProviderConfig>& providers() const = 0;
  virtual const std::vector<OutputDecl>& outputs() const = 0;  ///< Root outputs.
  /// Resolved root variable values, and which of them are sensitive.
  virtual const std::map<std::string, Value>& variables() const = 0;
  virtual const std::set<std::string>& sensitive_variables() const = 0;
  /// sha256 (hex) over every loaded file's path and content, in a fixed order.
  virtual const std::string& config_hash() const = 0;
  /// The files that were loaded (stack files and module files).
  virtual const std::vector<std::string>& files() const = 0;

  /// Evaluates a vertex: for a resource, its properties object (interpolations resolved,
  /// unknown where a dependency's value is unknown) with `sensitive` naming properties
  /// whose value came from something sensitive; for other kinds, their value.
  /// Errors carry the source location of the offending expression.
  virtual Result<VertexValue> Evaluate(int vertex, const ValueSource& values) const = 0;

  /// Vertex id of a resource instance, or -1.
  virtual int FindResource(const Address& a) const = 0;
};

/// Loads, validates (syntax, references, variable types/validation, for_each, lifecycle)
/// and expands the stack. Schema validation of properties is the planner's job (it needs
/// providers); cycle detection is engine/graph's.
Result<std::unique_ptr<StackConfig>> LoadStack(const LoadOptions& opts);

}  // namespace capstan
