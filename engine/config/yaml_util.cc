// Positions, scalar typing and YAML-to-expression compilation.
#include "engine/config/yaml_util.h"

#include <algorithm>
#include <cstdint>

#include "engine/config/expr_parser.h"

namespace capstan {
namespace {

std::string Unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s.compare(i, 3, "$${") == 0) {
      out += "${";
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

size_t Distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

int DepthOf(const YamlNode& n, int depth) {
  if (depth > kMaxYamlDepth) return depth;
  int max = depth;
  if (n.IsMap()) {
    for (const auto& kv : n.MapEntries()) max = std::max(max, DepthOf(kv.second, depth + 1));
  } else if (n.IsSequence()) {
    for (const auto& item : n.Items()) max = std::max(max, DepthOf(item, depth + 1));
  }
  return max;
}

}  // namespace

size_t FirstInvalidUtf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return i;
    }
    if (i + len > n) return i;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return std::string_view::npos;
}

std::pair<int, int> LineColumn(std::string_view text, size_t offset) {
  int line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return {line, static_cast<int>(offset - line_start) + 1};
}

std::string Shorten(const std::string& s, size_t max) {
  if (s.size() <= max) return s;
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // whole chars
  return s.substr(0, cut) + "...";
}

Pos MakePos(const FilePtr& file, const YAML::Mark& mark, const std::string& key) {
  Pos p;
  p.file = file;
  p.key = std::make_shared<const std::string>(key);
  p.line = mark.line + 1;
  p.column = mark.column + 1;
  return p;
}

Value ScalarValue(const YamlNode& node) {
  const std::string& s = node.Scalar();
  if (node.Tag() == "!") return s;
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  // YAML 1.2 core schema numbers, checked by hand: std::regex is too slow for 10^5 scalars.
  size_t digits = 0, i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  bool only_digits = i < s.size();
  bool numeric_chars = true;
  for (size_t j = i; j < s.size(); ++j) {
    char ch = s[j];
    if (ch >= '0' && ch <= '9') {
      ++digits;
    } else {
      only_digits = false;
      if (ch != '.' && ch != 'e' && ch != 'E' && ch != '-' && ch != '+') numeric_chars = false;
    }
  }
  if (only_digits) {
    try {
      return static_cast<int64_t>(std::stoll(s));
    } catch (const std::exception&) {
      // Too large for int64: fall through to float.
    }
  }
  if (numeric_chars && digits > 0) {
    try {
      size_t used = 0;
      double d = std::stod(s, &used);
      if (used == s.size()) return d;
    } catch (const std::exception&) {
      return s;
    }
  }
  return s;
}

Result<Value> YamlToValue(const YamlNode& node, const FilePtr& file, const std::string& key) {
  if (!node || node.IsNull()) return Value(nullptr);
  if (node.IsScalar()) return ScalarValue(node);
  if (node.IsSequence()) {
    Value out = Value::array();
    size_t i = 0;
    for (const auto& item : node.Items()) {
      auto v = YamlToValue(item, file, key + "[" + std::to_string(i++) + "]");
      if (!v.ok()) return v;
      out.push_back(std::move(*v));
    }
    return out;
  }
  Value out = Value::object();
  for (const auto& kv : node.MapEntries()) {
    if (!kv.first.IsScalar()) {
      Diagnostics d;
      d.ErrorAt(MakePos(file, kv.first.Mark(), key).Location(), key, "Map keys must be strings");
      return d;
    }
    auto v = YamlToValue(kv.second, file, key + "." + kv.first.Scalar());
    if (!v.ok()) return v;
    out[kv.first.Scalar()] = std::move(*v);
  }
  return out;
}

Result<ExprPtr> CompileNode(const YamlNode& node, const FilePtr& file, const std::string& key) {
  Pos pos = MakePos(file, node.Mark(), key);
  auto e = std::make_shared<Expr>();
  e->pos = pos;
  if (!node || node.IsNull()) {
    e->kind = ExprKind::kLiteral;
    return ExprPtr(e);
  }
  if (node.IsScalar()) {
    const std::string& text = node.Scalar();
    if (!HasInterpolation(text)) {
      e->kind = ExprKind::kLiteral;
      Value v = ScalarValue(node);
      if (v.is_string()) v = Unescape(text);
      e->value = std::move(v);
      return ExprPtr(e);
    }
    bool quoted = node.Tag() == "!";
    if (quoted) pos.column += 1;
    bool exact = text.find('\n') == std::string::npos;
    return ParseTemplate(text, pos, exact);
  }
  Diagnostics diags;
  if (node.IsSequence()) {
    e->kind = ExprKind::kList;
    size_t i = 0;
    for (const auto& item : node.Items()) {
      auto c = CompileNode(item, file, key + "[" + std::to_string(i++) + "]");
      if (!c.ok()) {
        diags.Append(c.diags());
        continue;
      }
      e->items.push_back(*c);
    }
  } else {
    e->kind = ExprKind::kMap;
    for (const auto& kv : node.MapEntries()) {
      if (!kv.first.IsScalar()) {
        diags.ErrorAt(MakePos(file, kv.first.Mark(), key).Location(), key,
                      "Map keys must be strings");
        continue;
      }
      auto c = CompileNode(kv.second, file, key + "." + kv.first.Scalar());
      if (!c.ok()) {
        diags.Append(c.diags());
        continue;
      }
      e->entries.emplace_back(kv.first.Scalar(), *c);
    }
  }
  if (diags.HasErrors()) return diags;
  return ExprPtr(e);
}

Status CheckDepth(const YamlNode& node, const FilePtr& file) {
  Status st;
  if (DepthOf(node, 0) > kMaxYamlDepth) {
    st.ErrorAt(SourceLocation{*file, 1, 1}, "",
               "YAML nesting deeper than " + std::to_string(kMaxYamlDepth) + " levels");
  }
  return st;
}

std::string DidYouMean(const std::string& name, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_d = std::max<size_t>(2, name.size() / 3) + 1;
  for (const auto& c : candidates) {
    size_t d = Distance(name, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best.empty() ? std::string() : " Did you mean \"" + best + "\"?";
}

std::string NodeKind(const YamlNode& node) {
  if (!node || node.IsNull()) return "null";
  if (node.IsMap()) return "map";
  if (node.IsSequence()) return "list";
  return "scalar";
}

}  // namespace capstan
