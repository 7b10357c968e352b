// Parsing of the `${ ... }` expression language and of string templates.
//
/// A small hand-written lexer and precedence-climbing parser: the language is tiny
/// (literals, lists, maps, references, calls, the usual operators and `?:`), and owning
/// the parser lets every syntax error point at the exact column inside a YAML scalar.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/config/expr.h"
#include "engine/result.h"

namespace capstan {

/// True when `text` contains an interpolation (`${` not written as `$${`).
bool HasInterpolation(std::string_view text);

/// Parses a scalar's text as a template. `base` is the position of the first character;
/// when `exact` is false (multi-line or quoted-with-escapes scalars) all nodes get `base`.
/// A text that is exactly one `${expr}` yields that expression (its raw value); a text
/// without interpolations yields a string literal (with `$${` unescaped).
Result<ExprPtr> ParseTemplate(std::string_view text, const Pos& base, bool exact = true);

/// Parses a whole text as one expression (no `${}` around it), e.g. "net.id".
Result<ExprPtr> ParseExpression(std::string_view text, const Pos& base);

/// Parses `name = expr` assignments, one after another, with `#`, `//` and `/* */`
/// comments (the subset of HCL used by .tfvars files).
Result<std::vector<std::pair<std::string, ExprPtr>>> ParseAssignments(std::string_view text,
                                                                      const Pos& base);

}  // namespace capstan
