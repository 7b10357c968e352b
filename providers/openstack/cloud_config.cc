// ResolveCloud and the provider-config overlay (see cloud_config.h for the rules).
//
/// Resolution runs in three steps so that every source (clouds.yaml, OS_* variables,
/// the stack's provider block) goes through the same checks:
///  1. collect: a flat map of openstacksdk keys ("auth_url", "password", ...) from the
///     chosen source, remembering how the user spells each key there;
///  2. convert: aliases (tenant_*, domain_*, endpoint_type, regions, insecure) into a
///     CloudConfig;
///  3. finalize: infer auth_type, apply the CLI's default domain, check required keys,
///     normalise interface and auth_url.
#include "providers/openstack/cloud_config.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <functional>
#include <set>

#include "providers/openstack/cloud_config_files.h"
#include "providers/openstack/fields.h"

extern char** environ;

namespace capstan::openstack {
namespace {

namespace fs = std::filesystem;

/// Where the settings came from decides how error messages name a key.
enum class Origin { kFile, kEnv, kProvider };

/// OS_* variable → openstacksdk key. The first group creates the "envvars" cloud.
struct EnvKey {
  const char* var;
  const char* key;
  bool credential;  ///< Setting it alone makes an envvars cloud.
};
constexpr EnvKey kEnvKeys[] = {
    {"OS_AUTH_URL", "auth_url", true},
    {"OS_AUTH_TYPE", "auth_type", true},
    {"OS_USERNAME", "username", true},
    {"OS_USER_ID", "user_id", true},
    {"OS_PASSWORD", "password", true},
    {"OS_USER_DOMAIN_NAME", "user_domain_name", true},
    {"OS_USER_DOMAIN_ID", "user_domain_id", true},
    {"OS_PROJECT_NAME", "project_name", true},
    {"OS_PROJECT_ID", "project_id", true},
    {"OS_TENANT_NAME", "tenant_name", true},
    {"OS_TENANT_ID", "tenant_id", true},
    {"OS_PROJECT_DOMAIN_NAME", "project_domain_name", true},
    {"OS_PROJECT_DOMAIN_ID", "project_domain_id", true},
    {"OS_DOMAIN_NAME", "domain_name", true},
    {"OS_DOMAIN_ID", "domain_id", true},
    {"OS_APPLICATION_CREDENTIAL_ID", "application_credential_id", true},
    {"OS_APPLICATION_CREDENTIAL_NAME", "application_credential_name", true},
    {"OS_APPLICATION_CREDENTIAL_SECRET", "application_credential_secret", true},
    {"OS_DEFAULT_DOMAIN", "default_domain", false},
    {"OS_REGION_NAME", "region_name", false},
    {"OS_INTERFACE", "interface", false},
    {"OS_ENDPOINT_TYPE", "endpoint_type", false},
    {"OS_CACERT", "cacert", false},
    {"OS_INSECURE", "insecure", false},
    {"OS_IDENTITY_API_VERSION", "identity_api_version", false},
};

/// Keys that live under `auth:` in clouds.yaml.
const std::set<std::string>& AuthKeys() {
  static const std::set<std::string> keys = {"auth_url",
                                             "username",
                                             "user_id",
                                             "password",
                                             "user_domain_name",
                                             "user_domain_id",
                                             "project_name",
                                             "project_id",
                                             "tenant_name",
                                             "tenant_id",
                                             "project_domain_name",
                                             "project_domain_id",
                                             "domain_name",
                                             "domain_id",
                                             "default_domain",
                                             "application_credential_id",
                                             "application_credential_name",
                                             "application_credential_secret"};
  return keys;
}

struct Raw {
  std::map<std::string, std::string> values;
  std::string region_from_list;  ///< First entry of `regions:`, if any.
  Origin origin = Origin::kFile;
  std::string cloud;  ///< Cloud name, for key paths.
  std::string where;  ///< Files or "environment", for details.
  bool Has(const std::string& k) const {
    auto it = values.find(k);
    return it != values.end() && !it->second.empty();
  }
  std::string Get(const std::string& k) const {
    auto it = values.find(k);
    return it == values.end() ? std::string() : it->second;
  }
};

std::string EnvVarFor(const std::string& key) {
  for (const auto& e : kEnvKeys) {
    if (key == e.key) return e.var;
  }
  return "OS_" + key;
}

/// How the user spells `key` in the source the cloud came from.
std::string KeyName(Origin origin, const std::string& cloud, const std::string& key) {
  switch (origin) {
    case Origin::kEnv:
      return EnvVarFor(key);
    case Origin::kProvider:
      return "providers.openstack." + key;
    case Origin::kFile:
      break;
  }
  return "clouds." + cloud + (AuthKeys().count(key) ? ".auth." : ".") + key;
}

/// YAML/env spellings of a boolean; nullopt when it is none of them.
std::optional<bool> ParseBool(const std::string& s) {
  std::string l = Lower(s);
  if (l == "true" || l == "yes" || l == "on" || l == "1") return true;
  if (l == "false" || l == "no" || l == "off" || l == "0") return false;
  return std::nullopt;
}

std::string Join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

Diagnostic KeyError(const std::string& key, std::string summary, std::string detail) {
  Diagnostic d;
  d.summary = std::move(summary);
  d.detail = std::move(detail);
  d.key = key;
  return d;
}

/// Step 2: aliases and typed fields into a CloudConfig (auth_type left for Finalize).
Result<CloudConfig> Convert(const Raw& raw, const std::string& name) {
  auto key = [&](const std::string& k) { return KeyName(raw.origin, raw.cloud, k); };
  CloudConfig c;
  c.name = name;
  c.source = raw.where;
  c.auth_type = Lower(raw.Get("auth_type"));
  c.auth_url = raw.Get("auth_url");
  c.username = raw.Get("username");
  c.password = raw.Get("password");
  c.user_id = raw.Get("user_id");
  c.user_domain_name = raw.Get("user_domain_name");
  c.user_domain_id = raw.Get("user_domain_id");
  c.project_name = raw.Has("project_name") ? raw.Get("project_name") : raw.Get("tenant_name");
  c.project_id = raw.Has("project_id") ? raw.Get("project_id") : raw.Get("tenant_id");
  c.project_domain_name = raw.Get("project_domain_name");
  c.project_domain_id = raw.Get("project_domain_id");
  c.app_cred_id = raw.Get("application_credential_id");
  c.app_cred_name = raw.Get("application_credential_name");
  c.app_cred_secret = raw.Get("application_credential_secret");
  c.region = raw.Has("region_name") ? raw.Get("region_name") : raw.region_from_list;
  if (raw.Has("interface")) {
    c.interface = raw.Get("interface");
  } else if (raw.Has("endpoint_type")) {
    c.interface = raw.Get("endpoint_type");
  }
  c.cacert = raw.Get("cacert");

  // domain_name/domain_id (and the CLI's default_domain) stand in for whichever of the
  // user and project domains is not given.
  auto fill_domain = [&](std::string& dname, std::string& did) {
    if (!dname.empty() || !did.empty()) return;
    if (raw.Has("domain_id")) {
      did = raw.Get("domain_id");
    } else if (raw.Has("domain_name")) {
      dname = raw.Get("domain_name");
    }
  };
  fill_domain(c.user_domain_name, c.user_domain_id);
  fill_domain(c.project_domain_name, c.project_domain_id);
  const std::string default_domain =
      raw.Has("default_domain") ? raw.Get("default_domain") : "default";
  if (c.user_domain_name.empty() && c.user_domain_id.empty() && !c.username.empty()) {
    c.user_domain_id = default_domain;
  }
  if (c.project_domain_name.empty() && c.project_domain_id.empty() && !c.project_name.empty()) {
    c.project_domain_id = default_domain;
  }

  Diagnostics errs;
  if (raw.Has("verify")) {
    // openstacksdk lets `verify` be a CA bundle path as well as a boolean.
    if (auto b = ParseBool(raw.Get("verify"))) {
      c.verify = *b;
    } else if (c.cacert.empty()) {
      c.cacert = raw.Get("verify");
    }
  }
  if (raw.Has("insecure")) {
    auto b = ParseBool(raw.Get("insecure"));
    if (!b) {
      errs.Add(KeyError(key("insecure"), key("insecure") + " must be true or false", {}));
    } else if (*b) {
      c.verify = false;
    }
  }
  if (raw.Has("identity_api_version")) {
    std::string v = raw.Get("identity_api_version");
    if (v != "3" && v != "3.0") {
      errs.Add(KeyError(key("identity_api_version"),
                        "identity_api_version " + v + " is not supported",
                        "capstan speaks Keystone v3 only; set it to 3 or remove it"));
    }
  }
  if (errs.HasErrors()) return errs;
  return c;
}

/// Step 3: inference, required keys, normalisation.
Result<CloudConfig> Finalize(CloudConfig c, Origin origin, const std::string& cloud) {
  auto key = [&](const std::string& k) { return KeyName(origin, cloud, k); };
  const std::string where = c.source.empty() ? std::string() : " (from " + c.source + ")";
  Diagnostics errs;
  auto missing = [&](const std::string& what, const std::vector<std::string>& keys) {
    std::vector<std::string> names;
    for (const auto& k : keys) names.push_back(key(k));
    errs.Add(KeyError(names.front(), "cloud '" + c.name + "' has no " + what,
                      "set " + Join(names, " or ") + where));
  };

  if (c.auth_type.empty()) {
    bool appcred = !c.app_cred_secret.empty() || !c.app_cred_id.empty() || !c.app_cred_name.empty();
    c.auth_type = appcred ? "v3applicationcredential" : "password";
  } else if (c.auth_type == "v3password") {
    c.auth_type = "password";
  } else if (c.auth_type != "password" && c.auth_type != "v3applicationcredential") {
    errs.Add(KeyError(key("auth_type"), "auth_type '" + c.auth_type + "' is not supported",
                      "use password, v3password or v3applicationcredential"));
    return errs;
  }

  if (c.auth_url.empty()) missing("auth_url", {"auth_url"});
  if (c.auth_type == "password") {
    if (c.username.empty() && c.user_id.empty()) missing("user", {"username", "user_id"});
    if (c.password.empty()) missing("password", {"password"});
    if (c.project_name.empty() && c.project_id.empty()) {
      missing("project (capstan needs a project-scoped token)", {"project_name", "project_id"});
    }
  } else {
    if (c.app_cred_secret.empty()) {
      missing("application credential secret", {"application_credential_secret"});
    }
    if (c.app_cred_id.empty()) {
      if (c.app_cred_name.empty()) {
        missing("application credential",
                {"application_credential_id", "application_credential_name"});
      } else if (c.user_id.empty() && c.username.empty()) {
        missing("user for application credential '" + c.app_cred_name + "'",
                {"user_id", "username"});
      }
    }
  }

  std::string iface = Lower(c.interface);
  if (iface.size() > 3 && iface.compare(iface.size() - 3, 3, "url") == 0) {
    iface.resize(iface.size() - 3);  // publicURL → public (legacy endpoint_type)
  }
  if (iface != "public" && iface != "internal" && iface != "admin") {
    errs.Add(KeyError(key("interface"), "interface '" + c.interface + "' is not valid",
                      "use public, internal or admin"));
  }
  c.interface = iface;
  if (errs.HasErrors()) return errs;
  c.auth_url = NormalizeAuthUrl(c.auth_url);
  return c;
}

std::string Describe(const std::vector<std::string>& files) {
  return files.empty() ? std::string("no clouds.yaml found") : Join(files, ", ");
}

/// Clouds from files, "envvars" from the environment, or an explicit error.
Result<CloudConfig> ResolveFromFiles(const std::string& name, const Environment& env,
                                     const LoadedFiles& files) {
  const Value& clouds = files.merged.contains("clouds") ? files.merged["clouds"] : Value();
  if (!clouds.is_object() || !clouds.contains(name)) {
    std::vector<std::string> found;
    if (clouds.is_object()) {
      for (auto it = clouds.begin(); it != clouds.end(); ++it) found.push_back(it.key());
    }
    Diagnostic d;
    d.summary = "cloud '" + name + "' not found";
    d.detail = "clouds found: " + (found.empty() ? std::string("none") : Join(found, ", ")) +
               " (read: " + Describe(files.read) + ")\nsearched: " + files.searched;
    d.key = "cloud";
    return d;
  }
  const Value& cloud = clouds[name];
  if (!cloud.is_object()) {
    Diagnostic d = KeyError("clouds." + name, "clouds." + name + " is not a mapping",
                            "in " + Describe(files.read));
    return d;
  }
  Raw raw;
  raw.origin = Origin::kFile;
  raw.cloud = name;
  raw.where = Join(files.read, " + ");
  Diagnostics warnings;
  auto take = [&](const std::string& k, const Value& v) {
    if (v.is_string()) raw.values[k] = v.get<std::string>();
  };
  for (auto it = cloud.begin(); it != cloud.end(); ++it) {
    if (it.key() == "auth") continue;
    if (it.key() == "regions" && it->is_array() && !it->empty()) {
      const Value& first = (*it)[0];
      if (first.is_string()) raw.region_from_list = first.get<std::string>();
      if (first.is_object() && first.contains("name") && first["name"].is_string()) {
        raw.region_from_list = first["name"].get<std::string>();
      }
      continue;
    }
    if (it.key() == "profile") {
      warnings.Warning("clouds." + name + ".profile is ignored",
                       "vendor profiles (clouds-public.yaml) are not supported; put auth_url "
                       "and region_name into the cloud itself");
      continue;
    }
    take(it.key(), *it);
  }
  if (cloud.contains("auth") && cloud["auth"].is_object()) {
    for (auto it = cloud["auth"].begin(); it != cloud["auth"].end(); ++it) take(it.key(), *it);
  }
  // Non-credential settings the CLI also takes from the environment over a named cloud.
  for (const char* var : {"OS_REGION_NAME", "OS_INTERFACE"}) {
    std::string v = env.Get(var);
    if (v.empty()) continue;
    raw.values[var == std::string("OS_REGION_NAME") ? "region_name" : "interface"] = v;
    raw.where += std::string(" + ") + var;
  }
  auto conv = Convert(raw, name);
  if (!conv.ok()) return conv.diags();
  auto fin = Finalize(std::move(*conv), Origin::kFile, name);
  if (fin.ok()) fin.diags().Append(warnings);
  return fin;
}

bool HasEnvCloud(const Environment& env) {
  for (const auto& e : kEnvKeys) {
    if (e.credential && !env.Get(e.var).empty()) return true;
  }
  return false;
}

Result<CloudConfig> ResolveFromEnv(const Environment& env, const std::string& name) {
  Raw raw;
  raw.origin = Origin::kEnv;
  raw.cloud = name;
  raw.where = "environment (OS_*)";
  for (const auto& e : kEnvKeys) {
    std::string v = env.Get(e.var);
    if (!v.empty()) raw.values[e.key] = v;
  }
  auto conv = Convert(raw, name);
  if (!conv.ok()) return conv.diags();
  return Finalize(std::move(*conv), Origin::kEnv, name);
}

std::string EnvCloudName(const Environment& env) {
  std::string n = env.Get("OS_CLOUD_NAME");
  return n.empty() ? "envvars" : n;
}

/// The ignored-credentials warning when a named cloud wins over OS_* variables.
void WarnIgnoredEnv(const Environment& env, Result<CloudConfig>& r) {
  if (!r.ok() || !HasEnvCloud(env)) return;
  std::vector<std::string> vars;
  for (const auto& e : kEnvKeys) {
    if (e.credential && !env.Get(e.var).empty()) vars.push_back(e.var);
  }
  r.diags().Warning(
      "OS_* credential variables are ignored for cloud '" + r->name + "'",
      "set but not used: " + Join(vars, ", ") + " (unset them or unset OS_CLOUD to use them)");
}

}  // namespace

std::string Environment::Get(const std::string& name) const {
  auto it = vars.find(name);
  return it == vars.end() ? std::string() : it->second;
}

std::vector<std::string> Environment::SearchDirs() const {
  std::vector<std::string> dirs;
  auto add = [&](const std::string& d) {
    if (d.empty()) return;
    std::string n = fs::path(d).lexically_normal().string();
    while (n.size() > 1 && n.back() == '/') n.pop_back();
    if (std::find(dirs.begin(), dirs.end(), n) == dirs.end()) dirs.push_back(n);
  };
  add(cwd);
  std::string xdg = Get("XDG_CONFIG_HOME");
  if (!xdg.empty()) add(xdg + "/openstack");
  if (!home.empty()) add(home + "/.config/openstack");
  for (const auto& d : system_dirs) add(d);
  return dirs;
}

Environment Environment::FromProcess() {
  Environment env;
  for (char** e = environ; e && *e; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    if (eq != std::string::npos) env.vars[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  env.home = env.Get("HOME");
  std::error_code ec;
  env.cwd = fs::current_path(ec).string();
  return env;
}

std::string NormalizeAuthUrl(const std::string& url) {
  std::string u = url;
  while (!u.empty() && u.back() == '/') u.pop_back();
  auto ends_with = [&](const std::string& s) {
    return u.size() >= s.size() && u.compare(u.size() - s.size(), s.size(), s) == 0;
  };
  if (ends_with("/v3")) return u;
  if (ends_with("/v2.0")) return u.substr(0, u.size() - 5) + "/v3";
  return u + "/v3";
}

Result<CloudConfig> ResolveCloud(const std::string& cloud_name, const Environment& env) {
  std::string name = cloud_name.empty() ? env.Get("OS_CLOUD") : cloud_name;
  if (name.empty() && HasEnvCloud(env)) return ResolveFromEnv(env, EnvCloudName(env));
  if (!name.empty() && name == EnvCloudName(env) && HasEnvCloud(env)) {
    return ResolveFromEnv(env, name);
  }
  auto files = LoadCloudFiles(env);
  if (!files.ok()) return files.diags();
  if (name.empty()) {
    std::vector<std::string> found;
    const Value& clouds = files->merged.contains("clouds") ? files->merged["clouds"] : Value();
    if (clouds.is_object()) {
      for (auto it = clouds.begin(); it != clouds.end(); ++it) found.push_back(it.key());
    }
    Diagnostic d;
    d.summary = "no OpenStack cloud selected";
    d.detail =
        "set providers.openstack.cloud, OS_CLOUD, or OS_AUTH_URL and credentials; "
        "clouds found: " +
        (found.empty() ? std::string("none") : Join(found, ", ")) +
        " (read: " + Describe(files->read) + ")\nsearched: " + files->searched;
    d.key = "cloud";
    return d;
  }
  auto r = ResolveFromFiles(name, env, *files);
  WarnIgnoredEnv(env, r);
  return r;
}

const std::vector<std::string>& ProviderConfigKeys() {
  static const std::vector<std::string> keys = {
      "cloud",
      "auth_url",
      "auth_type",
      "username",
      "password",
      "user_id",
      "user_domain_name",
      "user_domain_id",
      "project_name",
      "project_id",
      "project_domain_name",
      "project_domain_id",
      "application_credential_id",
      "application_credential_name",
      "application_credential_secret",
      "region",
      "region_name",
      "interface",
      "cacert",
      "verify",
      "insecure",
  };
  return keys;
}

Result<CloudConfig> OverlayProviderConfig(CloudConfig base, const Value& block) {
  if (block.is_null()) {
    const std::string name = base.name;
    return Finalize(std::move(base), Origin::kProvider, name);
  }
  if (!block.is_object()) {
    return Result<CloudConfig>::Fail("providers.openstack must be a mapping");
  }
  const auto& allowed = ProviderConfigKeys();
  Diagnostics errs;
  std::map<std::string, std::string> s;  // key → string form
  std::map<std::string, bool> b;         // key → boolean form
  for (auto it = block.begin(); it != block.end(); ++it) {
    const std::string& k = it.key();
    const std::string path = "providers.openstack." + k;
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
      errs.Add(KeyError(path, "unknown key " + path, "known keys: " + Join(allowed, ", ")));
      continue;
    }
    const Value& v = *it;
    if (v.is_null()) continue;
    if (IsUnknown(v)) {
      errs.Add(KeyError(path, path + " is not known until apply",
                        "provider configuration must be known at plan time"));
    } else if (k == "verify" || k == "insecure") {
      if (!v.is_boolean()) {
        errs.Add(KeyError(path, path + " must be true or false", {}));
      } else {
        b[k] = v.get<bool>();
      }
    } else if (!v.is_string()) {
      errs.Add(KeyError(path, path + " must be a string", {}));
    } else {
      s[k] = v.get<std::string>();
    }
  }
  if (errs.HasErrors()) return errs;

  const std::pair<const char*, std::string CloudConfig::*> fields[] = {
      {"auth_url", &CloudConfig::auth_url},
      {"auth_type", &CloudConfig::auth_type},
      {"username", &CloudConfig::username},
      {"password", &CloudConfig::password},
      {"user_id", &CloudConfig::user_id},
      {"user_domain_name", &CloudConfig::user_domain_name},
      {"user_domain_id", &CloudConfig::user_domain_id},
      {"project_name", &CloudConfig::project_name},
      {"project_id", &CloudConfig::project_id},
      {"project_domain_name", &CloudConfig::project_domain_name},
      {"project_domain_id", &CloudConfig::project_domain_id},
      {"application_credential_id", &CloudConfig::app_cred_id},
      {"application_credential_name", &CloudConfig::app_cred_name},
      {"application_credential_secret", &CloudConfig::app_cred_secret},
      {"region_name", &CloudConfig::region},
      {"region", &CloudConfig::region},
      {"interface", &CloudConfig::interface},
      {"cacert", &CloudConfig::cacert},
  };
  bool credentials_changed = false;
  std::vector<std::string> applied;
  for (const auto& [k, member] : fields) {
    auto it = s.find(k);
    if (it == s.end()) continue;
    base.*member = it->second;
    applied.push_back(k);
    static const std::set<std::string> cred = {"username",
                                               "password",
                                               "user_id",
                                               "application_credential_id",
                                               "application_credential_name",
                                               "application_credential_secret"};
    if (cred.count(k)) credentials_changed = true;
  }
  // A domain given by name replaces the same domain given by id, and vice versa.
  if (s.count("user_domain_name") && !s.count("user_domain_id")) base.user_domain_id.clear();
  if (s.count("user_domain_id") && !s.count("user_domain_name")) base.user_domain_name.clear();
  if (s.count("project_domain_name") && !s.count("project_domain_id")) {
    base.project_domain_id.clear();
  }
  if (s.count("project_domain_id") && !s.count("project_domain_name")) {
    base.project_domain_name.clear();
  }
  if (s.count("project_id") && !s.count("project_name")) base.project_name.clear();
  if (s.count("project_name") && !s.count("project_id")) base.project_id.clear();
  if (s.count("username") && !s.count("user_id")) base.user_id.clear();
  if (s.count("user_id") && !s.count("username")) base.username.clear();
  // New credentials without an explicit auth_type: infer the method again.
  if (credentials_changed && !s.count("auth_type")) base.auth_type.clear();
  base.auth_type = Lower(base.auth_type);
  if (b.count("verify")) base.verify = b["verify"];
  if (b.count("insecure")) {
    base.verify = !b["insecure"];
    applied.push_back("insecure");
  }
  if (b.count("verify")) applied.push_back("verify");
  if (base.username.size() && base.user_domain_name.empty() && base.user_domain_id.empty()) {
    base.user_domain_id = "default";
  }
  if (base.project_name.size() && base.project_domain_name.empty() &&
      base.project_domain_id.empty()) {
    base.project_domain_id = "default";
  }
  if (!applied.empty()) {
    base.source += (base.source.empty() ? "" : " + ") + std::string("providers.openstack (") +
                   Join(applied, ", ") + ")";
  }
  const std::string name = base.name;
  return Finalize(std::move(base), Origin::kProvider, name);
}

Result<CloudConfig> ResolveProviderConfig(const Value& block, const Environment& env) {
  if (!block.is_null() && !block.is_object()) {
    return Result<CloudConfig>::Fail("providers.openstack must be a mapping");
  }
  std::string cloud;
  if (block.is_object() && block.contains("cloud") && !block["cloud"].is_null()) {
    if (!block["cloud"].is_string()) {
      Diagnostic d =
          KeyError("providers.openstack.cloud", "providers.openstack.cloud must be a string", {});
      return d;
    }
    cloud = block["cloud"].get<std::string>();
  }
  bool has_base = !cloud.empty() || !env.Get("OS_CLOUD").empty() || HasEnvCloud(env);
  bool inline_auth = block.is_object() && block.contains("auth_url");
  if (!has_base && inline_auth) {
    CloudConfig c;
    c.name = "providers.openstack";
    return OverlayProviderConfig(std::move(c), block);
  }
  auto base = ResolveCloud(cloud, env);
  if (!base.ok()) return base;
  Diagnostics warnings = base.diags();
  auto r = OverlayProviderConfig(std::move(*base), block);
  if (r.ok()) r.diags().Append(warnings);
  return r;
}

}  // namespace capstan::openstack
