// Shared pieces of the human plan renderers (see plans/render_text.h).
#include "plans/render_text.h"

#include <algorithm>

namespace capstan::render {

std::string Style::Symbol(const std::string& s) const {
  if (s == "+") return Green(s);
  if (s == "-") return Red(s);
  if (s == "~") return Yellow(s);
  if (s == "-/+") return Red("-") + "/" + Green("+");
  if (s == "+/-") return Green("+") + "/" + Red("-");
  if (s == "<=") return Bold(s);
  return s;
}

std::string ShowValue(const Value& v, bool sensitive) {
  return sensitive ? "(sensitive)" : RenderValue(v);
}

bool ChangeLine(const std::string& name, const Value& before, const Value& after, bool sensitive,
                Line& line) {
  line = Line{};
  line.name = name;
  if (!ContainsUnknown(after) && before == after) {
    line.value = ShowValue(after, sensitive);
    return false;
  }
  if (before.is_null()) {
    line.symbol = "+";
    line.value = ShowValue(after, sensitive);
  } else if (after.is_null()) {
    line.symbol = "-";
    line.value = ShowValue(before, sensitive) + " -> null";
  } else {
    line.symbol = "~";
    // A changed secret shows once: "(sensitive) -> (sensitive)" says nothing more.
    line.value = sensitive ? ShowValue(after, true)
                           : ShowValue(before, false) + " -> " + ShowValue(after, false);
  }
  return true;
}

void WriteLines(std::string& out, const std::vector<Line>& lines, const std::string& indent,
                const Style& style) {
  size_t width = 0;
  for (const Line& l : lines) width = std::max(width, l.name.size());
  for (const Line& l : lines) {
    out += indent;
    out += l.symbol.empty() ? " " : style.Symbol(l.symbol);
    out += " " + l.name + std::string(width - l.name.size(), ' ') + " = " + l.value;
    if (!l.note.empty()) out += " " + style.Dim("# " + l.note);
    out += "\n";
  }
}

std::string HiddenNote(int hidden, const char* what) {
  if (hidden <= 0) return {};
  return "# (" + std::to_string(hidden) + " unchanged " + what + (hidden == 1 ? "" : "s") +
         " hidden)";
}

}  // namespace capstan::render
