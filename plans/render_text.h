// Shared pieces of the human plan renderers (internal to plans/).
//
/// RenderPlan and RenderDrift print the same kind of attribute blocks; the helpers here
/// make one value, one attribute line and one aligned block of lines look the same in
/// both, and keep every decision about masking sensitive values in one place.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "engine/value.h"
#include "plans/render_human.h"

namespace capstan::render {

/// ANSI styling that collapses to plain text when colour is off.
class Style {
 public:
  explicit Style(bool color) : color_(color) {}
  std::string Green(const std::string& s) const { return Wrap("32", s); }
  std::string Red(const std::string& s) const { return Wrap("31", s); }
  std::string Yellow(const std::string& s) const { return Wrap("33", s); }
  std::string Bold(const std::string& s) const { return Wrap("1", s); }
  std::string Dim(const std::string& s) const { return Wrap("2", s); }
  /// A change symbol ("+", "-", "~", "-/+", "+/-", "<=") in its colour.
  std::string Symbol(const std::string& s) const;

 private:
  std::string Wrap(const char* code, const std::string& s) const {
    return color_ ? "\x1b[" + std::string(code) + "m" + s + "\x1b[0m" : s;
  }
  bool color_;
};

/// A value as shown to people: "(sensitive)" when secret, else RenderValue().
std::string ShowValue(const Value& v, bool sensitive);

/// One "symbol name = value # note" line inside a resource or outputs block.
struct Line {
  std::string symbol;  ///< "+", "-", "~" or "" (unchanged).
  std::string name;
  std::string value;  ///< Already rendered ("a" -> "b").
  std::string note;   ///< Trailing comment without "# ".
};

/// The line for one attribute going from `before` to `after` (null = absent); returns
/// false when nothing changed (the caller counts or lists it).
bool ChangeLine(const std::string& name, const Value& before, const Value& after, bool sensitive,
                Line& line);

/// Appends `lines` with names padded to a common width, each prefixed by `indent`.
void WriteLines(std::string& out, const std::vector<Line>& lines, const std::string& indent,
                const Style& style);

/// "Objects have changed outside of capstan:" and one entry per drifted object, ending
/// in a blank line; "" when there is no drift.
std::string DriftSection(const Plan& plan, const RenderOptions& options);

/// With --verbose: "Differences ignored:" and one "  ADDR: ignored: NOTE" line per note
/// (objects with drift left out when `skip_drifted`, as DriftSection shows theirs);
/// "" when nothing was ignored.
std::string IgnoredSection(const Plan& plan, const RenderOptions& options, bool skip_drifted);

/// "# (3 unchanged attributes hidden)" or "" for zero.
std::string HiddenNote(int hidden, const char* what);

}  // namespace capstan::render
