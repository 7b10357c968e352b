// JSON requests and pagination on top of HttpClient.
//
/// OpenStack services page their lists three different ways: Neutron, Nova, Cinder and
/// Octavia return `<collection>_links` with rel="next" (absolute URLs, which behind a
/// proxy often name the wrong host or scheme), Glance returns a top-level "next" path,
/// and a few lists only honour `limit`/`marker`. Refresh and sweep must see every object,
/// so ListAll follows all three and rebases every link onto the endpoint the caller chose
/// (never sending the token to a host named by a response).
#include <cctype>
#include <set>

#include "providers/openstack/http.h"
#include "providers/openstack/http_internal.h"

namespace capstan::openstack {
namespace {

constexpr int kMaxPages = 10000;

/// "https://host:port" of a URL ("" when it has no scheme).
std::string Origin(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return {};
  size_t end = url.find_first_of("/?#", scheme + 3);
  return url.substr(0, end);
}

/// Path plus query of a URL or of a path-only reference.
std::string PathAndQuery(const std::string& ref) {
  size_t scheme = ref.find("://");
  if (scheme == std::string::npos) return ref;
  size_t start = ref.find_first_of("/?#", scheme + 3);
  if (start == std::string::npos) return "/";
  std::string out = ref.substr(start);
  return out.front() == '/' ? out : "/" + out;
}

/// Resolves a next link against the first request's URL: same origin, and the first
/// URL's path prefix (e.g. "/network" behind a proxy) kept when the link lacks it.
std::string Rebase(const std::string& href, const std::string& first_url,
                   const std::string& current_url) {
  const std::string origin = Origin(first_url);
  std::string rest = PathAndQuery(href);
  if (rest.empty()) return {};
  if (rest.front() != '/') {
    // Relative to the current document's directory.
    std::string dir = UrlPath(current_url);
    dir = dir.substr(0, dir.rfind('/') + 1);
    return origin + dir + rest;
  }
  std::string href_path = UrlPath(rest);
  size_t seg_end = href_path.find('/', 1);
  std::string seg = href_path.substr(0, seg_end);  // "/v2.0"
  std::string first_path = UrlPath(first_url);
  size_t pos = first_path.find(seg + "/");
  if (pos == std::string::npos && first_path.size() >= seg.size() &&
      first_path.compare(first_path.size() - seg.size(), seg.size(), seg) == 0) {
    pos = first_path.size() - seg.size();
  }
  if (pos != std::string::npos && pos > 0 && seg.size() > 1) {
    std::string prefix = first_path.substr(0, pos);
    if (rest.rfind(prefix + "/", 0) != 0) rest = prefix + rest;
  }
  return origin + rest;
}

std::string QueryParam(const std::string& url, const std::string& name) {
  size_t q = url.find('?');
  if (q == std::string::npos) return {};
  std::string query = url.substr(
      q + 1, url.find('#') == std::string::npos ? std::string::npos : url.find('#') - q - 1);
  size_t start = 0;
  while (start <= query.size()) {
    size_t amp = query.find('&', start);
    std::string kv =
        query.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
    if (kv.rfind(name + "=", 0) == 0) return kv.substr(name.size() + 1);
    if (amp == std::string::npos) break;
    start = amp + 1;
  }
  return {};
}

/// `url` with query parameter `name` set to `value` (replaced when present).
std::string SetQueryParam(const std::string& url, const std::string& name,
                          const std::string& value) {
  const std::string pair = name + "=" + PercentEncode(value);
  size_t q = url.find('?');
  if (q == std::string::npos) return url + "?" + pair;
  std::string base = url.substr(0, q + 1);
  std::string query = url.substr(q + 1);
  std::string out;
  bool replaced = false;
  size_t start = 0;
  while (start <= query.size()) {
    size_t amp = query.find('&', start);
    std::string kv =
        query.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
    if (kv.rfind(name + "=", 0) == 0) {
      kv = pair;
      replaced = true;
    }
    if (!kv.empty()) out += (out.empty() ? "" : "&") + kv;
    if (amp == std::string::npos) break;
    start = amp + 1;
  }
  if (!replaced) out += (out.empty() ? "" : "&") + pair;
  return base + out;
}

/// The href of the rel="next" entry of a links array, or "".
std::string NextFromLinks(const Value& links) {
  if (!links.is_array()) return {};
  for (const Value& l : links) {
    if (l.is_object() && l.value("rel", "") == "next" && l.contains("href") &&
        l["href"].is_string()) {
      return l["href"].get<std::string>();
    }
  }
  return {};
}

/// The next page's URL, or "" on the last page.
std::string NextUrl(const Value& page, const std::string& key, const std::string& first_url,
                    const std::string& current_url) {
  std::string href;
  if (auto it = page.find(key + "_links"); it != page.end()) href = NextFromLinks(*it);
  if (href.empty()) {
    if (auto it = page.find("next"); it != page.end() && it->is_string()) {
      href = it->get<std::string>();
    }
  }
  if (href.empty()) {
    if (auto it = page.find("links"); it != page.end()) {
      if (it->is_object() && it->contains("next") && (*it)["next"].is_string()) {
        href = (*it)["next"].get<std::string>();
      } else {
        href = NextFromLinks(*it);
      }
    }
  }
  if (!href.empty()) return Rebase(href, first_url, current_url);
  // Links present without a next one: this is the last page.
  if (page.contains(key + "_links") || page.contains("next") || page.contains("links")) return {};

  // Marker paging: a full page under an explicit limit means there may be more.
  const std::string limit = QueryParam(current_url, "limit");
  const Value& items = page[key];
  if (limit.empty() || items.empty() ||
      !std::all_of(limit.begin(), limit.end(), [](unsigned char c) { return std::isdigit(c); }) ||
      limit.size() > 9 || items.size() != std::stoul(limit)) {
    return {};
  }
  const Value& last = items.back();
  for (const char* id_key : {"id", "name"}) {
    if (last.is_object() && last.contains(id_key) && last[id_key].is_string()) {
      return SetQueryParam(current_url, "marker", last[id_key].get<std::string>());
    }
  }
  return {};
}

}  // namespace

std::string PercentEncode(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

Result<Value> SendJson(HttpClient& client, const HttpRequest& request,
                       const std::atomic<bool>* cancel) {
  auto response = client.Send(request, cancel);
  if (!response.ok()) return response.diags();
  const std::string& body = response->body;
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return Value(nullptr);
  try {
    return Value::parse(body);
  } catch (const Value::exception& e) {
    std::string detail = "HTTP " + std::to_string(response->status);
    std::string type = response->Header("content-type");
    if (!type.empty()) detail += ", Content-Type " + type;
    detail += ": " + std::string(e.what()) + "\nThe body starts: " + body.substr(0, 200);
    if (!response->request_id.empty()) {
      detail += "\n" + internal::RequestIdNote(response->request_id);
    }
    Diagnostics d;
    d.Error(internal::RequestLabel(request) + ": the response is not JSON",
            RedactSecrets(detail, request));
    return d;
  }
}

Result<std::vector<Value>> ListAll(HttpClient& client, HttpRequest first,
                                   const std::string& collection_key,
                                   const std::atomic<bool>* cancel) {
  std::vector<Value> items;
  const std::string first_url = first.url;
  HttpRequest req = std::move(first);
  std::set<std::string> seen;
  for (int pages = 0; pages < kMaxPages; ++pages) {
    seen.insert(req.url);
    auto page = SendJson(client, req, cancel);
    if (!page.ok()) return page.diags();
    if (!page->is_object() || !page->contains(collection_key) ||
        !(*page)[collection_key].is_array()) {
      Diagnostics d;
      d.Error(internal::RequestLabel(req) + ": the response has no \"" + collection_key + "\" list",
              "Page " + std::to_string(pages + 1) + " of the listing.");
      return d;
    }
    std::string next = NextUrl(*page, collection_key, first_url, req.url);
    for (Value& item : (*page)[collection_key]) items.push_back(std::move(item));
    if (next.empty()) return items;
    if (seen.count(next)) {
      Diagnostics d;
      d.Error(internal::RequestLabel(req) + ": pagination loops back to an earlier page",
              "Next link: " + UrlPath(next) + ". Stopped after " + std::to_string(pages + 1) +
                  " pages.");
      return d;
    }
    req.url = std::move(next);
  }
  Diagnostics d;
  d.Error(internal::RequestLabel(req) + ": more than " + std::to_string(kMaxPages) + " pages");
  return d;
}

}  // namespace capstan::openstack
