// HttpClient: the one way the OpenStack provider talks HTTP (libcurl underneath).
//
/// Every OpenStack service call needs the same handful of things done right, so they
/// live here once instead of in each resource type:
///  - retries with exponential backoff and full jitter on 429/5xx and on connection
///    failures, honouring Retry-After, and 409 "busy" when a call asks for it;
///  - prompt cancellation (the second Ctrl-C) during transfers and backoff sleeps;
///  - errors that name the method, path and status and carry the cloud's own message
///    and request id, without ever echoing a token;
///  - thread safety with connection reuse: a pool of easy handles sharing one
///    DNS/connection/TLS-session cache, and correct behaviour against servers that close
///    the connection after every response (uwsgi in the test bed);
///  - pagination over Neutron/Nova/Glance links and marker-style paging.
/// See docs/providers/openstack-http.md.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/result.h"
#include "engine/value.h"

namespace capstan::openstack {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  /// Extra request headers ("X-Auth-Token", ...). Content-Type defaults to
  /// application/json when a body is present; Accept defaults to application/json.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  int timeout_seconds = 60;
  /// A 404 answering a DELETE counts as success (the object is already gone).
  bool delete_404_ok = false;
  /// Retry 409 Conflict like a 503 (OpenStack's "resource busy", e.g. router updates).
  bool retry_409 = false;
  /// A full header line, e.g. "OpenStack-API-Version: compute 2.79" or
  /// "X-OpenStack-Nova-API-Version: 2.79"; empty = none.
  std::string microversion_header;
  /// Statuses returned as a response instead of an error (e.g. {404} for a Read that
  /// maps "gone" to nullopt, {401} for re-authentication).
  std::vector<int> ok_statuses;
  /// The call changes nothing but its answer (POST /v3/auth/tokens issues a token), so a
  /// POST whose answer was lost is repeated like a GET instead of failing.
  bool repeatable = false;
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  ///< Lower-case names; last value wins.
  std::string body;
  std::string request_id;  ///< x-openstack-request-id, else x-compute-request-id.

  /// The header's value ("" when absent); `name` must be lower-case.
  std::string Header(const std::string& name) const;
};

struct HttpOptions {
  std::string cacert;   ///< CA bundle file; empty = system store.
  bool verify = true;   ///< false = no TLS peer/host verification (clouds.yaml verify: false).
  int max_retries = 5;  ///< Retries after the first attempt (so up to 1 + max_retries tries).
  int base_backoff_ms = 200;
  int max_backoff_ms = 10000;  ///< Caps both computed backoff and Retry-After.
  std::string user_agent = "capstan";
};

/// Seams for tests: sleeping, the wall clock and the jitter source. Empty members use
/// the real thing.
struct HttpHooks {
  /// Waits `delay` unless *cancel turns true first; returns false when cancelled.
  std::function<bool(std::chrono::milliseconds delay, const std::atomic<bool>* cancel)> sleep;
  /// Wall clock, for Retry-After given as an HTTP date.
  std::function<std::chrono::system_clock::time_point()> now;
  /// Uniform random number in [0, 1), for full jitter.
  std::function<double()> random;
};

/// Counters for benchmarks and tests. `requests` counts every attempt sent, retries
/// included.
struct HttpStats {
  uint64_t requests = 0;
  uint64_t retries = 0;
  std::map<std::string, uint64_t> requests_by_method;
};

class HttpClient {
 public:
  explicit HttpClient(HttpOptions options = {}, HttpHooks hooks = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// Sends `request`, retrying as documented. A 2xx (or an ok_statuses / delete_404_ok
  /// status) is a response; anything else is an error Diagnostic whose summary is
  /// "<METHOD> <path>: HTTP <status> <reason>" and whose detail carries the cloud's
  /// message and request id. Safe to call from many threads at once.
  Result<HttpResponse> Send(const HttpRequest& request, const std::atomic<bool>* cancel = nullptr);

  HttpStats stats() const;
  const HttpOptions& options() const { return options_; }

 private:
  struct Impl;
  HttpOptions options_;
  HttpHooks hooks_;
  std::unique_ptr<Impl> impl_;
};

/// Sends and parses the body as JSON. An empty body (204) gives null. A body that is not
/// JSON is an error naming the request, the parse error and the start of the body.
Result<Value> SendJson(HttpClient& client, const HttpRequest& request,
                       const std::atomic<bool>* cancel = nullptr);

/// Collects `collection_key` (e.g. "networks") across all pages, starting with `first`
/// (a GET). Follows, in this order: `<collection_key>_links` rel="next" (Neutron, Nova,
/// Cinder, Octavia); a top-level "next" string (Glance, relative path); "links":
/// {"next": ...}; and, only when the page carries none of these keys but the URL has
/// `limit=N` and the page held N items, `marker=<last item's id or name>`. Link origins are rebased
/// onto `first.url`'s origin so the token never travels to another host.
Result<std::vector<Value>> ListAll(HttpClient& client, HttpRequest first,
                                   const std::string& collection_key,
                                   const std::atomic<bool>* cancel = nullptr);

// ---- Pieces exposed for unit tests and for other provider code. ----

/// The cloud's own message from an error body: NeutronError, Nova's {"badRequest":
/// {"message"}} family, Keystone's {"error": {...}}, {"message": ...} (Glance, Octavia),
/// {"faultstring"}, or the trimmed text with HTML tags stripped. Never longer than ~1 KiB.
std::string ExtractCloudMessage(const std::string& body);

/// "/v2.0/networks" from "https://host:9696/v2.0/networks?name=x" (query dropped).
std::string UrlPath(const std::string& url);

/// Replaces every value of a credential header of `request` (X-Auth-Token,
/// Authorization, X-Subject-Token, X-Service-Token) found in `text` by "<redacted>".
std::string RedactSecrets(std::string text, const HttpRequest& request);

/// Percent-encodes a URL query parameter value (RFC 3986 unreserved kept).
std::string PercentEncode(const std::string& s);

/// True for statuses retried unconditionally: 429, 500, 502, 503, 504.
bool IsRetriableStatus(int status);

/// Delay before retry `attempt` (0-based): full jitter over
/// min(max_backoff, base * 2^attempt), using `random01` in [0, 1).
std::chrono::milliseconds BackoffDelay(const HttpOptions& options, int attempt, double random01);

/// Retry-After as a delay: delta-seconds or an HTTP date relative to `now`; -1 when
/// absent or unparsable. Not capped here.
std::chrono::milliseconds ParseRetryAfter(const std::string& value,
                                          std::chrono::system_clock::time_point now);

/// The text the client adds to the detail of a failed request that may have been carried
/// out: a POST or PATCH whose answer was lost after it was sent.
inline constexpr const char* kOutcomeUnknown =
    "The request was sent, so the cloud may have carried it out: its outcome is unknown.";

/// True when `diags` is the failure of a request that may have been carried out anyway —
/// an answer lost in transit (kOutcomeUnknown) or a 5xx, which a proxy or an overloaded
/// API can send after the work was done. A create that fails like this must look for the
/// object by its ownership marks before it makes another.
bool OutcomeUnknown(const Diagnostics& diags);

}  // namespace capstan::openstack
