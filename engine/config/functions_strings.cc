// String functions: join, split, upper, lower, trimspace, replace, startswith, endswith.
//
/// Stack files glue names together (`${join("-", [var.prefix, "mgmt"])}`) and take them
/// apart again; these are the few string operations that need no parser of their own.
/// Case mapping goes through the C library's C.UTF-8 locale so that non-ASCII cluster
/// descriptions survive upper()/lower() intact; replace() accepts Terraform's
/// `/regex/` form through std::regex (ECMAScript, `$1` references).
#include <fmt/format.h>
#include <locale.h>
#include <wctype.h>

#include <regex>

#include "engine/config/functions.h"

namespace capstan::functions_detail {
namespace {

Result<Value> Join(const Call& call) {
  auto sep = StringArg(call, 0);
  if (!sep) return sep.diags();
  std::string out;
  bool first = true;
  for (size_t i = 1; i < call.args.size(); ++i) {
    auto items = StringListArg(call, i);
    if (!items) return items.diags();
    for (const auto& s : *items) {
      if (!first) out += *sep;
      first = false;
      out += s;
    }
  }
  return Value(out);
}

/// Splits after each UTF-8 code point (split with an empty separator).
Value SplitCodePoints(const std::string& s) {
  Value out = Value::array();
  size_t start = 0;
  for (size_t i = 1; i <= s.size(); ++i) {
    if (i == s.size() || (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      out.push_back(s.substr(start, i - start));
      start = i;
    }
  }
  return out;
}

Result<Value> Split(const Call& call) {
  auto sep = StringArg(call, 0);
  if (!sep) return sep.diags();
  auto str = StringArg(call, 1);
  if (!str) return str.diags();
  if (sep->empty()) return SplitCodePoints(*str);
  Value out = Value::array();
  size_t pos = 0;
  while (true) {
    size_t next = str->find(*sep, pos);
    if (next == std::string::npos) break;
    out.push_back(str->substr(pos, next - pos));
    pos = next + sep->size();
  }
  out.push_back(str->substr(pos));
  return out;
}

locale_t Utf8Locale() {
  static locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
  return loc;
}

/// Decodes one well-formed UTF-8 sequence at `s[i]`; returns its length, 0 if malformed.
size_t DecodeUtf8(std::string_view s, size_t i, char32_t* cp) {
  auto c = static_cast<unsigned char>(s[i]);
  size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || !IsValidUtf8(s.substr(i, len)) || i + len > s.size()) return 0;
  char32_t v = len == 1 ? c : c & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) v = (v << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  *cp = v;
  return len;
}

void EncodeUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xC0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *out += static_cast<char>(0xE0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (cp >> 18));
    *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

/// Case-maps every well-formed code point (full Unicode when the C.UTF-8 locale exists,
/// ASCII otherwise); malformed bytes pass through untouched.
std::string MapCase(std::string_view s, bool upper) {
  locale_t loc = Utf8Locale();
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    char32_t cp = 0;
    size_t n = DecodeUtf8(s, i, &cp);
    if (n == 0) {
      out += s[i++];
      continue;
    }
    char32_t mapped = cp;
    if (loc != static_cast<locale_t>(0)) {
      auto w = static_cast<wint_t>(cp);
      mapped = static_cast<char32_t>(upper ? towupper_l(w, loc) : towlower_l(w, loc));
    } else if (upper && cp >= 'a' && cp <= 'z') {
      mapped = cp - 'a' + 'A';
    } else if (!upper && cp >= 'A' && cp <= 'Z') {
      mapped = cp - 'A' + 'a';
    }
    EncodeUtf8(mapped, &out);
    i += n;
  }
  return out;
}

Result<Value> Upper(const Call& call) {
  auto s = StringArg(call, 0);
  if (!s) return s.diags();
  return Value(MapCase(*s, true));
}

Result<Value> Lower(const Call& call) {
  auto s = StringArg(call, 0);
  if (!s) return s.diags();
  return Value(MapCase(*s, false));
}

bool IsSpace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

Result<Value> TrimSpace(const Call& call) {
  auto s = StringArg(call, 0);
  if (!s) return s.diags();
  size_t b = 0, e = s->size();
  while (b < e && IsSpace(static_cast<unsigned char>((*s)[b]))) ++b;
  while (e > b && IsSpace(static_cast<unsigned char>((*s)[e - 1]))) --e;
  return Value(s->substr(b, e - b));
}

Result<Value> Replace(const Call& call) {
  auto str = StringArg(call, 0);
  if (!str) return str.diags();
  auto sub = StringArg(call, 1);
  if (!sub) return sub.diags();
  auto repl = StringArg(call, 2);
  if (!repl) return repl.diags();
  if (sub->size() >= 2 && sub->front() == '/' && sub->back() == '/') {
    try {
      std::regex re(sub->substr(1, sub->size() - 2), std::regex::ECMAScript);
      return Value(std::regex_replace(*str, re, *repl));
    } catch (const std::regex_error& e) {
      return Fail(
          call, fmt::format("argument 2 is not a valid regular expression {}: {}", *sub, e.what()));
    }
  }
  if (sub->empty()) return ArgError(call, 1, "a non-empty string");
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t next = str->find(*sub, pos);
    if (next == std::string::npos) break;
    out.append(*str, pos, next - pos);
    out += *repl;
    pos = next + sub->size();
  }
  out.append(*str, pos);
  return Value(out);
}

Result<Value> StartsWith(const Call& call) {
  auto s = StringArg(call, 0);
  if (!s) return s.diags();
  auto p = StringArg(call, 1);
  if (!p) return p.diags();
  return Value(s->starts_with(*p));
}

Result<Value> EndsWith(const Call& call) {
  auto s = StringArg(call, 0);
  if (!s) return s.diags();
  auto p = StringArg(call, 1);
  if (!p) return p.diags();
  return Value(s->ends_with(*p));
}

/// One POSIX shell word that stands for exactly `str`: single quotes around it, each
/// `'` written as '\''. Inside single quotes the shell expands nothing, so no value
/// can end the word or run a command. For local.command scripts (docs/providers/local.md).
Result<Value> ShellQuote(const Call& call) {
  auto s = StringArg(call, 0);
  if (!s) return s.diags();
  std::string out = "'";
  for (char c : *s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  out += "'";
  return Value(out);
}

constexpr Spec kStrings[] = {
    {"endswith", 2, 2, EndsWith},   {"join", 2, -1, Join},  {"lower", 1, 1, Lower},
    {"replace", 3, 3, Replace},     {"split", 2, 2, Split}, {"startswith", 2, 2, StartsWith},
    {"trimspace", 1, 1, TrimSpace}, {"upper", 1, 1, Upper}, {"shellquote", 1, 1, ShellQuote},
};

}  // namespace

std::span<const Spec> StringFunctions() { return kStrings; }

}  // namespace capstan::functions_detail
