// Variable resolution, var files and type coercion.
#include "engine/config/variables.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/config/expr_eval.h"
#include "engine/config/expr_parser.h"
#include "engine/config/yaml_util.h"

namespace capstan {
namespace {

/// tfvars values are literals: any reference is an error.
class NoRefs : public Resolver {
 public:
  Result<Evaluated> Resolve(const Expr& t, size_t*) override {
    Diagnostics d;
    d.ErrorAt(t.pos.Location(), t.pos.KeyPath(),
              "Variable files cannot refer to \"" + t.text + "\"",
              "Values in var files must be literals.");
    return d;
  }
  std::string BaseDir() const override { return "."; }
};

/// Validation conditions see the variables (already resolved) and functions only.
class VarResolver : public Resolver {
 public:
  VarResolver(const std::map<std::string, Value>& vals, const std::set<std::string>& sens)
      : vals_(vals), sens_(sens) {}
  Result<Evaluated> Resolve(const Expr& t, size_t* consumed) override {
    Diagnostics d;
    if (t.name != "var" || t.steps.empty() || t.steps[0].kind != StepKind::kAttr) {
      d.ErrorAt(t.pos.Location(), t.pos.KeyPath(),
                "A validation condition can only refer to variables, not \"" + t.text + "\"");
      return d;
    }
    auto it = vals_.find(t.steps[0].name);
    if (it == vals_.end()) {
      d.ErrorAt(t.pos.Location(), t.pos.KeyPath(),
                "Reference to undeclared variable \"" + t.steps[0].name + "\"");
      return d;
    }
    *consumed = 1;
    return Evaluated{it->second, sens_.count(it->first) > 0};
  }
  std::string BaseDir() const override { return "."; }

 private:
  const std::map<std::string, Value>& vals_;
  const std::set<std::string>& sens_;
};

constexpr uintmax_t kMaxVarFileBytes = 32u << 20;
struct TooDeep {};

Result<Value> ParseStructured(const std::string& text, const FilePtr& file) {
  // Values are rendered, diffed and sealed recursively: refuse absurd nesting up front.
  auto guard = [](int depth, Value::parse_event_t, Value&) {
    if (depth > kMaxYamlDepth) throw TooDeep{};
    return true;
  };
  try {
    Value j = Value::parse(text, guard, false);
    if (!j.is_discarded()) return j;
  } catch (const TooDeep&) {
    return Result<Value>::Fail("The value nests deeper than " + std::to_string(kMaxYamlDepth) +
                               " levels");
  }
  try {
    YamlNode doc = LoadYaml(text);
    if (Status st = CheckDepth(doc, file); st.HasErrors()) return st;
    return YamlToValue(doc, file, "");
  } catch (const YAML::Exception& e) {
    return Result<Value>::Fail("Cannot parse \"" + Shorten(text) + "\": " + e.msg);
  }
}

}  // namespace

bool CoerceToType(const std::string& type, Value* v, std::string* why) {
  if (type == "any" || v->is_null()) return true;
  if (type == "string") {
    if (v->is_string()) return true;
    std::string s, unused;
    if ((v->is_number() || v->is_boolean()) && TemplateString(*v, &s, &unused)) {
      *v = s;
      return true;
    }
  } else if (type == "number") {
    if (v->is_number()) return true;
    if (v->is_string()) {
      auto r = ConvertVarString(v->get<std::string>(), "number");
      if (r.ok()) {
        *v = *r;
        return true;
      }
    }
  } else if (type == "bool") {
    if (v->is_boolean()) return true;
    if (v->is_string() && (*v == "true" || *v == "false")) {
      *v = *v == "true";
      return true;
    }
  } else if (type == "list") {
    if (v->is_array()) return true;
  } else if (type == "map") {
    if (v->is_object()) return true;
  }
  *why = "must be a " + type + ", got " + ValueTypeName(*v);
  return false;
}

Result<Value> ConvertVarString(const std::string& text, const std::string& type) {
  // Values come from the command line and the environment, where any bytes can hide;
  // caught here, not later by the JSON encoder in the middle of a plan.
  if (size_t bad = FirstInvalidUtf8(text); bad != std::string::npos) {
    return Result<Value>::Fail("The value is not valid UTF-8 text (byte " +
                               std::to_string(bad + 1) + " is not part of a UTF-8 character)");
  }
  if (type == "string" || type == "any") return Value(text);
  if (type == "number") {
    try {
      size_t used = 0;
      if (text.find_first_of(".eE") == std::string::npos) {
        int64_t i = std::stoll(text, &used);
        if (used == text.size()) return Value(i);
      }
      double d = std::stod(text, &used);
      if (used == text.size()) return Value(d);
    } catch (const std::exception&) {
    }
    return Result<Value>::Fail("\"" + text + "\" is not a number");
  }
  if (type == "bool") {
    if (text == "true") return Value(true);
    if (text == "false") return Value(false);
    return Result<Value>::Fail("\"" + text + "\" is not a bool (true or false)");
  }
  auto v = ParseStructured(text, std::make_shared<const std::string>("--var"));
  if (!v.ok()) return v;
  std::string why;
  Value out = *v;
  if (!CoerceToType(type, &out, &why)) return Result<Value>::Fail("The value " + why);
  return out;
}

Result<std::map<std::string, std::pair<Value, SourceLocation>>> ReadVarFile(
    const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Result<std::map<std::string, std::pair<Value, SourceLocation>>>::Fail(
        "Cannot read var file \"" + path + "\"");
  std::error_code ec;
  if (std::filesystem::file_size(path, ec) > kMaxVarFileBytes && !ec) {
    return Result<std::map<std::string, std::pair<Value, SourceLocation>>>::Fail(
        "Var file \"" + path + "\" is larger than 32 MiB");
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();
  auto file = std::make_shared<const std::string>(path);
  std::map<std::string, std::pair<Value, SourceLocation>> out;
  Diagnostics diags;
  if (size_t bad = FirstInvalidUtf8(text); bad != std::string::npos) {
    auto [line, column] = LineColumn(text, bad);
    diags.ErrorAt(SourceLocation{path, line, column}, "", "Var file is not valid UTF-8 text");
    return diags;
  }
  bool tfvars = path.size() >= 7 && path.compare(path.size() - 7, 7, ".tfvars") == 0;
  if (tfvars) {
    Pos base;
    base.file = file;
    base.line = 1;
    base.column = 1;
    auto assigns = ParseAssignments(text, base);
    if (!assigns.ok()) return assigns.diags();
    NoRefs r;
    for (const auto& [name, e] : *assigns) {
      auto v = EvalExpr(e, r);
      if (!v.ok()) {
        diags.Append(v.diags());
        continue;
      }
      out[name] = {v->value, e->pos.Location()};
    }
  } else {
    YamlNode doc;
    try {
      doc = LoadYaml(text);
    } catch (const YAML::Exception& e) {
      diags.ErrorAt(SourceLocation{path, e.mark.line + 1, e.mark.column + 1}, "",
                    "YAML syntax error: " + e.msg);
      return diags;
    }
    if (doc.IsNull()) return out;
    diags.Append(CheckDepth(doc, file));
    if (diags.HasErrors()) return diags;
    if (!doc.IsMap()) {
      diags.ErrorAt(SourceLocation{path, 1, 1}, "", "A var file must be a map of name: value");
      return diags;
    }
    for (const auto& kv : doc.MapEntries()) {
      auto v = YamlToValue(kv.second, file, kv.first.Scalar());
      if (!v.ok()) {
        diags.Append(v.diags());
        continue;
      }
      out[kv.first.Scalar()] = {*v, MakePos(file, kv.first.Mark(), "").Location()};
    }
  }
  if (diags.HasErrors()) return diags;
  return out;
}

Result<ResolvedVariables> ResolveVariables(const ModuleDef& root, const LoadOptions& opts) {
  Diagnostics diags;
  ResolvedVariables out;
  std::map<std::string, std::string> origin;  // name -> where the value came from
  std::vector<std::string> names;
  for (const auto& [name, decl] : root.variables) {
    names.push_back(name);
    if (decl.sensitive) out.sensitive.insert(name);
    if (decl.default_value) {
      out.values[name] = *decl.default_value;
      origin[name] = "its default";
    }
  }
  for (const auto& path : opts.var_files) {
    auto vf = ReadVarFile(path);
    if (!vf.ok()) {
      diags.Append(vf.diags());
      continue;
    }
    for (const auto& [name, vw] : *vf) {
      if (!root.variables.count(name)) {
        Diagnostic d;  // (not a lambda: clang 14 cannot capture structured bindings)
        d.severity = Severity::kWarning;
        d.where = vw.second;
        d.summary = "Var file sets undeclared variable \"" + name + "\"";
        d.detail = "The value is ignored." + DidYouMean(name, names);
        diags.Add(std::move(d));
        continue;
      }
      out.values[name] = vw.first;
      origin[name] = vw.second.ToString();
    }
  }
  for (const auto& [name, decl] : root.variables) {
    if (!opts.env_vars) break;
    std::string env = "CAPSTAN_VAR_" + name;
    const char* s = std::getenv(env.c_str());
    if (!s) continue;
    auto v = ConvertVarString(s, decl.type);
    if (!v.ok()) {
      diags.ErrorAt(decl.pos.Location(), decl.pos.KeyPath(),
                    "Invalid value for variable \"" + name + "\" from " + env,
                    decl.sensitive ? "The value does not match type " + decl.type + "."
                                   : v.diags().items()[0].summary);
      continue;
    }
    out.values[name] = *v;
    origin[name] = env;
  }
  for (const auto& [name, text] : opts.vars) {
    auto it = root.variables.find(name);
    if (it == root.variables.end()) {
      diags.Error("--var sets undeclared variable \"" + name + "\"",
                  "Declare it under `variables:` in the stack." + DidYouMean(name, names));
      continue;
    }
    auto v = ConvertVarString(text, it->second.type);
    if (!v.ok()) {
      diags.ErrorAt(it->second.pos.Location(), it->second.pos.KeyPath(),
                    "Invalid value for variable \"" + name + "\" from --var",
                    it->second.sensitive ? "The value does not match type " + it->second.type + "."
                                         : v.diags().items()[0].summary);
      continue;
    }
    out.values[name] = *v;
    origin[name] = "--var";
  }
  for (const auto& [name, decl] : root.variables) {
    auto it = out.values.find(name);
    if (it == out.values.end()) {
      diags.ErrorAt(decl.pos.Location(), decl.pos.KeyPath(),
                    "No value for required variable \"" + name + "\"",
                    "Set it with --var " + name +
                        "=VALUE, in a --var-file, or with the "
                        "CAPSTAN_VAR_" +
                        name + " environment variable.");
      continue;
    }
    std::string why;
    if (!CoerceToType(decl.type, &it->second, &why)) {
      std::string shown = decl.sensitive ? "" : " (" + RenderValue(it->second) + ")";
      diags.ErrorAt(decl.pos.Location(), decl.pos.KeyPath(),
                    "Variable \"" + name + "\" " + why + shown,
                    "The value came from " + origin[name] + ".");
    }
  }
  if (diags.HasErrors()) return diags;
  VarResolver r(out.values, out.sensitive);
  for (const auto& [name, decl] : root.variables) {
    for (const auto& rule : decl.validations) {
      auto v = EvalExpr(rule.condition, r);
      if (!v.ok()) {
        diags.Append(v.diags());
        continue;
      }
      if (!v->value.is_boolean()) {
        diags.ErrorAt(rule.pos.Location(), rule.pos.KeyPath(),
                      "Validation condition of variable \"" + name + "\" must be a bool");
        continue;
      }
      if (!v->value.get<bool>()) {
        diags.ErrorAt(rule.pos.Location(), rule.pos.KeyPath(),
                      "Invalid value for variable \"" + name + "\": " + rule.message,
                      "The value came from " + origin[name] + ".");
      }
    }
  }
  if (diags.HasErrors()) return diags;
  Result<ResolvedVariables> result(std::move(out));
  result.diags() = diags;
  return result;
}

}  // namespace capstan
