// Keystone v3 token requests and responses (see keystone.h).
#include "providers/openstack/keystone.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <set>

#include "providers/openstack/fields.h"

namespace capstan::openstack {
namespace {

/// {"id": ...} or {"name": ...} for a domain; null when neither is known.
Value Domain(const std::string& name, const std::string& id) {
  if (!id.empty()) return {{"id", id}};
  if (!name.empty()) return {{"name", name}};
  return nullptr;
}

/// A user reference: by id, else by name with its domain.
Value User(const CloudConfig& c) {
  if (!c.user_id.empty()) return {{"id", c.user_id}};
  Value u = {{"name", c.username}};
  Value d = Domain(c.user_domain_name, c.user_domain_id);
  if (!d.is_null()) u["domain"] = d;
  return u;
}

/// Service types that name the same service (service-types-authority aliases).
const std::vector<std::vector<std::string>>& Aliases() {
  static const std::vector<std::vector<std::string>> groups = {
      {"block-storage", "volumev3", "volumev2", "volume", "block-store"},
      {"shared-file-system", "sharev2", "share"},
      {"load-balancer", "octavia"},
      {"object-store", "swift"},
  };
  return groups;
}

std::vector<std::string> Equivalent(const std::string& type) {
  for (const auto& g : Aliases()) {
    if (std::find(g.begin(), g.end(), type) != g.end()) return g;
  }
  return {type};
}

std::string NormalizeInterface(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (s.size() > 3 && s.compare(s.size() - 3, 3, "url") == 0) s.resize(s.size() - 3);
  return s.empty() ? "public" : s;
}

/// Keystone's error message: {"error": {"message": ..., "title": ...}}, else a snippet.
std::string ErrorMessage(const std::string& body) {
  Value v = Value::parse(body, nullptr, /*allow_exceptions=*/false);
  if (v.is_object() && v.contains("error")) {
    std::string m = Str(v["error"], "message");
    if (!m.empty()) return m;
    std::string t = Str(v["error"], "title");
    if (!t.empty()) return t;
  }
  std::string s = body.substr(0, 200);
  s.erase(std::remove(s.begin(), s.end(), '\n'), s.end());
  return s;
}

std::string DescribeEndpoints(const CatalogEntry& e) {
  std::string out;
  for (const auto& ep : e.endpoints) {
    if (!out.empty()) out += "; ";
    out += ep.interface + " " + (ep.region.empty() ? "(no region)" : ep.region) + " " + ep.url;
  }
  return out.empty() ? "no endpoints" : out;
}

std::string DescribeCatalog(const Token& t) {
  std::vector<std::string> items;
  for (const auto& e : t.catalog) {
    items.push_back(e.type + (e.name.empty() ? "" : " (" + e.name + ")"));
  }
  std::sort(items.begin(), items.end());
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out.empty() ? "an empty catalog (is the token project-scoped?)" : out;
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace

Value PasswordAuthBody(const CloudConfig& c) {
  Value user = User(c);
  user["password"] = c.password;
  Value auth = {{"identity", {{"methods", {"password"}}, {"password", {{"user", user}}}}}};
  if (!c.project_id.empty()) {
    auth["scope"] = {{"project", {{"id", c.project_id}}}};
  } else if (!c.project_name.empty()) {
    Value p = {{"name", c.project_name}};
    Value d = Domain(c.project_domain_name, c.project_domain_id);
    if (!d.is_null()) p["domain"] = d;
    auth["scope"] = {{"project", p}};
  }
  return {{"auth", auth}};
}

Value AppCredAuthBody(const CloudConfig& c) {
  Value cred = Value::object();
  if (!c.app_cred_id.empty()) {
    cred["id"] = c.app_cred_id;
  } else {
    cred["name"] = c.app_cred_name;
    cred["user"] = User(c);
  }
  cred["secret"] = c.app_cred_secret;
  return {{"auth",
           {{"identity",
             {{"methods", {"application_credential"}}, {"application_credential", cred}}}}}};
}

Value AuthBody(const CloudConfig& c) {
  return c.auth_type == "v3applicationcredential" ? AppCredAuthBody(c) : PasswordAuthBody(c);
}

std::optional<int64_t> ParseIso8601(const std::string& s) {
  size_t pos = 0;
  // Reads exactly n digits at pos (no signs or blanks, unlike sscanf's %d).
  auto digits = [&](size_t n, int& out) {
    if (pos + n > s.size()) return false;
    out = 0;
    for (size_t i = 0; i < n; ++i) {
      char ch = s[pos + i];
      if (ch < '0' || ch > '9') return false;
      out = out * 10 + (ch - '0');
    }
    pos += n;
    return true;
  };
  auto literal = [&](char ch) {
    if (pos >= s.size() || s[pos] != ch) return false;
    ++pos;
    return true;
  };
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!digits(4, y) || !literal('-') || !digits(2, mo) || !literal('-') || !digits(2, d)) {
    return std::nullopt;
  }
  if (pos < s.size() && (s[pos] == 'T' || s[pos] == 't' || s[pos] == ' ')) {
    ++pos;
    if (!digits(2, h) || !literal(':') || !digits(2, mi) || !literal(':') || !digits(2, sec)) {
      return std::nullopt;
    }
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
      ++pos;
      size_t first = pos;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
      if (pos == first) return std::nullopt;
    }
  }
  int64_t offset = 0;
  if (pos < s.size()) {
    if (s[pos] == 'Z' || s[pos] == 'z') {
      ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
      const int sign = s[pos] == '-' ? -1 : 1;
      ++pos;
      int oh = 0, om = 0;
      if (!digits(2, oh)) return std::nullopt;
      if (pos < s.size()) {
        literal(':');
        if (!digits(2, om)) return std::nullopt;
      }
      offset = sign * (oh * 3600 + om * 60);
    }
    if (pos != s.size()) return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) {
    return std::nullopt;
  }
  int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return days * 86400 + h * 3600 + mi * 60 + sec - offset;
}

Result<Token> ParseTokenResponse(int status, const std::string& subject_token_header,
                                 const std::string& body) {
  if (status == 401) {
    return Result<Token>::Fail("authentication failed", ErrorMessage(body));
  }
  if (status != 200 && status != 201) {
    return Result<Token>::Fail("Keystone token request failed with HTTP " + std::to_string(status),
                               ErrorMessage(body));
  }
  if (subject_token_header.empty()) {
    return Result<Token>::Fail("Keystone answered without an X-Subject-Token header");
  }
  Value v = Value::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!v.is_object() || !v.contains("token") || !v["token"].is_object()) {
    return Result<Token>::Fail("Keystone token response has no token object",
                               "expected {\"token\": {...}} in the response body");
  }
  const Value& t = v["token"];
  Token tok;
  tok.value = subject_token_header;
  std::string expires = Str(t, "expires_at");
  auto when = ParseIso8601(expires);
  if (!when) {
    return Result<Token>::Fail(
        "Keystone token has no valid expires_at",
        expires.empty() ? "expires_at is missing" : "cannot parse '" + expires + "' as ISO-8601");
  }
  tok.expires_at = *when;
  if (t.contains("user")) tok.user_id = Str(t["user"], "id");
  if (t.contains("project")) tok.project_id = Str(t["project"], "id");
  if (t.contains("catalog") && t["catalog"].is_array()) {
    for (const Value& s : t["catalog"]) {
      CatalogEntry e;
      e.type = Str(s, "type");
      e.name = Str(s, "name");
      if (s.is_object() && s.contains("endpoints") && s["endpoints"].is_array()) {
        for (const Value& ep : s["endpoints"]) {
          Endpoint p;
          p.interface = Str(ep, "interface");
          p.region = Str(ep, "region_id");
          if (p.region.empty()) p.region = Str(ep, "region");
          p.url = Str(ep, "url");
          if (!p.url.empty()) e.endpoints.push_back(std::move(p));
        }
      }
      if (!e.type.empty()) tok.catalog.push_back(std::move(e));
    }
  }
  return tok;
}

Result<std::string> SelectEndpoint(const Token& token, const std::string& service_type,
                                   const std::string& interface, const std::string& region) {
  const std::string iface = NormalizeInterface(interface);
  const std::vector<std::string> types = Equivalent(service_type);
  // Services in alias order: block-storage before volumev3 before volumev2.
  std::vector<const CatalogEntry*> services;
  for (const auto& t : types) {
    for (const auto& e : token.catalog) {
      if (e.type == t) services.push_back(&e);
    }
  }
  if (services.empty()) {
    return Result<std::string>::Fail("the catalog has no '" + service_type + "' service",
                                     "catalog offers: " + DescribeCatalog(token));
  }
  for (const CatalogEntry* e : services) {
    std::vector<const Endpoint*> hits;
    std::set<std::string> regions;
    for (const auto& ep : e->endpoints) {
      if (ep.interface != iface) continue;
      if (!region.empty() && ep.region != region) continue;
      hits.push_back(&ep);
      regions.insert(ep.region);
    }
    if (hits.empty()) continue;
    if (regions.size() > 1) {
      std::string list;
      for (const auto& r : regions) list += (list.empty() ? "" : ", ") + r;
      return Result<std::string>::Fail(
          "service '" + service_type + "' has " + iface + " endpoints in several regions",
          "regions: " + list + "; set region_name in clouds.yaml or providers.openstack.region");
    }
    std::string url = hits.front()->url;
    while (url.size() > 1 && url.back() == '/') url.pop_back();
    return url;
  }
  std::string offers;
  for (const CatalogEntry* e : services) {
    offers += (offers.empty() ? "" : "\n") + e->type + ": " + DescribeEndpoints(*e);
  }
  return Result<std::string>::Fail("service '" + service_type + "' has no " + iface + " endpoint" +
                                       (region.empty() ? "" : " in region '" + region + "'"),
                                   "catalog offers " + offers);
}

bool NeedsRefresh(const Token& token, int64_t now, int margin_seconds) {
  return token.value.empty() || now + margin_seconds >= token.expires_at;
}

}  // namespace capstan::openstack
