// format(): printf-style string building with Terraform's (Go's) verbs.
//
/// Names of VMs, networks and security groups are built with format() more than with
/// anything else ("%s-node-%02d"). The verbs are Terraform's: %v %#v %s %q %t %d %b %o
/// %x %X %e %E %f %g %G and %%, with flags (-, +, space, 0, #), width, precision and
/// explicit argument indexes (%[2]s). Width counts code points, not bytes, so padded
/// columns of non-ASCII names line up. Every argument must be used: a leftover argument
/// is almost always a typo in the format string, so it is an error, as in Terraform.
#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <set>

#include "engine/config/functions.h"

namespace capstan::functions_detail {
namespace {

struct Directive {
  bool minus = false, plus = false, space = false, zero = false, sharp = false;
  int width = -1;
  int precision = -1;
  char verb = 0;
};

/// Pads `body` to the directive's width; zero padding goes after a sign or 0x prefix.
std::string Pad(std::string body, const Directive& d, bool numeric) {
  if (d.width < 0) return body;
  size_t len = Utf8Length(body);
  if (len >= static_cast<size_t>(d.width)) return body;
  size_t fill = static_cast<size_t>(d.width) - len;
  if (d.minus) return body + std::string(fill, ' ');
  if (d.zero && numeric) {
    size_t at = 0;
    if (!body.empty() && (body[0] == '-' || body[0] == '+' || body[0] == ' ')) at = 1;
    if (body.size() >= at + 2 && body[at] == '0' &&
        (body[at + 1] == 'x' || body[at + 1] == 'X' || body[at + 1] == 'b')) {
      at += 2;
    }
    return body.insert(at, fill, '0');
  }
  return std::string(fill, ' ') + body;
}

std::string FormatInteger(int64_t n, const Directive& d) {
  bool negative = n < 0;
  uint64_t mag = negative ? ~static_cast<uint64_t>(n) + 1 : static_cast<uint64_t>(n);
  int base = d.verb == 'b' ? 2 : d.verb == 'o' ? 8 : (d.verb == 'x' || d.verb == 'X') ? 16 : 10;
  const char* digits = d.verb == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out;
  do {
    out.insert(out.begin(), digits[mag % base]);
    mag /= base;
  } while (mag);
  if (d.precision >= 0 && out.size() < static_cast<size_t>(d.precision)) {
    out.insert(0, static_cast<size_t>(d.precision) - out.size(), '0');
  }
  if (d.sharp) {
    if (base == 16) out.insert(0, d.verb == 'X' ? "0X" : "0x");
    if (base == 8 && out[0] != '0') out.insert(0, "0");
    if (base == 2) out.insert(0, "0b");
  }
  if (negative) {
    out.insert(0, "-");
  } else if (d.plus) {
    out.insert(0, "+");
  } else if (d.space) {
    out.insert(0, " ");
  }
  return out;
}

std::string FormatFloat(double v, const Directive& d) {
  if ((d.verb == 'g' || d.verb == 'G') && d.precision < 0) {
    std::string out = fmt::format("{}", v);
    if (d.verb == 'G') {
      for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    if (v >= 0 && d.plus) out.insert(0, "+");
    if (v >= 0 && !d.plus && d.space) out.insert(0, " ");
    return out;
  }
  std::string spec = "%";
  if (d.plus) spec += '+';
  if (d.space) spec += ' ';
  if (d.sharp) spec += '#';
  if (d.precision >= 0) spec += "." + std::to_string(d.precision);
  spec += d.verb;
  char buf[512];
  int n = std::snprintf(buf, sizeof buf, spec.c_str(), v);
  if (n < 0) return "";
  if (static_cast<size_t>(n) < sizeof buf) return std::string(buf, static_cast<size_t>(n));
  std::string big(static_cast<size_t>(n) + 1, '\0');
  std::snprintf(big.data(), big.size(), spec.c_str(), v);
  big.resize(static_cast<size_t>(n));
  return big;
}

/// Truncates to `precision` code points (Go's %.3s).
std::string Truncate(const std::string& s, int precision) {
  if (precision < 0) return s;
  size_t count = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (count == static_cast<size_t>(precision)) return s.substr(0, i);
      ++count;
    }
  }
  return s;
}

/// Renders one argument for one directive. `argno` is the 1-based function argument.
Result<std::string> Render(const Call& call, size_t argno, const Directive& d) {
  const Value& v = call.args[argno - 1];
  auto wrong = [&](std::string_view want) -> Diagnostics {
    return Fail(call, fmt::format("argument {} for %{} must be {}, got {}", argno, d.verb, want,
                                  TypeName(v)));
  };
  if (v.is_null()) {
    return Fail(call, fmt::format("argument {} for %{} is null", argno, d.verb));
  }
  std::string s;
  switch (d.verb) {
    case 'v':
      if (d.sharp || v.is_structured()) return Pad(v.dump(), d, false);
      ToStringLenient(v, &s);
      return Pad(s, d, v.is_number());
    case 's':
    case 'q':
      if (!ToStringLenient(v, &s)) return wrong("a string");
      if (d.verb == 'q') s = Value(s).dump();
      return Pad(Truncate(s, d.verb == 's' ? d.precision : -1), d, false);
    case 't':
      if (v.is_boolean()) return Pad(v.get<bool>() ? "true" : "false", d, false);
      if (v.is_string() && (v == "true" || v == "false"))
        return Pad(v.get<std::string>(), d, false);
      return wrong("a bool");
    case 'd':
    case 'b':
    case 'o':
    case 'x':
    case 'X': {
      int64_t n = 0;
      if (!ToIntegerLenient(v, &n)) return wrong("a whole number");
      return Pad(FormatInteger(n, d), d, true);
    }
    case 'e':
    case 'E':
    case 'f':
    case 'g':
    case 'G': {
      double x = 0;
      if (!ToNumberLenient(v, &x)) return wrong("a number");
      return Pad(FormatFloat(x, d), d, true);
    }
    default:
      return Fail(call, fmt::format("unsupported verb %{} in format string", d.verb));
  }
}

/// Parses `[n]` at `fmt[*i]`, if present, into a 1-based format-argument index.
bool ParseIndex(const std::string& f, size_t* i, int* index) {
  if (*i >= f.size() || f[*i] != '[') return true;
  size_t close = f.find(']', *i);
  if (close == std::string::npos || close == *i + 1) return false;
  int n = 0;
  for (size_t k = *i + 1; k < close; ++k) {
    if (!std::isdigit(static_cast<unsigned char>(f[k])) || n > 100000) return false;
    n = n * 10 + (f[k] - '0');
  }
  if (n < 1) return false;
  *index = n;
  *i = close + 1;
  return true;
}

int ParseNumber(const std::string& f, size_t* i) {
  int n = 0;
  while (*i < f.size() && std::isdigit(static_cast<unsigned char>(f[*i])) && n < 100000) {
    n = n * 10 + (f[(*i)++] - '0');
  }
  return n;
}

Result<Value> Format(const Call& call) {
  auto fr = StringArg(call, 0);
  if (!fr) return fr.diags();
  const std::string& f = *fr;
  size_t nargs = call.args.size() - 1;
  std::set<size_t> used;
  size_t next = 1;  // 1-based index into the format arguments
  std::string out;
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i] != '%') {
      out += f[i];
      continue;
    }
    size_t start = i++;
    if (i < f.size() && f[i] == '%') {
      out += '%';
      continue;
    }
    Directive d;
    for (; i < f.size(); ++i) {
      char c = f[i];
      if (c == '-')
        d.minus = true;
      else if (c == '+')
        d.plus = true;
      else if (c == ' ')
        d.space = true;
      else if (c == '0')
        d.zero = true;
      else if (c == '#')
        d.sharp = true;
      else
        break;
    }
    int index = 0;
    bool ok = ParseIndex(f, &i, &index);
    if (ok && i < f.size() && std::isdigit(static_cast<unsigned char>(f[i]))) {
      d.width = ParseNumber(f, &i);
    }
    if (ok && i < f.size() && f[i] == '.') {
      ++i;
      d.precision = ParseNumber(f, &i);
    }
    if (ok) ok = ParseIndex(f, &i, &index);
    if (!ok || i >= f.size()) {
      return Fail(call, fmt::format("malformed directive \"{}\" at offset {} of the format string",
                                    f.substr(start, i - start + 1), start));
    }
    d.verb = f[i];
    if (index > 0) next = static_cast<size_t>(index);
    if (next > nargs) {
      return Fail(call, fmt::format("format string needs argument {} for %{} but only {} given",
                                    next, d.verb, nargs));
    }
    auto piece = Render(call, next + 1, d);
    if (!piece) return piece.diags();
    out += *piece;
    used.insert(next);
    ++next;
  }
  if (used.size() < nargs) {
    return Fail(call,
                fmt::format("too many arguments; format string uses {} of {}", used.size(), nargs));
  }
  return Value(out);
}

constexpr Spec kFormat[] = {{"format", 1, -1, Format}};

}  // namespace

std::span<const Spec> FormatFunctions() { return kFormat; }

}  // namespace capstan::functions_detail
