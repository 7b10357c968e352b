// Session: lazy Keystone authentication, token sharing and refresh (see session.h).
#include "providers/openstack/session.h"

#include <ctime>
#include <utility>

namespace capstan::openstack {
namespace {

/// Refresh a token this many seconds before it expires.
constexpr int kRefreshMarginSeconds = 300;

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

/// The legacy per-service microversion header for "compute 2.79" style values.
std::string LegacyMicroversionHeader(const std::string& microversion) {
  auto space = microversion.find(' ');
  if (space == std::string::npos) return {};
  std::string service = microversion.substr(0, space);
  if (service == "compute") return "X-OpenStack-Nova-API-Version";
  if (service == "volume") return "OpenStack-Volume-microversion";
  return {};
}

/// True when the diagnostics describe an HTTP 401 answer.
bool IsUnauthorized(const Diagnostics& d) {
  for (const auto& item : d.items()) {
    if (item.summary.find("HTTP 401") != std::string::npos) return true;
  }
  return false;
}

}  // namespace

ApiCall ApiCall::Get(std::string service, std::string path) {
  ApiCall c;
  c.service = std::move(service);
  c.path = std::move(path);
  return c;
}

ApiCall ApiCall::Post(std::string service, std::string path, Value body) {
  ApiCall c = Get(std::move(service), std::move(path));
  c.method = "POST";
  c.body = std::move(body);
  return c;
}

ApiCall ApiCall::Put(std::string service, std::string path, Value body) {
  ApiCall c = Post(std::move(service), std::move(path), std::move(body));
  c.method = "PUT";
  return c;
}

ApiCall ApiCall::Delete(std::string service, std::string path) {
  ApiCall c = Get(std::move(service), std::move(path));
  c.method = "DELETE";
  c.delete_404_ok = true;
  return c;
}

Session::Session(CloudConfig cloud, HttpOptions options, HttpHooks hooks)
    : cloud_(std::move(cloud)) {
  if (options.cacert.empty()) options.cacert = cloud_.cacert;
  options.verify = options.verify && cloud_.verify;
  http_ = std::make_unique<HttpClient>(std::move(options), std::move(hooks));
}

Session::Session(Diagnostics why)
    : broken_(std::move(why)), http_(std::make_unique<HttpClient>()) {}

Result<Token> Session::Authenticate(const std::atomic<bool>* cancel) {
  HttpRequest req;
  req.method = "POST";
  req.url = cloud_.auth_url + "/auth/tokens";
  req.body = AuthBody(cloud_).dump();
  req.ok_statuses = {401, 403, 404};
  req.repeatable = true;  // a token request changes nothing: repeat it when its answer is lost
  auto resp = http_->Send(req, cancel);
  if (!resp.ok()) {
    Diagnostics d;
    d.Error("cannot reach Keystone at " + cloud_.auth_url + " (cloud \"" + cloud_.name + "\")",
            resp.diags().ToString());
    return d;
  }
  auto token = ParseTokenResponse(resp->status, resp->Header("x-subject-token"), resp->body);
  if (!token.ok()) {
    Diagnostics d;
    std::string detail = token.diags().ToString() + "\nCloud \"" + cloud_.name + "\" from " +
                         cloud_.source + ", auth_url " + cloud_.auth_url + ", auth_type " +
                         cloud_.auth_type + ".";
    d.Error("authentication failed for cloud \"" + cloud_.name + "\"", detail);
    return d;
  }
  return token;
}

Result<Token> Session::EnsureToken(const std::atomic<bool>* cancel, const std::string& stale) {
  if (!broken_.empty()) return broken_;
  std::lock_guard<std::mutex> lock(mu_);
  bool rejected = !stale.empty() && token_.value == stale;
  if (!rejected && !NeedsRefresh(token_, std::time(nullptr), kRefreshMarginSeconds)) {
    return token_;
  }
  auto fresh = Authenticate(cancel);
  if (!fresh.ok()) return fresh;
  token_ = *fresh;
  return token_;
}

Result<Token> Session::CurrentToken(const std::atomic<bool>* cancel) { return EnsureToken(cancel); }

Result<std::string> Session::Endpoint(const std::string& service, const std::atomic<bool>* cancel) {
  auto token = EnsureToken(cancel);
  if (!token.ok()) return token.diags();
  return SelectEndpoint(*token, service, cloud_.interface, cloud_.region);
}

Result<HttpRequest> Session::Prepare(const ApiCall& call, const Token& token) {
  HttpRequest req;
  req.method = call.method;
  if (StartsWith(call.path, "http://") || StartsWith(call.path, "https://")) {
    req.url = call.path;
  } else {
    auto base = SelectEndpoint(token, call.service, cloud_.interface, cloud_.region);
    if (!base.ok()) return base.diags();
    req.url = *base + call.path;
  }
  req.headers.emplace_back("X-Auth-Token", token.value);
  if (!call.body.is_null()) {
    req.body = call.body.dump();
  } else if (!call.raw_body.empty() || !call.content_type.empty()) {
    req.body = call.raw_body;
    req.headers.emplace_back("Content-Type", call.content_type);
  }
  req.ok_statuses = call.ok_statuses;
  req.delete_404_ok = call.delete_404_ok;
  req.retry_409 = call.retry_409;
  req.timeout_seconds = call.timeout_seconds;
  if (!call.microversion.empty()) {
    req.microversion_header = "OpenStack-API-Version: " + call.microversion;
    std::string legacy = LegacyMicroversionHeader(call.microversion);
    if (!legacy.empty()) {
      req.headers.emplace_back(legacy, call.microversion.substr(call.microversion.find(' ') + 1));
    }
  }
  return req;
}

Result<HttpResponse> Session::Send(const ApiCall& call, const std::atomic<bool>* cancel) {
  auto token = EnsureToken(cancel);
  if (!token.ok()) return token.diags();
  for (int attempt = 0;; ++attempt) {
    auto req = Prepare(call, *token);
    if (!req.ok()) return req.diags();
    req->ok_statuses.push_back(401);
    auto resp = http_->Send(*req, cancel);
    if (!resp.ok()) return resp;
    if (resp->status != 401) return resp;
    bool wanted_401 = false;
    for (int s : call.ok_statuses) wanted_401 = wanted_401 || s == 401;
    if (attempt == 1) {
      if (wanted_401) return resp;
      return Result<HttpResponse>::Fail(
          call.method + " " + UrlPath(req->url) + ": HTTP 401 Unauthorized after re-authenticating",
          ExtractCloudMessage(resp->body));
    }
    token = EnsureToken(cancel, token->value);
    if (!token.ok()) return token.diags();
  }
}

Result<Value> Session::Json(const ApiCall& call, const std::atomic<bool>* cancel) {
  auto resp = Send(call, cancel);
  if (!resp.ok()) return resp.diags();
  if (resp->body.find_first_not_of(" \t\r\n") == std::string::npos) return Value(nullptr);
  try {
    return Value::parse(resp->body);
  } catch (const Value::exception& e) {
    return Result<Value>::Fail(
        call.method + " " + UrlPath(call.path) + ": the response is not JSON",
        std::string(e.what()) + "\nThe body starts: " + resp->body.substr(0, 200));
  }
}

Result<std::vector<Value>> Session::List(const ApiCall& first, const std::string& key,
                                         const std::atomic<bool>* cancel) {
  std::string stale;
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto token = EnsureToken(cancel, stale);
    if (!token.ok()) return token.diags();
    auto req = Prepare(first, *token);
    if (!req.ok()) return req.diags();
    auto items = ListAll(*http_, *req, key, cancel);
    if (items.ok() || attempt == 1 || !IsUnauthorized(items.diags())) return items;
    stale = token->value;
  }
  return Result<std::vector<Value>>::Fail("unreachable");
}

}  // namespace capstan::openstack
