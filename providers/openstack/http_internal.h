// Internal helpers shared by the http_*.cc files (not part of the provider's API).
//
/// Kept apart from http.h so that resource code only sees the client, while the error
/// formatting used by Send, SendJson and ListAll is written once.
#pragma once

#include <string>

#include "providers/openstack/http.h"

namespace capstan::openstack::internal {

/// "Not Found" for 404, "" for codes without a well-known phrase.
std::string ReasonPhrase(int status);

/// "GET /v2.0/networks" (method plus path, no host, no query).
std::string RequestLabel(const HttpRequest& request);

/// The error for a completed exchange with a failing status: summary
/// "<METHOD> <path>: HTTP <status> <reason>", detail = cloud message, request id and
/// (when attempts > 1) how many attempts were made. Secrets redacted.
Diagnostic StatusError(const HttpRequest& request, const HttpResponse& response, int attempts);

/// "(request id req-...)" or "".
std::string RequestIdNote(const std::string& request_id);

}  // namespace capstan::openstack::internal
