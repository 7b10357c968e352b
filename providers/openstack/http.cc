// HttpClient on libcurl: pooled easy handles, a shared connection cache, retries,
// cancellation.
//
/// libcurl easy handles are not thread-safe, but creating one per request throws away
/// the connection cache. So the client keeps a small pool of handles (one per thread
/// that is concurrently inside Send) and a CURLSH share that holds DNS, connections and
/// TLS sessions for all of them, with the locking libcurl asks for. Servers that close
/// the connection after each response (uwsgi in the test bed) simply cost a reconnect;
/// libcurl notices the closed socket before reusing it.
#include "providers/openstack/http.h"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <mutex>
#include <random>
#include <thread>

#include "providers/openstack/fields.h"
#include "providers/openstack/http_internal.h"

namespace capstan::openstack {
namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

bool Cancelled(const std::atomic<bool>* cancel) { return cancel && cancel->load(); }

/// Waits in short slices so a cancel flag is seen within ~20 ms.
bool RealSleep(std::chrono::milliseconds delay, const std::atomic<bool>* cancel) {
  auto deadline = std::chrono::steady_clock::now() + delay;
  for (;;) {
    if (Cancelled(cancel)) return false;
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return true;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        deadline - now, std::chrono::milliseconds(20)));
  }
}

double RealRandom() {
  thread_local std::mt19937_64 rng(std::random_device{}() ^
                                   std::hash<std::thread::id>{}(std::this_thread::get_id()));
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

bool IsIdempotent(const std::string& method) {
  return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" ||
         method == "OPTIONS";
}

bool IsConnectionError(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

struct Attempt {
  CURLcode code = CURLE_OK;
  std::string error;  ///< libcurl's error buffer (or strerror).
  bool sent = false;  ///< The request may have reached the server.
  HttpResponse response;
};

size_t WriteBody(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

size_t WriteHeader(char* data, size_t size, size_t n, void* user) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(user);
  std::string line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) {
    headers->clear();  // A new response (after 100 Continue or similar) starts.
  } else if (size_t colon = line.find(':'); colon != std::string::npos) {
    (*headers)[Lower(Trim(line.substr(0, colon)))] = Trim(line.substr(colon + 1));
  }
  return size * n;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return Cancelled(static_cast<const std::atomic<bool>*>(user)) ? 1 : 0;
}

bool HasHeader(const HttpRequest& r, const std::string& lname) {
  return std::any_of(r.headers.begin(), r.headers.end(),
                     [&](const auto& h) { return Lower(h.first) == lname; });
}

bool HasLineBreak(const std::string& s) { return s.find_first_of("\r\n") != std::string::npos; }

}  // namespace

std::string HttpResponse::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

struct HttpClient::Impl {
  CURLSH* share = nullptr;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> share_locks;
  std::mutex pool_mu;
  std::vector<CURL*> idle;
  mutable std::mutex stats_mu;
  HttpStats stats;

  static void Lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
    static_cast<Impl*>(user)->share_locks[data].lock();
  }
  static void Unlock(CURL*, curl_lock_data data, void* user) {
    static_cast<Impl*>(user)->share_locks[data].unlock();
  }

  Impl() {
    GlobalInit();
    share = curl_share_init();
    if (share) {
      curl_share_setopt(share, CURLSHOPT_LOCKFUNC, &Impl::Lock);
      curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, &Impl::Unlock);
      curl_share_setopt(share, CURLSHOPT_USERDATA, this);
      curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
      curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
      curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    }
  }
  ~Impl() {
    for (CURL* h : idle) curl_easy_cleanup(h);
    if (share) curl_share_cleanup(share);
  }

  CURL* Acquire() {
    {
      std::lock_guard<std::mutex> lock(pool_mu);
      if (!idle.empty()) {
        CURL* h = idle.back();
        idle.pop_back();
        return h;
      }
    }
    return curl_easy_init();
  }
  void Release(CURL* h) {
    std::lock_guard<std::mutex> lock(pool_mu);
    idle.push_back(h);
  }

  void Count(const std::string& method, bool retry) {
    std::lock_guard<std::mutex> lock(stats_mu);
    ++stats.requests;
    ++stats.requests_by_method[method];
    if (retry) ++stats.retries;
  }

  Attempt Perform(const HttpOptions& opts, const HttpRequest& req, const std::atomic<bool>* cancel);
};

Attempt HttpClient::Impl::Perform(const HttpOptions& opts, const HttpRequest& req,
                                  const std::atomic<bool>* cancel) {
  Attempt a;
  CURL* h = Acquire();
  if (!h) {
    a.code = CURLE_FAILED_INIT;
    a.error = "could not create a libcurl handle";
    return a;
  }
  curl_easy_reset(h);
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_slist* headers = nullptr;
  for (const auto& [name, value] : req.headers) {
    headers = curl_slist_append(headers, (name + ": " + value).c_str());
  }
  if (!req.microversion_header.empty()) {
    headers = curl_slist_append(headers, req.microversion_header.c_str());
  }
  if (!HasHeader(req, "accept")) headers = curl_slist_append(headers, "Accept: application/json");
  if (!req.body.empty() && !HasHeader(req, "content-type")) {
    headers = curl_slist_append(headers, "Content-Type: application/json");
  }
  headers = curl_slist_append(headers, "Expect:");  // No 100-continue round trip.

  if (share) curl_easy_setopt(h, CURLOPT_SHARE, share);
  curl_easy_setopt(h, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_USERAGENT, opts.user_agent.c_str());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &WriteBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &a.response.body);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &WriteHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &a.response.headers);
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &OnProgress);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(cancel));
  long timeout = std::max(1, req.timeout_seconds);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, std::min(timeout, 15L));
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, opts.verify ? 1L : 0L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, opts.verify ? 2L : 0L);
  if (!opts.cacert.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, opts.cacert.c_str());

  if (req.method == "GET") {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else if (req.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else {
    if (req.method != "POST") curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    if (req.method == "POST" || req.method == "PUT" || req.method == "PATCH" || !req.body.empty()) {
      curl_easy_setopt(h, CURLOPT_POST, 1L);
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, req.body.c_str());
    }
  }

  a.code = curl_easy_perform(h);
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  curl_off_t pretransfer = 0;
  curl_easy_getinfo(h, CURLINFO_PRETRANSFER_TIME_T, &pretransfer);
  a.sent = a.code != CURLE_COULDNT_CONNECT && pretransfer > 0;
  a.response.status = static_cast<int>(status);
  if (a.code != CURLE_OK) a.error = errbuf[0] ? errbuf : curl_easy_strerror(a.code);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
  curl_slist_free_all(headers);
  Release(h);

  a.response.request_id = a.response.Header("x-openstack-request-id");
  if (a.response.request_id.empty()) {
    a.response.request_id = a.response.Header("x-compute-request-id");
  }
  return a;
}

HttpClient::HttpClient(HttpOptions options, HttpHooks hooks)
    : options_(std::move(options)), hooks_(std::move(hooks)), impl_(std::make_unique<Impl>()) {
  if (!hooks_.sleep) hooks_.sleep = &RealSleep;
  if (!hooks_.now) hooks_.now = [] { return std::chrono::system_clock::now(); };
  if (!hooks_.random) hooks_.random = &RealRandom;
}

HttpClient::~HttpClient() = default;

HttpStats HttpClient::stats() const {
  std::lock_guard<std::mutex> lock(impl_->stats_mu);
  return impl_->stats;
}

Result<HttpResponse> HttpClient::Send(const HttpRequest& request, const std::atomic<bool>* cancel) {
  const std::string label = internal::RequestLabel(request);
  auto fail = [&](std::string summary, std::string detail) {
    Diagnostics d;
    d.Error(RedactSecrets(std::move(summary), request), RedactSecrets(std::move(detail), request));
    return Result<HttpResponse>(std::move(d));
  };
  if (request.url.empty()) return fail(request.method + ": no URL given", {});
  for (const auto& [name, value] : request.headers) {
    if (HasLineBreak(name) || HasLineBreak(value)) {
      return fail(label + ": header " + name + " contains a line break", {});
    }
  }
  if (HasLineBreak(request.microversion_header)) {
    return fail(label + ": microversion header contains a line break", {});
  }
  const int max_retries = std::max(0, options_.max_retries);
  for (int attempt = 0;; ++attempt) {
    if (Cancelled(cancel)) return fail(label + ": cancelled", {});
    impl_->Count(request.method, attempt > 0);
    Attempt a = impl_->Perform(options_, request, cancel);
    const int attempts = attempt + 1;
    std::chrono::milliseconds delay =
        BackoffDelay(options_, attempt, hooks_.random ? hooks_.random() : 0.5);

    if (a.code == CURLE_ABORTED_BY_CALLBACK && Cancelled(cancel)) {
      return fail(label + ": cancelled", "The request was aborted while in flight.");
    }
    if (a.code != CURLE_OK) {
      bool repeatable = IsIdempotent(request.method) || request.repeatable;
      bool retriable = IsConnectionError(a.code) && (repeatable || !a.sent);
      if (!retriable || attempt >= max_retries) {
        std::string detail = a.error;
        if (attempts > 1) detail += "\nGave up after " + std::to_string(attempts) + " attempts.";
        if (a.sent && !repeatable) {
          detail += '\n';  // not "\n" + ...: GCC 12 warns falsely (-Warray-bounds)
          detail += kOutcomeUnknown;
        }
        return fail(label + ": " + curl_easy_strerror(a.code), detail);
      }
    } else {
      const int status = a.response.status;
      bool ok = (status >= 200 && status < 300) ||
                std::find(request.ok_statuses.begin(), request.ok_statuses.end(), status) !=
                    request.ok_statuses.end() ||
                (status == 404 && request.delete_404_ok && request.method == "DELETE");
      if (ok) return std::move(a.response);
      bool retriable = IsRetriableStatus(status) || (status == 409 && request.retry_409);
      if (!retriable || attempt >= max_retries) {
        return Result<HttpResponse>(internal::StatusError(request, a.response, attempts));
      }
      auto retry_after = ParseRetryAfter(a.response.Header("retry-after"), hooks_.now());
      if (retry_after.count() >= 0) {
        delay = std::min(retry_after, std::chrono::milliseconds(options_.max_backoff_ms));
      }
    }
    if (!hooks_.sleep(delay, cancel) || Cancelled(cancel)) {
      return fail(label + ": cancelled", "Cancelled while waiting to retry.");
    }
  }
}

}  // namespace capstan::openstack
