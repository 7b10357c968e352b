// Operators, templates, traversal steps and calls over capstan::Value.
//
/// Numbers stay integers while the arithmetic allows it, so `${count.index + 1}` renders
/// as "1", not "1.0". Any unknown operand makes the result unknown without evaluating
/// further; any sensitive operand makes it sensitive.
#include "engine/config/expr_eval.h"

#include <cmath>
#include <cstdint>

#include "engine/config/expr_parser.h"

namespace capstan {
namespace {

Diagnostics ErrorAtNode(const Expr& e, const std::string& summary, const std::string& detail = {}) {
  Diagnostics d;
  d.ErrorAt(e.pos.Location(), e.pos.KeyPath(), summary, detail);
  return d;
}

bool IsInt(const Value& v) { return v.is_number_integer(); }

Value Arith(const std::string& op, const Value& a, const Value& b, std::string* err) {
  if (IsInt(a) && IsInt(b)) {
    int64_t x = a.get<int64_t>(), y = b.get<int64_t>();
    if (op == "+") return x + y;
    if (op == "-") return x - y;
    if (op == "*") return x * y;
    if (y == 0) {
      *err = "division by zero";
      return {};
    }
    if (op == "%") return x % y;
    if (x % y == 0) return x / y;
    return static_cast<double>(x) / static_cast<double>(y);
  }
  double x = a.get<double>(), y = b.get<double>();
  if (op == "+") return x + y;
  if (op == "-") return x - y;
  if (op == "*") return x * y;
  if (y == 0) {
    *err = "division by zero";
    return {};
  }
  if (op == "%") return std::fmod(x, y);
  return x / y;
}

class Evaluator {
 public:
  explicit Evaluator(Resolver& r) : r_(r) {}

  Result<Evaluated> Eval(const Expr& e) {
    switch (e.kind) {
      case ExprKind::kLiteral:
        return Evaluated{e.value, false};
      case ExprKind::kTemplate:
        return Template(e);
      case ExprKind::kList: {
        Evaluated out{Value::array(), false};
        for (const auto& item : e.items) {
          auto v = Eval(*item);
          if (!v.ok()) return v;
          out.value.push_back(std::move(v->value));
          out.sensitive |= v->sensitive;
        }
        return out;
      }
      case ExprKind::kMap: {
        Evaluated out{Value::object(), false};
        for (const auto& [k, item] : e.entries) {
          auto v = Eval(*item);
          if (!v.ok()) return v;
          out.value[k] = std::move(v->value);
          out.sensitive |= v->sensitive;
        }
        return out;
      }
      case ExprKind::kTraversal:
        return Traversal(e);
      case ExprKind::kCall:
        return Call(e);
      case ExprKind::kUnary:
        return Unary(e);
      case ExprKind::kBinary:
        return Binary(e);
      case ExprKind::kCond:
        return Cond(e);
    }
    return ErrorAtNode(e, "Internal error: unknown expression kind");
  }

 private:
  Result<Evaluated> Template(const Expr& e) {
    std::string out;
    bool sensitive = false, unknown = false;
    for (const auto& part : e.parts) {
      if (!part.expr) {
        out += part.literal;
        continue;
      }
      auto v = Eval(*part.expr);
      if (!v.ok()) return v;
      sensitive |= v->sensitive;
      if (ContainsUnknown(v->value)) {
        unknown = true;
        continue;
      }
      std::string s, why;
      if (!TemplateString(v->value, &s, &why)) {
        return ErrorAtNode(*part.expr, "Cannot use a " + why + " value in a string template",
                           "Only strings, numbers and bools can be interpolated into text; use "
                           "a function such as join() or jsonencode().");
      }
      out += s;
    }
    if (unknown) return Evaluated{Unknown(), sensitive};
    return Evaluated{out, sensitive};
  }

  Result<Evaluated> Traversal(const Expr& e) {
    size_t consumed = 0;
    Result<Evaluated> root = e.base ? Eval(*e.base) : r_.Resolve(e, &consumed);
    if (!root.ok()) return root;
    return ApplySteps(std::move(*root), e, consumed, r_);
  }

  Result<Evaluated> Call(const Expr& e) {
    if (!IsFunction(e.name)) return ErrorAtNode(e, "Call to unknown function \"" + e.name + "\"");
    std::vector<Value> args;
    bool sensitive = false, unknown = false;
    for (const auto& a : e.items) {
      auto v = Eval(*a);
      if (!v.ok()) return v;
      sensitive |= v->sensitive;
      unknown |= ContainsUnknown(v->value);
      args.push_back(std::move(v->value));
    }
    if (unknown) return Evaluated{Unknown(), sensitive};
    FunctionEnv env;
    env.base_dir = r_.BaseDir();
    std::string base = env.base_dir;
    env.render_template = [base](const std::string& text, const Value& vars) {
      return RenderTemplateText(text, vars, base);
    };
    auto v = CallFunction(e.name, args, env);
    if (!v.ok()) {
      Diagnostics d;
      for (const auto& item : v.diags().items()) {
        d.ErrorAt(e.pos.Location(), e.pos.KeyPath(), item.summary, item.detail);
      }
      return d;
    }
    return Evaluated{std::move(*v), sensitive};
  }

  Result<Evaluated> Unary(const Expr& e) {
    auto v = Eval(*e.items[0]);
    if (!v.ok() || IsUnknown(v->value)) return v;
    if (e.op == "!") {
      if (!v->value.is_boolean()) {
        return ErrorAtNode(e, "Operator ! needs a bool, got " + ValueTypeName(v->value));
      }
      v->value = !v->value.get<bool>();
      return v;
    }
    if (!v->value.is_number()) {
      return ErrorAtNode(e, "Unary - needs a number, got " + ValueTypeName(v->value));
    }
    if (IsInt(v->value)) {
      v->value = -v->value.get<int64_t>();
    } else {
      v->value = -v->value.get<double>();
    }
    return v;
  }

  Result<Evaluated> Binary(const Expr& e) {
    auto a = Eval(*e.items[0]);
    if (!a.ok()) return a;
    auto b = Eval(*e.items[1]);
    if (!b.ok()) return b;
    bool sensitive = a->sensitive || b->sensitive;
    if (ContainsUnknown(a->value) || ContainsUnknown(b->value)) {
      return Evaluated{Unknown(), sensitive};
    }
    const Value &x = a->value, &y = b->value;
    const std::string& op = e.op;
    if (op == "==") return Evaluated{x == y, sensitive};
    if (op == "!=") return Evaluated{x != y, sensitive};
    if (op == "&&" || op == "||") {
      if (!x.is_boolean() || !y.is_boolean()) {
        return ErrorAtNode(e, "Operator " + op + " needs bools, got " + ValueTypeName(x) + " and " +
                                  ValueTypeName(y));
      }
      bool r = op == "&&" ? (x.get<bool>() && y.get<bool>()) : (x.get<bool>() || y.get<bool>());
      return Evaluated{r, sensitive};
    }
    if (!x.is_number() || !y.is_number()) {
      std::string hint = op == "+" && (x.is_string() || y.is_string())
                             ? "To join strings use a template: \"${a}${b}\"."
                             : "";
      return ErrorAtNode(
          e,
          "Operator " + op + " needs numbers, got " + ValueTypeName(x) + " and " + ValueTypeName(y),
          hint);
    }
    if (op == "<") return Evaluated{x.get<double>() < y.get<double>(), sensitive};
    if (op == "<=") return Evaluated{x.get<double>() <= y.get<double>(), sensitive};
    if (op == ">") return Evaluated{x.get<double>() > y.get<double>(), sensitive};
    if (op == ">=") return Evaluated{x.get<double>() >= y.get<double>(), sensitive};
    std::string err;
    Value r = Arith(op, x, y, &err);
    if (!err.empty()) return ErrorAtNode(e, "Invalid arithmetic: " + err);
    return Evaluated{std::move(r), sensitive};
  }

  Result<Evaluated> Cond(const Expr& e) {
    auto c = Eval(*e.items[0]);
    if (!c.ok()) return c;
    if (IsUnknown(c->value)) return Evaluated{Unknown(), c->sensitive};
    if (!c->value.is_boolean()) {
      return ErrorAtNode(*e.items[0],
                         "Condition of ?: must be a bool, got " + ValueTypeName(c->value));
    }
    auto v = Eval(*e.items[c->value.get<bool>() ? 1 : 2]);
    if (v.ok()) v->sensitive |= c->sensitive;
    return v;
  }

  Resolver& r_;
};

/// Resolves names against a plain object (templatefile variables).
class ObjectResolver : public Resolver {
 public:
  ObjectResolver(const Value& vars, std::string base) : vars_(vars), base_(std::move(base)) {}
  Result<Evaluated> Resolve(const Expr& t, size_t* consumed) override {
    *consumed = 0;
    if (!vars_.is_object() || !vars_.contains(t.name)) {
      return ErrorAtNode(t, "Template refers to \"" + t.name + "\", which is not in its variables");
    }
    return Evaluated{vars_[t.name], false};
  }
  std::string BaseDir() const override { return base_; }

 private:
  const Value& vars_;
  std::string base_;
};

}  // namespace

std::string ValueTypeName(const Value& v) {
  if (v.is_string()) return "string";
  if (v.is_number()) return "number";
  if (v.is_boolean()) return "bool";
  if (v.is_array()) return "list";
  if (v.is_object()) return "map";
  return "null";
}

bool TemplateString(const Value& v, std::string* out, std::string* why) {
  if (v.is_string()) {
    *out = v.get<std::string>();
  } else if (v.is_boolean()) {
    *out = v.get<bool>() ? "true" : "false";
  } else if (v.is_number_integer()) {
    *out = v.dump();
  } else if (v.is_number_float()) {
    double d = v.get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e15) {
      *out = std::to_string(static_cast<int64_t>(d));
    } else {
      *out = v.dump();
    }
  } else {
    *why = ValueTypeName(v);
    return false;
  }
  return true;
}

Result<Evaluated> EvalExpr(const ExprPtr& e, Resolver& r) {
  if (!e) return Evaluated{nullptr, false};
  Evaluator ev(r);
  return ev.Eval(*e);
}

Result<Evaluated> ApplySteps(Evaluated v, const Expr& t, size_t from, Resolver& r) {
  for (size_t i = from; i < t.steps.size(); ++i) {
    if (IsUnknown(v.value)) return Evaluated{Unknown(), v.sensitive};
    const Step& s = t.steps[i];
    switch (s.kind) {
      case StepKind::kAttr: {
        if (!v.value.is_object()) {
          return ErrorAtNode(t, "Cannot read attribute \"" + s.name + "\" of a " +
                                    ValueTypeName(v.value) + " in " + t.text);
        }
        auto it = v.value.find(s.name);
        if (it == v.value.end()) {
          return ErrorAtNode(t, "Object has no attribute \"" + s.name + "\" in " + t.text);
        }
        Value next = *it;
        v.value = std::move(next);
        break;
      }
      case StepKind::kIndex: {
        auto k = EvalExpr(s.index, r);
        if (!k.ok()) return k;
        v.sensitive |= k->sensitive;
        if (IsUnknown(k->value)) return Evaluated{Unknown(), v.sensitive};
        if (v.value.is_array()) {
          if (!k->value.is_number()) {
            return ErrorAtNode(t, "A list index must be a number, got " + ValueTypeName(k->value) +
                                      " in " + t.text);
          }
          double d = k->value.get<double>();
          if (d < 0 || d != std::floor(d) || d >= static_cast<double>(v.value.size())) {
            return ErrorAtNode(t, "Index " + RenderValue(k->value) +
                                      " out of range for a list of " +
                                      std::to_string(v.value.size()) + " in " + t.text);
          }
          Value next = v.value[static_cast<size_t>(d)];
          v.value = std::move(next);
        } else if (v.value.is_object()) {
          std::string key, why;
          if (!TemplateString(k->value, &key, &why)) {
            return ErrorAtNode(t, "A map key must be a string, got " + why + " in " + t.text);
          }
          auto it = v.value.find(key);
          if (it == v.value.end()) {
            return ErrorAtNode(t, "Map has no key \"" + key + "\" in " + t.text);
          }
          Value next = *it;
          v.value = std::move(next);
        } else {
          return ErrorAtNode(t, "Cannot index a " + ValueTypeName(v.value) + " in " + t.text);
        }
        break;
      }
      case StepKind::kSplat: {
        Value items = Value::array();
        if (v.value.is_array()) {
          items = v.value;
        } else if (v.value.is_object()) {
          for (auto& [k, x] : v.value.items()) items.push_back(x);
        } else if (!v.value.is_null()) {
          items.push_back(v.value);
        }
        Value out = Value::array();
        for (auto& item : items) {
          auto r2 = ApplySteps(Evaluated{item, v.sensitive}, t, i + 1, r);
          if (!r2.ok()) return r2;
          v.sensitive |= r2->sensitive;
          out.push_back(std::move(r2->value));
        }
        return Evaluated{std::move(out), v.sensitive};
      }
    }
  }
  return v;
}

Result<Value> RenderTemplateText(const std::string& text, const Value& vars,
                                 const std::string& base_dir) {
  // A template may call templatefile itself — on its own file, too — so nesting is
  // bounded instead of recursing until the stack runs out. Per thread: evaluation runs
  // on the scheduler's workers.
  constexpr int kMaxTemplateNesting = 16;
  thread_local int nesting = 0;
  if (nesting >= kMaxTemplateNesting) {
    return Result<Value>::Fail("templates nest deeper than " + std::to_string(kMaxTemplateNesting) +
                               " levels (does a template render itself?)");
  }
  struct Level {
    Level() { ++nesting; }
    ~Level() { --nesting; }
  } level;
  auto parsed = ParseTemplate(text, Pos{}, true);
  if (!parsed.ok()) return parsed.diags();
  ObjectResolver r(vars, base_dir);
  auto v = EvalExpr(*parsed, r);
  if (!v.ok()) return v.diags();
  return std::move(v->value);
}

}  // namespace capstan
