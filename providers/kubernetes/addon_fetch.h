// Fetching addon manifests: a content-addressed local cache and sha256 pins.
//
/// Upstream manifests are mutable URLs (a re-tagged release, a compromised mirror), and
/// capstan cannot ship their hashes (they are only known once fetched). So a file is pinned
/// on first use: the sha256 of the first fetch is recorded in state (`manifest_sha256`),
/// shown in later plans, and every later fetch of the same file must produce the same
/// hash — or it is an error naming the file, the URL and both hashes. An explicit
/// `sha256` property pins before the first fetch.
///
/// http(s) downloads go through the OpenStack HttpClient (retries, cancellation; redirects
/// followed here, as GitHub release downloads need) and are kept in the cache as
/// `<cache>/<sha256>`, with `<cache>/urls/<sha256 of the URL>` naming the content of each
/// URL fetched, so a pinned or previously fetched URL is never downloaded again. The cache
/// is `$CAPSTAN_ADDON_CACHE`, else `$XDG_CACHE_HOME/capstan/addons`, else
/// `~/.cache/capstan/addons`. Local sources (`file:///dir/...` or a plain path) are read
/// directly every time — they are mirrors already — and checked against the pin all the
/// same.
#pragma once

#include <atomic>
#include <string>

#include "engine/result.h"

namespace capstan::kube {

/// The sha256 a file must have, and where that requirement comes from (for messages:
/// "recorded in state on first use", "the sha256 property").
struct Pin {
  std::string sha256;
  std::string origin;
};

struct Fetched {
  std::string body;
  std::string sha256;
  bool from_cache = false;  ///< Served from the cache without a download.
};

/// The cache directory as described above.
std::string AddonCacheDir();

/// Fetches `url` (http://, https://, file:// or a local path). `key` names the file in
/// errors (its upstream URL); `pin.sha256` empty = not pinned. `cache_dir` empty = the
/// default.
Result<Fetched> FetchManifest(const std::string& url, const std::string& key, const Pin& pin,
                              const std::string& cache_dir = "",
                              const std::atomic<bool>* cancel = nullptr);

}  // namespace capstan::kube
