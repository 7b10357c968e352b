// Evaluation of expression trees against a scope.
//
/// The evaluator knows operators, templates, indexing, splats and function calls; what a
/// name such as `var.x` or `net.id` means is the Resolver's business, so the same code
/// serves load-time evaluation (variables only), plan/apply-time evaluation (vertex
/// values) and templatefile() (a plain object of variables). Unknown values propagate
/// through everything; sensitivity is one bit carried beside each intermediate value.
#pragma once

#include <string>

#include "engine/config/expr.h"
#include "engine/config/functions.h"
#include "engine/result.h"

namespace capstan {

struct Evaluated {
  Value value;
  bool sensitive = false;
};

class Resolver {
 public:
  virtual ~Resolver() = default;
  /// Resolves the named root of traversal `t` (t.name is set), consuming as many leading
  /// steps as it understands (*consumed); the evaluator applies the rest.
  virtual Result<Evaluated> Resolve(const Expr& t, size_t* consumed) = 0;
  /// Directory used by file()/templatefile().
  virtual std::string BaseDir() const = 0;
};

/// Evaluates `e` with names resolved by `r`.
Result<Evaluated> EvalExpr(const ExprPtr& e, Resolver& r);

/// Applies t.steps[from..] to `v` (attribute access, indexing, splat).
Result<Evaluated> ApplySteps(Evaluated v, const Expr& t, size_t from, Resolver& r);

/// Renders a value inside a string template: numbers without a trailing .0, bools as
/// true/false. False (with *why set) for lists, maps and null.
bool TemplateString(const Value& v, std::string* out, std::string* why);

/// "string", "number", "bool", "list", "map" or "null".
std::string ValueTypeName(const Value& v);

/// Evaluates `text` as a template whose root names are the keys of `vars`.
Result<Value> RenderTemplateText(const std::string& text, const Value& vars,
                                 const std::string& base_dir);

}  // namespace capstan
