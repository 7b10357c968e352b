// Escaping for the CI renderers (see plans/text_escape.h).
#include "plans/text_escape.h"

#include <algorithm>

namespace capstan::render {
namespace {

/// The longest run of consecutive backticks in `s`.
size_t LongestBacktickRun(std::string_view s) {
  size_t best = 0, run = 0;
  for (char c : s) {
    run = c == '`' ? run + 1 : 0;
    best = std::max(best, run);
  }
  return best;
}

}  // namespace

std::string XmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\n':
        out += "&#10;";
        break;
      case '\r':
        out += "&#13;";
        break;
      case '\t':
        out += "&#9;";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\xEF\xBF\xBD";  // U+FFFD: XML 1.0 has no way to carry these.
        } else {
          out += ch;
        }
    }
  }
  return out;
}

std::string MarkdownCode(std::string_view s) {
  std::string body;
  for (char c : s) {
    if (c == '\n') {
      body += "\\n";
    } else if (c == '\r') {
      body += "\\r";
    } else if (c == '|') {
      body += "\\|";  // GFM splits table cells on | even inside code spans.
    } else {
      body += c;
    }
  }
  const std::string fence(LongestBacktickRun(body) + 1, '`');
  // A space keeps a leading/trailing backtick from merging with the fence (CommonMark
  // strips one space on each side when both are present).
  const bool pad = !body.empty() && (body.front() == '`' || body.back() == '`' ||
                                     (body.front() == ' ' && body.back() == ' '));
  return pad ? fence + " " + body + " " + fence : fence + body + fence;
}

std::string MarkdownText(std::string_view s) {
  // Enough for inline text that never starts a line (callers put a prefix first): the
  // emphasis, code, link, table and strikethrough characters.
  static constexpr std::string_view kPunct = "\\`*_[]|~";
  std::string out;
  for (char c : s) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else if (c == '&') {
      out += "&amp;";
    } else if (kPunct.find(c) != std::string_view::npos) {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
  return out;
}

std::string MarkdownFence(std::string_view body, std::string_view lang) {
  const std::string fence(std::max<size_t>(3, LongestBacktickRun(body) + 1), '`');
  std::string out = fence + std::string(lang) + "\n" + std::string(body);
  if (!body.empty() && body.back() != '\n') out += "\n";
  return out + fence + "\n";
}

std::string GithubData(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '%') {
      out += "%25";
    } else if (c == '\r') {
      out += "%0D";
    } else if (c == '\n') {
      out += "%0A";
    } else {
      out += c;
    }
  }
  return out;
}

std::string GithubProperty(std::string_view s) {
  std::string out;
  for (char c : GithubData(s)) {
    if (c == ':') {
      out += "%3A";
    } else if (c == ',') {
      out += "%2C";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace capstan::render
