// Tests for the pure parts of the HTTP layer: the cloud-message extraction for every
// OpenStack error envelope, URL paths, secret redaction, backoff and Retry-After.
#include <catch2/catch.hpp>

#include "providers/openstack/http.h"

namespace capstan::openstack {
namespace {

using std::chrono::milliseconds;

TEST_CASE("ExtractCloudMessage reads Neutron's NeutronError with type and message") {
  CHECK(ExtractCloudMessage(R"({"NeutronError": {"type": "NetworkNotFound", "message": )"
                            R"("Network n1 could not be found.", "detail": ""}})") ==
        "NetworkNotFound: Network n1 could not be found.");
  CHECK(ExtractCloudMessage(R"({"NeutronError": {"type": "BadRequest", "message": "m", )"
                            R"("detail": "more"}})") == "BadRequest: m (more)");
}

TEST_CASE("ExtractCloudMessage reads Nova's fault-named envelopes") {
  for (const char* key :
       {"badRequest", "itemNotFound", "conflictingRequest", "forbidden", "overLimit"}) {
    INFO(key);
    std::string body =
        std::string(R"({")") + key + R"(": {"code": 400, "message": "the cloud's words"}})";
    CHECK(ExtractCloudMessage(body) == "the cloud's words");
  }
}

TEST_CASE("ExtractCloudMessage reads Keystone's error object and falls back to its title") {
  CHECK(ExtractCloudMessage(R"({"error": {"message": "The request you have made requires )"
                            R"(authentication.", "code": 401, "title": "Unauthorized"}})") ==
        "The request you have made requires authentication.");
  CHECK(ExtractCloudMessage(R"({"error": {"code": 403, "title": "Forbidden"}})") == "Forbidden");
}

TEST_CASE(
    "ExtractCloudMessage reads Glance and Octavia message or faultstring and Placement "
    "errors") {
  CHECK(ExtractCloudMessage(R"({"message": "Image i1 not found"})") == "Image i1 not found");
  CHECK(ExtractCloudMessage(R"({"faultcode": "Client", "faultstring": "Load Balancer lb1 )"
                            R"(is immutable", "debuginfo": null})") ==
        "Load Balancer lb1 is immutable");
  CHECK(ExtractCloudMessage(R"({"errors": [{"status": 409, "title": "Conflict", "detail": )"
                            R"("inventory in use"}, {"title": "second"}]})") ==
        "inventory in use; second");
}

TEST_CASE("ExtractCloudMessage turns HTML and plain text into trimmed text") {
  std::string html =
      "<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n"
      "  <h1>404 Not Found</h1>\n  No image found with ID i1<br /><br />\n\n </body>\n</html>";
  CHECK(ExtractCloudMessage(html) == "404 Not Found No image found with ID i1");
  CHECK(ExtractCloudMessage("  \n Service Unavailable \r\n") == "Service Unavailable");
  CHECK(ExtractCloudMessage("").empty());
  CHECK(ExtractCloudMessage("{not json").find("{not json") == 0);
}

TEST_CASE("ExtractCloudMessage shows unknown JSON compactly and bounds long bodies") {
  CHECK(ExtractCloudMessage(R"({"weird": [1, 2]})") == R"({"weird":[1,2]})");
  std::string huge(10000, 'x');
  std::string m = ExtractCloudMessage(huge);
  CHECK(m.size() < 1100);
  CHECK(m.substr(m.size() - 3) == "...");
}

TEST_CASE("UrlPath keeps only the path") {
  CHECK(UrlPath("https://cloud:9696/v2.0/networks?name=x&limit=2") == "/v2.0/networks");
  CHECK(UrlPath("http://127.0.0.1:5000") == "/");
  CHECK(UrlPath("http://h/a#frag") == "/a");
  CHECK(UrlPath("/v2/images?marker=m") == "/v2/images");
}

TEST_CASE("RedactSecrets hides token and authorization values and bare bearer credentials") {
  HttpRequest req;
  req.headers = {{"X-Auth-Token", "tok-abc"},
                 {"authorization", "Bearer cred-xyz"},
                 {"Accept", "application/json"}};
  CHECK(RedactSecrets("a tok-abc b cred-xyz c application/json tok-abc", req) ==
        "a <redacted> b <redacted> c application/json <redacted>");
}

TEST_CASE("Only 429 500 502 503 and 504 are retriable statuses") {
  for (int s : {429, 500, 502, 503, 504}) CHECK(IsRetriableStatus(s));
  for (int s : {200, 400, 401, 403, 404, 409, 413, 501}) CHECK_FALSE(IsRetriableStatus(s));
}

TEST_CASE("BackoffDelay is full jitter over an exponential ceiling capped by max_backoff") {
  HttpOptions o;
  o.base_backoff_ms = 200;
  o.max_backoff_ms = 1000;
  CHECK(BackoffDelay(o, 0, 0.0) == milliseconds(0));
  CHECK(BackoffDelay(o, 0, 0.5) == milliseconds(100));
  CHECK(BackoffDelay(o, 1, 0.5) == milliseconds(200));
  CHECK(BackoffDelay(o, 2, 0.5) == milliseconds(400));
  CHECK(BackoffDelay(o, 3, 0.5) == milliseconds(500));    // ceiling capped at 1000
  CHECK(BackoffDelay(o, 50, 1.0) == milliseconds(1000));  // no overflow
}

TEST_CASE("ParseRetryAfter reads delta-seconds and HTTP dates and rejects garbage") {
  auto now = std::chrono::system_clock::from_time_t(1445412480);  // 2015-10-21 07:28:00Z
  CHECK(ParseRetryAfter("5", now) == milliseconds(5000));
  CHECK(ParseRetryAfter(" 0 ", now) == milliseconds(0));
  CHECK(ParseRetryAfter("Wed, 21 Oct 2015 07:28:10 GMT", now) == milliseconds(10000));
  CHECK(ParseRetryAfter("Wed, 21 Oct 2015 07:00:00 GMT", now) == milliseconds(0));
  CHECK(ParseRetryAfter("", now) == milliseconds(-1));
  CHECK(ParseRetryAfter("soon", now) == milliseconds(-1));
}

}  // namespace
}  // namespace capstan::openstack
