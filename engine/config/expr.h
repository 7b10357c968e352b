// The expression tree of stack files: what `${ ... }` and YAML structures compile to.
//
/// Every value in a stack file (a property, an input, an output) is compiled once at load
/// into an Expr tree and evaluated many times: once at load for for_each/count/lifecycle,
/// then per plan and apply against the values of other vertices. YAML maps and lists
/// become kMap/kList nodes so one evaluator handles both the YAML shape and the `${}`
/// language. Each node keeps the position it came from, for diagnostics.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/diagnostics.h"
#include "engine/value.h"

namespace capstan {

/// Where a node came from: the file position and the key path of its YAML value.
struct Pos {
  std::shared_ptr<const std::string> file;
  std::shared_ptr<const std::string> key;
  int line = 0;
  int column = 0;

  SourceLocation Location() const {
    return SourceLocation{file ? *file : std::string(), line, column};
  }
  const std::string& KeyPath() const {
    static const std::string kEmpty;
    return key ? *key : kEmpty;
  }
};

struct Expr;
using ExprPtr = std::shared_ptr<const Expr>;

enum class ExprKind {
  kLiteral,    ///< value
  kTemplate,   ///< parts: literal strings and interpolations, joined as a string
  kList,       ///< items
  kMap,        ///< entries (literal keys)
  kTraversal,  ///< root identifier (or base expression) followed by steps
  kCall,       ///< name(args...)
  kUnary,      ///< op, items[0]
  kBinary,     ///< op, items[0] op items[1]
  kCond,       ///< items[0] ? items[1] : items[2]
};

enum class StepKind { kAttr, kIndex, kSplat };

struct Step {
  StepKind kind = StepKind::kAttr;
  std::string name;  ///< kAttr
  ExprPtr index;     ///< kIndex
};

struct TemplatePart {
  std::string literal;  ///< Used when expr is null.
  ExprPtr expr;
};

struct Expr {
  ExprKind kind = ExprKind::kLiteral;
  Pos pos;
  Value value;                                           ///< kLiteral
  std::vector<TemplatePart> parts;                       ///< kTemplate
  std::vector<ExprPtr> items;                            ///< kList, kCall args, operands
  std::vector<std::pair<std::string, ExprPtr>> entries;  ///< kMap
  std::string name;         ///< kCall function name; kTraversal root ("" when base is set)
  ExprPtr base;             ///< kTraversal over a computed value, e.g. f(x)[0]
  std::vector<Step> steps;  ///< kTraversal
  std::string op;           ///< kUnary / kBinary
  std::string text;         ///< kTraversal: its source text, for messages
};

/// Calls `fn` on every kTraversal and kCall node below (and including) `e`.
template <typename Fn>
void VisitExpr(const ExprPtr& e, const Fn& fn) {
  if (!e) return;
  fn(*e);
  for (const auto& p : e->parts) VisitExpr(p.expr, fn);
  for (const auto& i : e->items) VisitExpr(i, fn);
  for (const auto& en : e->entries) VisitExpr(en.second, fn);
  VisitExpr(e->base, fn);
  for (const auto& s : e->steps) VisitExpr(s.index, fn);
}

}  // namespace capstan
