// Addon manifest fetching with the sha256 cache and pins (see addon_fetch.h).
#include "providers/kubernetes/addon_fetch.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "engine/hash.h"
#include "providers/openstack/http.h"

namespace capstan::kube {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxRedirects = 5;

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Writes through a temporary file and a rename, so a reader never sees half a file.
void WriteAtomically(const fs::path& path, const std::string& data) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  fs::path tmp = path;
  tmp += ".tmp" + std::to_string(getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << data;
    if (!out) return;  // a cache that cannot be written only costs a later download
  }
  fs::rename(tmp, path, ec);
  if (ec) fs::remove(tmp, ec);
}

/// The cached content `sha`, if present and intact.
std::optional<std::string> CachedContent(const fs::path& cache, const std::string& sha) {
  auto body = ReadFile((cache / sha).string());
  if (!body || Sha256Hex(*body) != sha) return std::nullopt;
  return body;
}

std::string Origin(const std::string& url) {
  size_t scheme = url.find("://");
  size_t slash = scheme == std::string::npos ? std::string::npos : url.find('/', scheme + 3);
  return slash == std::string::npos ? url : url.substr(0, slash);
}

Result<std::string> Download(const std::string& url, const std::atomic<bool>* cancel) {
  openstack::HttpClient http;
  std::string at = url;
  for (int hop = 0; hop <= kMaxRedirects; ++hop) {
    openstack::HttpRequest req;
    req.url = at;
    req.headers = {{"Accept", "*/*"}};
    req.timeout_seconds = 120;
    req.ok_statuses = {301, 302, 303, 307, 308};
    auto resp = http.Send(req, cancel);
    if (!resp.ok()) return resp.diags();
    if (resp->status < 300) return resp->body;
    std::string next = resp->Header("location");
    if (next.empty()) {
      return Result<std::string>::Fail("GET " + at + ": HTTP " + std::to_string(resp->status) +
                                       " without a Location header");
    }
    at = next.find("://") != std::string::npos ? next : Origin(at) + next;
  }
  return Result<std::string>::Fail("GET " + url + ": more than " + std::to_string(kMaxRedirects) +
                                   " redirects");
}

Result<Fetched> Checked(Fetched f, const std::string& url, const std::string& key, const Pin& pin) {
  if (pin.sha256.empty() || f.sha256 == pin.sha256) return f;
  return Result<Fetched>::Fail(
      key + ": sha256 mismatch: expected " + pin.sha256 + " (" + pin.origin + "), got " + f.sha256 +
          " from " + url,
      "The file changed since it was pinned (a re-published release, or a mirror holding "
      "another file). If the new content is intended, set sha256: {\"" +
          key.substr(key.rfind('/') + 1) + "\": \"" + f.sha256 + "\"} to accept it.");
}

}  // namespace

std::string AddonCacheDir() {
  const char* env = getenv("CAPSTAN_ADDON_CACHE");
  if (env != nullptr && *env) return env;
  const char* xdg = getenv("XDG_CACHE_HOME");
  if (xdg != nullptr && *xdg) return std::string(xdg) + "/capstan/addons";
  const char* home = getenv("HOME");
  return std::string(home != nullptr ? home : ".") + "/.cache/capstan/addons";
}

Result<Fetched> FetchManifest(const std::string& url, const std::string& key, const Pin& pin,
                              const std::string& cache_dir, const std::atomic<bool>* cancel) {
  if (!StartsWith(url, "http://") && !StartsWith(url, "https://")) {
    std::string path = StartsWith(url, "file://") ? url.substr(7) : url;
    auto body = ReadFile(path);
    if (!body) {
      return Result<Fetched>::Fail("cannot read " + path,
                                   "The mirror (`source`) must hold " + key +
                                       " at the same path as upstream, without the host.");
    }
    return Checked({*body, Sha256Hex(*body), false}, url, key, pin);
  }
  fs::path cache = cache_dir.empty() ? AddonCacheDir() : cache_dir;
  if (!pin.sha256.empty()) {
    if (auto body = CachedContent(cache, pin.sha256)) return Fetched{*body, pin.sha256, true};
  }
  fs::path index = cache / "urls" / Sha256Hex(url);
  if (auto known = ReadFile(index.string())) {
    if (pin.sha256.empty() || *known == pin.sha256) {
      if (auto body = CachedContent(cache, *known)) return Fetched{*body, *known, true};
    }
  }
  auto body = Download(url, cancel);
  if (!body.ok()) return body.diags();
  Fetched f{*body, Sha256Hex(*body), false};
  auto checked = Checked(f, url, key, pin);
  if (!checked.ok()) return checked;
  WriteAtomically(cache / f.sha256, f.body);
  WriteAtomically(index, f.sha256);
  return checked;
}

}  // namespace capstan::kube
