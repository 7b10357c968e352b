// Retry policy of the OpenStack HTTP client: which answers are retried and how long to
// wait before the next try.
//
/// Kept as pure functions so the policy is unit-testable without a server or a clock:
/// exponential backoff with "full jitter" (a uniform delay in [0, min(cap, base*2^n)],
/// which spreads the retries of many parallel workers instead of synchronising them), and
/// Retry-After in both of its forms (delta-seconds and HTTP date).
#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "providers/openstack/http.h"

namespace capstan::openstack {

bool IsRetriableStatus(int status) {
  return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

std::chrono::milliseconds BackoffDelay(const HttpOptions& options, int attempt, double random01) {
  double base = std::max(0, options.base_backoff_ms);
  double cap = std::max(0, options.max_backoff_ms);
  double ceiling = std::min(cap, base * std::pow(2.0, std::clamp(attempt, 0, 30)));
  double r = std::clamp(random01, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<int64_t>(ceiling * r));
}

std::chrono::milliseconds ParseRetryAfter(const std::string& value,
                                          std::chrono::system_clock::time_point now) {
  size_t b = 0, e = value.size();
  while (b < e && std::isspace(static_cast<unsigned char>(value[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(value[e - 1]))) --e;
  std::string v = value.substr(b, e - b);
  if (v.empty()) return std::chrono::milliseconds(-1);
  if (std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c); })) {
    if (v.size() > 9) return std::chrono::milliseconds(int64_t{999999999} * 1000);
    return std::chrono::seconds(std::stoll(v));
  }
  time_t when = curl_getdate(v.c_str(), nullptr);
  if (when == -1) return std::chrono::milliseconds(-1);
  auto delta = std::chrono::system_clock::from_time_t(when) - now;
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(delta);
  return std::max(ms, std::chrono::milliseconds(0));
}

bool OutcomeUnknown(const Diagnostics& diags) {
  for (const Diagnostic& d : diags.items()) {
    if (d.severity != Severity::kError) continue;
    if (d.detail.find(kOutcomeUnknown) != std::string::npos) return true;
    // "<METHOD> <path>: HTTP 5xx ...", the status error's summary (http_errors.cc).
    if (d.summary.find(": HTTP 5") != std::string::npos) return true;
  }
  return false;
}

}  // namespace capstan::openstack
