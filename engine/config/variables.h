// Root variable values: defaults, var files, environment and --var, checked and validated.
//
/// Precedence from lowest to highest: the declared default, each --var-file in order
/// (YAML maps, or HCL-style `.tfvars` so existing SovereignCloudStack environment files
/// work unchanged), CAPSTAN_VAR_<name> environment variables, then each --var k=v.
/// Strings from the command line and environment are converted to the declared type.
#pragma once

#include <map>
#include <set>
#include <string>

#include "engine/config.h"
#include "engine/config/decls.h"

namespace capstan {

struct ResolvedVariables {
  std::map<std::string, Value> values;
  std::set<std::string> sensitive;
};

/// Resolves every declared root variable. Warnings (e.g. a var file setting an
/// undeclared variable) ride along in the result's diagnostics.
Result<ResolvedVariables> ResolveVariables(const ModuleDef& root, const LoadOptions& opts);

/// Reads a var file: YAML map, or `.tfvars` assignments. Values with where they were set.
Result<std::map<std::string, std::pair<Value, SourceLocation>>> ReadVarFile(
    const std::string& path);

/// Converts a command-line/environment string to `type` (number/bool parsed, list/map as
/// JSON or YAML flow, string/any kept).
Result<Value> ConvertVarString(const std::string& text, const std::string& type);

/// Checks (and where lossless, converts) `v` against a declared type. False with *why.
bool CoerceToType(const std::string& type, Value* v, std::string* why);

}  // namespace capstan
