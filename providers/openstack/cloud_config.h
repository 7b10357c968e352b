// CloudConfig: which OpenStack cloud to talk to, and as whom.
//
/// Users already have working `openstack` CLI setups; capstan must find the very same
/// cloud the CLI finds, from the very same files and variables, or the first thing a user
/// sees is "works with openstack, fails with capstan". So resolution follows
/// openstacksdk/os-client-config:
///  - clouds.yaml (or .yml/.json) and secure.yaml are looked up in the working directory,
///    the user config dir ($XDG_CONFIG_HOME/openstack, ~/.config/openstack) and the system
///    dirs (/etc/xdg/openstack, /etc/openstack); the first file found of each kind wins.
///    OS_CLIENT_CONFIG_FILE / OS_CLIENT_SECURE_FILE name the files explicitly.
///  - secure.yaml is deep-merged over clouds.yaml (passwords kept out of the shared file).
///  - the cloud is the explicit name, else OS_CLOUD, else the plain OS_* variables.
/// Deliberate differences, all documented in docs/providers/openstack.md: a named cloud
/// takes only OS_REGION_NAME and OS_INTERFACE from the environment, never OS_* credentials
/// (mixing them breaks the CLI too, testbed gotcha 11); a missing OS_CLIENT_CONFIG_FILE is
/// an error rather than silently falling back; only Keystone v3 is supported.
///
/// Everything here is a pure function of an Environment (variables, home, cwd, system
/// dirs), so tests never read the real $HOME or /etc. No error message ever contains a
/// password or application-credential secret.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/result.h"
#include "engine/value.h"

namespace capstan::openstack {

/// One fully resolved cloud: everything needed for a Keystone v3 token request and for
/// choosing endpoints from its catalog.
struct CloudConfig {
  std::string name;       ///< clouds.yaml key, "envvars" for OS_* variables.
  std::string auth_type;  ///< "password" or "v3applicationcredential" after resolution.
  std::string auth_url;   ///< Always ends in "/v3".
  std::string username, password, user_id, user_domain_name, user_domain_id;
  std::string project_name, project_id, project_domain_name, project_domain_id;
  std::string app_cred_id, app_cred_name, app_cred_secret;
  std::string region;
  std::string interface = "public";
  std::string cacert;  ///< Path of a CA bundle; empty = system trust store.
  bool verify = true;  ///< false = do not verify TLS certificates (insecure).
  std::string source;  ///< Where it came from: file path(s), "environment", overlays.
};

/// The process environment as resolution sees it; tests build one by hand.
struct Environment {
  std::map<std::string, std::string> vars;  ///< Environment variables.
  std::string home;                         ///< $HOME; empty = no user config dir.
  std::string cwd;                          ///< Working directory; empty = skip.
  /// System-wide config dirs, searched after the user's.
  std::vector<std::string> system_dirs = {"/etc/xdg/openstack", "/etc/openstack"};

  /// The real environment of this process (environ, $HOME, getcwd()).
  static Environment FromProcess();
  /// The variable's value, or "" when unset. Empty counts as unset, as in openstacksdk.
  std::string Get(const std::string& name) const;
  /// The directories searched for clouds.yaml/secure.yaml, in order, without duplicates.
  std::vector<std::string> SearchDirs() const;
};

/// Resolves a cloud: `cloud_name` if not empty, else OS_CLOUD, else OS_* variables.
/// Errors name the missing key and the files searched, never a secret. Warnings (e.g. an
/// ignored `profile:`) ride along on a successful result.
Result<CloudConfig> ResolveCloud(const std::string& cloud_name, const Environment& env);

/// Applies the stack's `providers.openstack` block: `cloud` selects the base cloud (like
/// the `cloud_name` of ResolveCloud; without it OS_CLOUD / OS_* are used when present,
/// otherwise the block must be complete on its own), and the other keys override it:
/// auth_url, auth_type, username, password, user_id, user_domain_name, user_domain_id,
/// project_name, project_id, project_domain_name, project_domain_id,
/// application_credential_id, application_credential_name,
/// application_credential_secret, region (or region_name), interface, cacert, verify,
/// insecure. `block` must be an object (null counts as empty); unknown keys are errors.
Result<CloudConfig> ResolveProviderConfig(const Value& block, const Environment& env);

/// Overlays `block` (the keys above, `cloud` ignored) on an already resolved cloud and
/// re-validates. Exposed separately so the overlay can be tested without files.
Result<CloudConfig> OverlayProviderConfig(CloudConfig base, const Value& block);

/// "https://keystone.example:5000" → "https://keystone.example:5000/v3"; keeps "/v3",
/// drops trailing slashes, turns a trailing "/v2.0" into "/v3".
std::string NormalizeAuthUrl(const std::string& url);

/// The provider-config keys OverlayProviderConfig accepts (for docs and error hints).
const std::vector<std::string>& ProviderConfigKeys();

}  // namespace capstan::openstack
