// The stack-file function library: join, format, cidrsubnet, file, yamlencode, ...
//
/// Stack files call functions inside `${...}`, e.g. `${join(",", var.names)}`. The
/// expression evaluator parses the call, evaluates the arguments and hands them here
/// by name. Functions are pure over capstan::Value (JSON) except file() and
/// templatefile(), which read below the calling module's directory. Semantics follow
/// Terraform's functions of the same name, so that people porting SCS Terraform code
/// find no surprises; docs/functions.md lists every function with an example.
///
/// Errors are values and always say which function, which argument and what was
/// expected: "join: argument 2 must be a list of strings, got number".
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/result.h"
#include "engine/value.h"

namespace capstan {

/// What functions may need from the evaluator.
struct FunctionEnv {
  std::string base_dir;  ///< Directory of the module whose expression calls the function (file(),
                         ///< templatefile()).
  /// Renders a template text with `vars` (an object) using the stack's ${...} syntax; supplied by
  /// the evaluator.
  std::function<Result<Value>(const std::string& text, const Value& vars)> render_template;
};

bool IsFunction(std::string_view name);
std::vector<std::string> FunctionNames();  ///< sorted
/// Calls `name`. The caller has already handled unknown arguments (it never passes Unknown()).
/// Errors say which function, which argument and what was expected, e.g.
/// "join: argument 2 must be a list of strings, got number".
Result<Value> CallFunction(std::string_view name, const std::vector<Value>& args,
                           const FunctionEnv& env);

/// Plumbing shared by the functions*.cc files; not for callers outside the library.
namespace functions_detail {

/// One call in progress: what an implementation sees.
struct Call {
  std::string_view name;
  const std::vector<Value>& args;
  const FunctionEnv& env;
};

using Impl = Result<Value> (*)(const Call&);

/// A function's name, arity (max_args < 0: variadic) and implementation.
struct Spec {
  std::string_view name;
  int min_args;
  int max_args;
  Impl impl;
};

/// Each family file contributes its table.
std::span<const Spec> StringFunctions();
std::span<const Spec> FormatFunctions();
std::span<const Spec> CollectionFunctions();
std::span<const Spec> EncodingFunctions();
std::span<const Spec> YamlFunctions();
std::span<const Spec> FileFunctions();
std::span<const Spec> NetworkFunctions();

/// "string", "number", "bool", "list", "map" or "null": the words used in errors.
std::string TypeName(const Value& v);

/// "<fn>: <message>" as a failed result.
Diagnostics Fail(const Call& call, std::string message);
/// "<fn>: argument <index+1> must be <expected>, got <type of the argument>".
Diagnostics ArgError(const Call& call, size_t index, std::string_view expected);

/// Strings accept numbers and bools too (converted as tostring() does), like Terraform.
bool ToStringLenient(const Value& v, std::string* out);
/// The canonical text of a number: integers without a fraction, others shortest form.
std::string NumberToString(const Value& v);
/// Numbers accept numeric strings too.
bool ToNumberLenient(const Value& v, double* out);
/// A whole number as int64 (number or numeric string); false for fractions.
bool ToIntegerLenient(const Value& v, int64_t* out);
/// A double as a Value: an integer when it is whole and fits, else a float.
Value NumberValue(double d);

Result<std::string> StringArg(const Call& call, size_t index);
Result<int64_t> IntegerArg(const Call& call, size_t index);
/// A list argument (JSON array); `what` names the expected element type for errors.
Result<const Value*> ListArg(const Call& call, size_t index, std::string_view what = "a list");
Result<const Value*> MapArg(const Call& call, size_t index);
/// A list of strings (numbers/bools converted).
Result<std::vector<std::string>> StringListArg(const Call& call, size_t index);

/// Count of UTF-8 code points (bytes that are not continuation bytes).
size_t Utf8Length(std::string_view s);
/// True when `s` is well-formed UTF-8.
bool IsValidUtf8(std::string_view s);

}  // namespace functions_detail
}  // namespace capstan
