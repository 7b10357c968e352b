// Keystone v3 authentication as pure functions: request bodies, token responses,
// catalog endpoint selection and token expiry.
//
/// The HTTP side (POST /v3/auth/tokens through HttpClient) is a few lines once these
/// exist; keeping the protocol knowledge here, free of I/O, lets every shape Keystone
/// produces (password vs application credential, unscoped tokens, multi-region catalogs,
/// 401 bodies) be pinned by unit tests with canned responses. Nothing here ever puts a
/// password, secret or token into an error message.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/result.h"
#include "engine/value.h"
#include "providers/openstack/cloud_config.h"

namespace capstan::openstack {

struct Endpoint {
  std::string interface;  ///< public | internal | admin
  std::string region;     ///< region_id (falls back to the legacy `region` field)
  std::string url;
};

struct CatalogEntry {
  std::string type;  ///< Service type: compute, network, identity, ...
  std::string name;  ///< Service name: nova, neutron, ...
  std::vector<Endpoint> endpoints;
};

struct Token {
  std::string value;       ///< The X-Subject-Token header; secret.
  int64_t expires_at = 0;  ///< Unix seconds (UTC).
  std::string project_id, user_id;
  std::vector<CatalogEntry> catalog;
};

/// `{"auth": {"identity": {"methods": ["password"], ...}, "scope": {"project": ...}}}`.
/// The user is given by id, else by name + domain; the project by id, else by name +
/// domain. No scope when the config has no project.
Value PasswordAuthBody(const CloudConfig& cloud);

/// `{"auth": {"identity": {"methods": ["application_credential"], ...}}}` with the
/// credential by id, else by name + user (user id, else name + domain). Never a scope:
/// Keystone rejects one, the credential carries its project.
Value AppCredAuthBody(const CloudConfig& cloud);

/// The body for cloud.auth_type (password or v3applicationcredential).
Value AuthBody(const CloudConfig& cloud);

/// Interprets the answer to POST /v3/auth/tokens. 201/200 with a token → Token; 401 →
/// "authentication failed" with Keystone's message; other statuses name the status and
/// carry the message. The body's own token fields are checked (expires_at must parse).
Result<Token> ParseTokenResponse(int status, const std::string& subject_token_header,
                                 const std::string& body);

/// The URL of `service_type` (aliases such as volumev3 ↔ block-storage accepted) for
/// `interface` in `region` (empty = any, but several regions are an error), with
/// trailing slashes removed. Errors list what the catalog offers.
Result<std::string> SelectEndpoint(const Token& token, const std::string& service_type,
                                   const std::string& interface, const std::string& region);

/// True when the token is missing or expires within `margin_seconds` of `now`.
bool NeedsRefresh(const Token& token, int64_t now, int margin_seconds);

/// ISO-8601 timestamp ("2024-05-01T12:34:56.000000Z", "+02:00" offsets, no zone = UTC)
/// to Unix seconds; nullopt when it does not parse.
std::optional<int64_t> ParseIso8601(const std::string& s);

}  // namespace capstan::openstack
