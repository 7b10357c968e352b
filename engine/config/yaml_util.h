// yaml-cpp helpers: positions, scalar typing, compiling nodes to expressions, hints.
//
/// yaml-cpp marks are 0-based and scalars come back as text; these helpers give every
/// node (a YamlNode, see yaml_tree.h) a 1-based Pos with its key path, type plain scalars the way
/// YAML 1.2 core does (quoted scalars stay strings), and compile whole YAML subtrees into Expr
/// trees.
#pragma once

#include <yaml-cpp/yaml.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/config/expr.h"
#include "engine/config/yaml_tree.h"
#include "engine/result.h"

namespace capstan {

using FilePtr = std::shared_ptr<const std::string>;

/// Deepest nesting of YAML collections accepted.
constexpr int kMaxYamlDepth = 200;

Pos MakePos(const FilePtr& file, const YAML::Mark& mark, const std::string& key);

/// A scalar's value: null, bool, integer, float or string (quoted scalars: string).
Value ScalarValue(const YamlNode& node);

/// Plain data (no interpolation) as a Value, e.g. a variable default or a var file.
Result<Value> YamlToValue(const YamlNode& node, const FilePtr& file, const std::string& key);

/// Compiles a YAML subtree whose scalars may contain `${}` into an expression tree.
Result<ExprPtr> CompileNode(const YamlNode& node, const FilePtr& file, const std::string& key);

/// Fails when `node` nests deeper than kMaxYamlDepth.
Status CheckDepth(const YamlNode& node, const FilePtr& file);

/// Byte offset of the first byte of `text` that is not part of well-formed UTF-8
/// (overlong forms, surrogates and code points above U+10FFFF included), or npos.
size_t FirstInvalidUtf8(std::string_view text);
/// 1-based line and column (in bytes) of byte `offset` of `text`.
std::pair<int, int> LineColumn(std::string_view text, size_t offset);
/// `s`, cut to `max` bytes with "..." when longer: names quoted in messages.
std::string Shorten(const std::string& s, size_t max = 64);

/// " Did you mean \"x\"?" for the closest candidate, or "" when none is close.
std::string DidYouMean(const std::string& name, const std::vector<std::string>& candidates);

/// "map", "list", "scalar" or "null": for shape errors.
std::string NodeKind(const YamlNode& node);

}  // namespace capstan
