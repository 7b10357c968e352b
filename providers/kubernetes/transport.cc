// Transport (see transport.h): libcurl with in-memory PEM blobs, retries, cancellation.
#include "providers/kubernetes/transport.h"

#include <curl/curl.h>

#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

namespace capstan::kube {
namespace {

constexpr int kMaxRetries = 4;

size_t WriteBody(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* cancel = static_cast<const std::atomic<bool>*>(user);
  return cancel != nullptr && cancel->load() ? 1 : 0;
}

bool SleepUnlessCancelled(std::chrono::milliseconds d, const std::atomic<bool>* cancel) {
  auto deadline = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < deadline) {
    if (cancel != nullptr && cancel->load()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

bool Retriable(int status) {
  return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

void SetBlob(CURL* h, CURLoption opt, const std::string& pem) {
  curl_blob blob;
  blob.data = const_cast<char*>(pem.data());
  blob.len = pem.size();
  blob.flags = CURL_BLOB_COPY;
  curl_easy_setopt(h, opt, &blob);
}

}  // namespace

struct Transport::Pool {
  std::mutex mu;
  std::vector<CURL*> free;
  ~Pool() {
    for (CURL* h : free) curl_easy_cleanup(h);
  }
  CURL* Acquire() {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (!free.empty()) {
        CURL* h = free.back();
        free.pop_back();
        return h;
      }
    }
    return curl_easy_init();
  }
  void Release(CURL* h) {
    std::lock_guard<std::mutex> lock(mu);
    free.push_back(h);
  }
};

Transport::Transport(Connection conn) : conn_(std::move(conn)), pool_(std::make_unique<Pool>()) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

Transport::~Transport() = default;

Result<HttpAnswer> Transport::Send(const std::string& method, const std::string& target,
                                   const std::string& content_type, const std::string& body,
                                   const std::atomic<bool>* cancel, int timeout_seconds) {
  std::string url = conn_.server + target;
  std::string what = method + " " + target.substr(0, target.find('?'));
  std::string last_error;
  for (int attempt = 0;; ++attempt) {
    if (cancel != nullptr && cancel->load()) {
      return Result<HttpAnswer>::Fail(what + ": cancelled");
    }
    CURL* h = pool_->Acquire();
    if (h == nullptr) return Result<HttpAnswer>::Fail(what + ": could not create a libcurl handle");
    curl_easy_reset(h);
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, "Accept: application/json");
    if (!content_type.empty()) {
      headers = curl_slist_append(headers, ("Content-Type: " + content_type).c_str());
    }
    if (!conn_.token.empty()) {
      headers = curl_slist_append(headers, ("Authorization: Bearer " + conn_.token).c_str());
    }
    headers = curl_slist_append(headers, "Expect:");
    HttpAnswer answer;
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "capstan");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &WriteBody);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &answer.body);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &OnProgress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(cancel));
    curl_easy_setopt(h, CURLOPT_TIMEOUT, static_cast<long>(std::max(1, timeout_seconds)));
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 15L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, conn_.insecure ? 0L : 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, conn_.insecure ? 0L : 2L);
    if (!conn_.ca_pem.empty()) SetBlob(h, CURLOPT_CAINFO_BLOB, conn_.ca_pem);
    if (!conn_.client_cert_pem.empty()) {
      SetBlob(h, CURLOPT_SSLCERT_BLOB, conn_.client_cert_pem);
      SetBlob(h, CURLOPT_SSLKEY_BLOB, conn_.client_key_pem);
      curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
      curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM");
    }
    if (method == "GET") {
      curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else {
      curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
    }
    CURLcode code = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
    curl_slist_free_all(headers);
    pool_->Release(h);

    if (code == CURLE_ABORTED_BY_CALLBACK) return Result<HttpAnswer>::Fail(what + ": cancelled");
    bool retry = false;
    if (code != CURLE_OK) {
      last_error = errbuf[0] ? errbuf : curl_easy_strerror(code);
      retry = code == CURLE_COULDNT_CONNECT || code == CURLE_OPERATION_TIMEDOUT ||
              code == CURLE_SEND_ERROR || code == CURLE_RECV_ERROR || code == CURLE_GOT_NOTHING;
    } else {
      answer.status = static_cast<int>(status);
      if (!Retriable(answer.status) || attempt >= kMaxRetries) return answer;
      retry = true;
      last_error = "HTTP " + std::to_string(answer.status);
    }
    if (!retry || attempt >= kMaxRetries) {
      return Result<HttpAnswer>::Fail(what + ": cannot reach the Kubernetes API at " + conn_.server,
                                      last_error);
    }
    if (!SleepUnlessCancelled(std::chrono::milliseconds(200 << attempt), cancel)) {
      return Result<HttpAnswer>::Fail(what + ": cancelled");
    }
  }
}

std::string QueryEscape(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace capstan::kube
