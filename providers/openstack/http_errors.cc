// Error formatting for the OpenStack HTTP client: the cloud's message, the request id,
// and no secrets.
//
/// OpenStack services disagree on how they report errors (Neutron wraps them in
/// NeutronError, Nova in a key named after the fault, Keystone in "error", Glance and
/// Octavia in "message"/"faultstring", Placement in an "errors" list, and some paths
/// answer HTML). Users need the cloud's sentence, not the envelope, so this file knows
/// the envelopes; everything else shows trimmed text.
#include <algorithm>
#include <cctype>

#include "providers/openstack/fields.h"
#include "providers/openstack/http.h"
#include "providers/openstack/http_internal.h"

namespace capstan::openstack {
namespace {

constexpr size_t kMaxMessage = 1024;

/// Cuts at `max` bytes without splitting a UTF-8 sequence.
std::string Truncate(std::string s, size_t max = kMaxMessage) {
  if (s.size() <= max) return s;
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  s.resize(cut);
  return s + "...";
}

/// Removes `<tag ...>...</tag>` blocks (head, script, style) case-insensitively.
std::string DropBlock(std::string text, const std::string& tag) {
  for (;;) {
    std::string lower = Lower(text);
    size_t open = lower.find("<" + tag);
    if (open == std::string::npos) return text;
    size_t close = lower.find("</" + tag, open);
    if (close == std::string::npos) return text;
    size_t end = lower.find('>', close);
    end = end == std::string::npos ? text.size() : end + 1;
    text.erase(open, end - open);
  }
}

/// Plain text from a text or HTML body: tags stripped, whitespace collapsed.
std::string PlainText(const std::string& body) {
  std::string text = body;
  if (text.find('<') != std::string::npos) {
    text = DropBlock(DropBlock(DropBlock(text, "head"), "script"), "style");
    std::string stripped;
    bool in_tag = false;
    for (char c : text) {
      if (c == '<') {
        in_tag = true;
        stripped += ' ';
      } else if (c == '>') {
        in_tag = false;
      } else if (!in_tag) {
        stripped += c;
      }
    }
    text = stripped;
  }
  std::string out;
  bool space = false;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string StringField(const Value& obj, const char* key) {
  if (!obj.is_object()) return {};
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return {};
  return Trim(it->get<std::string>());
}

/// The message of a JSON error envelope, or "" when `v` is none we know.
std::string FromJson(const Value& v) {
  if (!v.is_object()) return {};
  // Neutron: {"NeutronError": {"type", "message", "detail"}} (or a bare string).
  if (auto it = v.find("NeutronError"); it != v.end()) {
    if (it->is_string()) return Trim(it->get<std::string>());
    std::string type = StringField(*it, "type");
    std::string message = StringField(*it, "message");
    std::string detail = StringField(*it, "detail");
    std::string out = type.empty() ? message : type + ": " + message;
    if (!detail.empty() && detail != message) out += " (" + detail + ")";
    return out;
  }
  // Keystone: {"error": {"code", "message", "title"}}.
  if (auto it = v.find("error"); it != v.end()) {
    if (it->is_string()) return Trim(it->get<std::string>());
    std::string message = StringField(*it, "message");
    if (message.empty()) message = StringField(*it, "title");
    if (!message.empty()) return message;
  }
  // Glance, Octavia (WSME), Cinder's bare forms.
  for (const char* key : {"message", "faultstring", "description", "detail"}) {
    std::string s = StringField(v, key);
    if (!s.empty()) return s;
  }
  // Placement: {"errors": [{"status", "title", "detail", "request_id"}]}.
  if (auto it = v.find("errors"); it != v.end() && it->is_array()) {
    std::string out;
    for (const Value& e : *it) {
      std::string s = StringField(e, "detail");
      if (s.empty()) s = StringField(e, "title");
      if (s.empty()) continue;
      if (!out.empty()) out += "; ";
      out += s;
    }
    if (!out.empty()) return out;
  }
  // Nova, Cinder: {"badRequest"|"itemNotFound"|"conflictingRequest"|"forbidden"|
  // "overLimit"|"computeFault"|...: {"message", "code"}}.
  for (const auto& item : v.items()) {
    std::string message = StringField(item.value(), "message");
    if (!message.empty()) return message;
  }
  return {};
}

}  // namespace

std::string ExtractCloudMessage(const std::string& body) {
  std::string trimmed = Trim(body);
  if (trimmed.empty()) return {};
  if (trimmed.front() == '{') {
    Value v = Value::parse(trimmed, nullptr, /*allow_exceptions=*/false);
    if (!v.is_discarded()) {
      std::string m = FromJson(v);
      return Truncate(m.empty() ? v.dump() : m);
    }
  }
  return Truncate(PlainText(trimmed));
}

std::string UrlPath(const std::string& url) {
  size_t start = 0;
  if (size_t scheme = url.find("://"); scheme != std::string::npos) {
    start = url.find('/', scheme + 3);
    if (start == std::string::npos) return "/";
  }
  size_t end = url.find_first_of("?#", start);
  std::string path = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  return path.empty() ? "/" : path;
}

std::string RedactSecrets(std::string text, const HttpRequest& request) {
  static const char* const kSecretHeaders[] = {"x-auth-token", "authorization", "x-subject-token",
                                               "x-service-token"};
  for (const auto& [name, value] : request.headers) {
    std::string lname = Lower(name);
    if (std::none_of(std::begin(kSecretHeaders), std::end(kSecretHeaders),
                     [&](const char* s) { return lname == s; })) {
      continue;
    }
    std::vector<std::string> secrets = {Trim(value)};
    // "Bearer <token>", "Basic <b64>": the credential alone may appear too.
    if (size_t sp = secrets[0].find(' '); sp != std::string::npos) {
      secrets.push_back(Trim(secrets[0].substr(sp + 1)));
    }
    for (const std::string& secret : secrets) {
      if (secret.empty()) continue;
      for (size_t pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos)) {
        text.replace(pos, secret.size(), "<redacted>");
        pos += 10;
      }
    }
  }
  return text;
}

namespace internal {

std::string ReasonPhrase(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 409:
      return "Conflict";
    case 413:
      return "Request Entity Too Large";
    case 415:
      return "Unsupported Media Type";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return {};
  }
}

std::string RequestLabel(const HttpRequest& request) {
  return request.method + " " + UrlPath(request.url);
}

std::string RequestIdNote(const std::string& request_id) {
  return request_id.empty() ? std::string() : "(request id " + request_id + ")";
}

Diagnostic StatusError(const HttpRequest& request, const HttpResponse& response, int attempts) {
  Diagnostic d;
  std::string reason = ReasonPhrase(response.status);
  d.summary = RequestLabel(request) + ": HTTP " + std::to_string(response.status) +
              (reason.empty() ? "" : " " + reason);
  std::string detail = ExtractCloudMessage(response.body);
  if (detail.empty()) detail = "The cloud sent no error message.";
  if (!response.request_id.empty()) detail += " " + RequestIdNote(response.request_id);
  if (attempts > 1) detail += "\nGave up after " + std::to_string(attempts) + " attempts.";
  d.summary = RedactSecrets(d.summary, request);
  d.detail = RedactSecrets(detail, request);
  return d;
}

}  // namespace internal
}  // namespace capstan::openstack
