// Transport: HTTP to one Kubernetes API server over libcurl, with the kubeconfig's TLS.
//
/// The OpenStack HttpClient (providers/openstack/http.h) knows CA files but not client
/// certificates held in memory, which is how kubeconfigs usually carry them
/// (client-certificate-data). This small client mirrors its shape — pooled easy handles,
/// retries with backoff on connection failures and 429/5xx, prompt cancellation — and
/// adds PEM blobs for the CA, client certificate and key, and the bearer token. It
/// returns every HTTP answer (the caller interprets 404 and 409); only transport
/// failures are errors. Safe to use from many threads.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "engine/result.h"
#include "providers/kubernetes/kubeconfig.h"

namespace capstan::kube {

struct HttpAnswer {
  int status = 0;
  std::string body;
};

class Transport {
 public:
  explicit Transport(Connection conn);
  ~Transport();
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  /// `target` is the path and query ("/api/v1/namespaces/x"). GETs and DELETEs and
  /// apply PATCHes (idempotent by design) are retried on connection failures and
  /// 429/5xx. Errors name the method, the path and the server.
  Result<HttpAnswer> Send(const std::string& method, const std::string& target,
                          const std::string& content_type = "", const std::string& body = "",
                          const std::atomic<bool>* cancel = nullptr, int timeout_seconds = 60);

  const Connection& connection() const { return conn_; }

 private:
  struct Pool;
  Connection conn_;
  std::unique_ptr<Pool> pool_;
};

/// Percent-encodes a query parameter value.
std::string QueryEscape(const std::string& s);

}  // namespace capstan::kube
