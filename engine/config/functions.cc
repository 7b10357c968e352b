// The function registry: name lookup, arity checks and dispatch.
//
/// Each family file (strings, format, collections, encoding, yaml, files, network) owns
/// a small table of Specs; this file stitches them into one sorted index so lookups are
/// a binary search and FunctionNames() is sorted for free. Arity is checked here, once,
/// so implementations may index their arguments without further ado.
#include "engine/config/functions.h"

#include <fmt/format.h>

#include <algorithm>

namespace capstan {
namespace {

using functions_detail::Spec;

const std::vector<Spec>& Registry() {
  static const std::vector<Spec> registry = [] {
    std::vector<Spec> all;
    for (auto table : {functions_detail::StringFunctions(), functions_detail::FormatFunctions(),
                       functions_detail::CollectionFunctions(),
                       functions_detail::EncodingFunctions(), functions_detail::YamlFunctions(),
                       functions_detail::FileFunctions(), functions_detail::NetworkFunctions()}) {
      all.insert(all.end(), table.begin(), table.end());
    }
    std::sort(all.begin(), all.end(), [](const Spec& a, const Spec& b) { return a.name < b.name; });
    return all;
  }();
  return registry;
}

const Spec* Find(std::string_view name) {
  const auto& reg = Registry();
  auto it = std::lower_bound(reg.begin(), reg.end(), name,
                             [](const Spec& s, std::string_view n) { return s.name < n; });
  if (it == reg.end() || it->name != name) return nullptr;
  return &*it;
}

std::string Plural(int n) { return fmt::format("{} argument{}", n, n == 1 ? "" : "s"); }

}  // namespace

bool IsFunction(std::string_view name) { return Find(name) != nullptr; }

std::vector<std::string> FunctionNames() {
  std::vector<std::string> names;
  for (const auto& spec : Registry()) names.emplace_back(spec.name);
  return names;
}

Result<Value> CallFunction(std::string_view name, const std::vector<Value>& args,
                           const FunctionEnv& env) {
  const Spec* spec = Find(name);
  if (!spec) return Result<Value>::Fail(fmt::format("unknown function \"{}\"", name));
  int n = static_cast<int>(args.size());
  std::string expected;
  if (spec->max_args < 0) {
    if (n < spec->min_args) expected = "at least " + Plural(spec->min_args);
  } else if (n < spec->min_args || n > spec->max_args) {
    expected = spec->min_args == spec->max_args
                   ? Plural(spec->min_args)
                   : fmt::format("{} to {} arguments", spec->min_args, spec->max_args);
  }
  if (!expected.empty()) {
    return Result<Value>::Fail(fmt::format("{}: expected {}, got {}", name, expected, n));
  }
  // A function that throws (e.g. nlohmann refusing to encode a string that is not
  // UTF-8, found by fuzzing) fails the call instead of terminating capstan.
  try {
    return spec->impl(functions_detail::Call{spec->name, args, env});
  } catch (const std::exception& e) {
    return Result<Value>::Fail(fmt::format("{}: {}", name, e.what()));
  }
}

}  // namespace capstan
