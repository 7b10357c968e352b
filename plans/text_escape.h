// Escaping for the CI renderers: XML (JUnit), HTML/Markdown (PR comments), and GitHub
// Actions workflow commands.
//
/// Addresses carry user-chosen for_each keys and attribute values are whatever the cloud
/// returned, so anything may contain `<`, `&`, backticks, `|` or newlines. A value that
/// breaks out of its XML attribute, Markdown table cell or workflow command would corrupt
/// the report (or forge one), so every renderer escapes through these functions and the
/// tests feed them hostile values.
#pragma once

#include <string>
#include <string_view>

namespace capstan::render {

/// Text safe inside XML/HTML element content and double- or single-quoted attribute values:
/// & < > " ' become entities, \n \r \t become character references (attribute values
/// would otherwise normalise them away), and the other control characters XML 1.0 cannot
/// carry at all become U+FFFD.
std::string XmlEscape(std::string_view s);

/// An inline Markdown code span showing `s` literally: the backtick fence is longer than
/// any backtick run inside, newlines show as "\n", and `|` is escaped so the span is safe
/// inside a GitHub table cell too.
std::string MarkdownCode(std::string_view s);

/// Plain text safe inside a Markdown table cell or after a prefix on a line: emphasis,
/// code, link, table and strikethrough characters are backslash-escaped, HTML characters
/// become entities, newlines show as "\n".
std::string MarkdownText(std::string_view s);

/// A fenced code block (```lang) holding `body` verbatim; the fence is longer than any
/// backtick run in the body, so the body cannot close it.
std::string MarkdownFence(std::string_view body, std::string_view lang = "");

/// The message part of a GitHub Actions workflow command (`::warning::DATA`):
/// % \r \n are percent-encoded so one annotation stays one line.
std::string GithubData(std::string_view s);

/// A property value of a workflow command (`title=VALUE`): also encodes `:` and `,`.
std::string GithubProperty(std::string_view s);

}  // namespace capstan::render
