// Session: one authenticated conversation with one OpenStack cloud.
//
/// Every resource type needs "call service X at path Y with a valid token", so the token
/// life cycle lives here once: authenticate lazily on the first call (so `validate` never
/// touches the network), share one token across all threads, refresh it five minutes
/// before expiry, and on a 401 re-authenticate once and repeat the call (the token may
/// have been revoked). Endpoints come from the token's catalog, for the configured
/// interface and region. Errors keep the HTTP layer's shape (method, path, status, the
/// cloud's message, request id) and never contain a token or a password.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/result.h"
#include "engine/value.h"
#include "providers/openstack/cloud_config.h"
#include "providers/openstack/http.h"
#include "providers/openstack/keystone.h"

namespace capstan::openstack {

/// One API call, relative to a service's catalog endpoint.
struct ApiCall {
  std::string service;  ///< Catalog service type: network, compute, image, identity, volumev3.
  std::string method = "GET";
  std::string path;          ///< "/v2.0/networks?name=x", appended to the endpoint (or a full URL).
  Value body;                ///< JSON body; null = none.
  std::string raw_body;      ///< Non-JSON body (image upload); used when body is null.
  std::string content_type;  ///< For raw_body, e.g. application/octet-stream.
  std::vector<int> ok_statuses;  ///< Statuses returned instead of failing (e.g. {404}).
  bool delete_404_ok = false;    ///< A DELETE answered 404 counts as done.
  bool retry_409 = false;        ///< 409 means "busy, retry" for this call.
  /// "compute 2.79" → OpenStack-API-Version plus the legacy per-service header.
  std::string microversion;
  int timeout_seconds = 60;

  static ApiCall Get(std::string service, std::string path);
  static ApiCall Post(std::string service, std::string path, Value body);
  static ApiCall Put(std::string service, std::string path, Value body);
  static ApiCall Delete(std::string service, std::string path);
};

class Session {
 public:
  explicit Session(CloudConfig cloud, HttpOptions options = {}, HttpHooks hooks = {});
  /// A session whose cloud could not be resolved: every call fails with `why`. Lets
  /// `validate` work without credentials while `plan` reports the real problem.
  explicit Session(Diagnostics why);

  /// Sends the call with a valid token; re-authenticates once on 401.
  Result<HttpResponse> Send(const ApiCall& call, const std::atomic<bool>* cancel = nullptr);
  /// Send and parse the body as JSON (null for an empty body).
  Result<Value> Json(const ApiCall& call, const std::atomic<bool>* cancel = nullptr);
  /// All items of `key` over every page, starting with the GET `first`.
  Result<std::vector<Value>> List(const ApiCall& first, const std::string& key,
                                  const std::atomic<bool>* cancel = nullptr);

  /// The base URL of a service for this cloud's interface and region.
  Result<std::string> Endpoint(const std::string& service,
                               const std::atomic<bool>* cancel = nullptr);
  /// The current token (authenticating when needed); for project and user ids.
  Result<Token> CurrentToken(const std::atomic<bool>* cancel = nullptr);

  const CloudConfig& cloud() const { return cloud_; }
  HttpClient& http() { return *http_; }

 private:
  /// Builds the HTTP request for `call` with `token`.
  Result<HttpRequest> Prepare(const ApiCall& call, const Token& token);
  /// Authenticates unless a token valid for five more minutes exists, or `stale` (the
  /// value that just got a 401) is still the current one.
  Result<Token> EnsureToken(const std::atomic<bool>* cancel, const std::string& stale = {});
  Result<Token> Authenticate(const std::atomic<bool>* cancel);

  CloudConfig cloud_;
  Diagnostics broken_;  ///< Non-empty when the cloud could not be resolved.
  std::unique_ptr<HttpClient> http_;
  std::mutex mu_;  ///< Guards token_ and serializes authentication.
  Token token_;
};

}  // namespace capstan::openstack
