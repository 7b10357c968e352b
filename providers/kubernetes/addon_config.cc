// k8s.addon property resolution (see addon_config.h).
#include "providers/kubernetes/addon_config.h"

#include <regex>

namespace capstan::kube {
namespace {

template <typename T>
Result<T> Fail(const std::string& key, std::string summary, std::string detail = {}) {
  Diagnostics d;
  d.Error(std::move(summary), std::move(detail)).key = "properties." + key;
  return d;
}

bool TypeMatches(const std::string& type, const Value& v) {
  if (type == "bool") return v.is_boolean();
  if (type == "number") return v.is_number();
  return v.is_string();
}

}  // namespace

Result<const AddonSpec*> AddonOf(const Value& props) {
  const Value& addon = props.value("addon", Value());
  std::string name = addon.is_string() ? addon.get<std::string>() : "";
  const AddonSpec* spec = FindAddon(name);
  if (spec == nullptr) {
    return Fail<const AddonSpec*>("addon", "unknown addon \"" + name + "\"",
                                  "The catalog has: " + AddonNames() + ".");
  }
  return spec;
}

Result<AddonVersion> ResolveAddonVersion(const AddonSpec& spec, const Value& version,
                                         const Value& kubernetes_version, bool allow_preview) {
  using R = Result<AddonVersion>;
  if (version.is_string()) {
    std::string v = version.get<std::string>();
    if (!IsAddonVersion(v)) {
      return Fail<AddonVersion>("version", spec.name + ": version \"" + v + "\" is not a version",
                                "Write vMAJOR.MINOR.PATCH (e.g. v3.27.3), or true for the "
                                "catalog's version.");
    }
    return R(AddonVersion{v, v});
  }
  if (!version.is_boolean() || !version.get<bool>()) {
    return Fail<AddonVersion>("version", spec.name + ": version must be true or a version string",
                              "To remove an addon, remove its resource: capstan deletes its "
                              "objects.");
  }
  if (!spec.table_version) return R(AddonVersion{spec.default_version, spec.default_version});
  if (!kubernetes_version.is_string()) {
    return Fail<AddonVersion>("kubernetes_version",
                              spec.name + ": version: true needs kubernetes_version",
                              "The " + spec.name +
                                  " release follows the cluster's Kubernetes minor (SCS table); "
                                  "give the cluster's version, e.g. ${cluster.resolved_version}.");
  }
  auto k8s = ResolveKubernetesVersion(kubernetes_version.get<std::string>());
  if (!k8s.ok())
    return Fail<AddonVersion>("kubernetes_version", k8s.diags().items()[0].summary,
                              k8s.diags().items()[0].detail);
  AddonVersion out = TableVersion(spec.name, *k8s);
  bool preview = IsTechPreview(k8s->ToString()) || IsTechPreview(out.version);
  if (preview && !allow_preview) {
    return Fail<AddonVersion>(
        "allow_preview",
        spec.name + " " + out.version + " for Kubernetes " + k8s->ToString() + " is a tech preview",
        "SCS marks v1.29 and v2 releases as tech preview (the table has nothing tested for "
        "newer minors). Set allow_preview: true to use it, or give an explicit version.");
  }
  return out;
}

Result<Value> CheckedSettings(const AddonSpec& spec, const Value& settings) {
  Value out = Value::object();
  for (const auto& s : spec.settings) {
    if (!s.default_value.is_null()) out[s.name] = s.default_value;
  }
  if (settings.is_null()) return out;
  if (!settings.is_object()) return Fail<Value>("settings", "settings must be a map");
  Diagnostics d;
  for (auto it = settings.begin(); it != settings.end(); ++it) {
    const AddonSetting* known = nullptr;
    for (const auto& s : spec.settings) {
      if (s.name == it.key()) known = &s;
    }
    std::string names;
    for (const auto& s : spec.settings) names += (names.empty() ? "" : ", ") + s.name;
    if (known == nullptr) {
      d.Error(spec.name + " has no setting \"" + it.key() + "\"",
              names.empty() ? spec.name + " has no settings." : "Its settings: " + names + ".")
          .key = "properties.settings";
    } else if (!TypeMatches(known->type, it.value())) {
      d.Error("settings." + it.key() + " must be a " + known->type).key = "properties.settings";
    } else {
      out[it.key()] = it.value();
    }
  }
  if (d.HasErrors()) return d;
  return out;
}

Result<std::map<std::string, std::string>> ExplicitPins(const std::vector<ManifestFile>& files,
                                                        const Value& sha256) {
  std::map<std::string, std::string> pins;
  if (sha256.is_null()) return pins;
  if (!sha256.is_object()) return Fail<decltype(pins)>("sha256", "sha256 must be a map");
  static const std::regex kHex("[0-9a-f]{64}");
  for (auto it = sha256.begin(); it != sha256.end(); ++it) {
    std::string hash = it.value().is_string() ? it.value().get<std::string>() : "";
    if (!std::regex_match(hash, kHex)) {
      return Fail<decltype(pins)>("sha256", "sha256." + it.key() + " is not a sha256",
                                  "Give 64 lowercase hex digits.");
    }
    std::vector<const ManifestFile*> match;
    for (const auto& f : files) {
      std::string base = f.path.substr(f.path.rfind('/') + 1);
      if (it.key() == f.key || it.key() == f.path || it.key() == base) match.push_back(&f);
    }
    if (match.size() != 1) {
      std::string list;
      for (const auto& f : files) list += "\n  " + f.key;
      return Fail<decltype(pins)>(
          "sha256", "sha256." + it.key() + (match.empty() ? " names no file" : " is ambiguous"),
          "The addon's files:" + list);
    }
    pins[match[0]->key] = hash;
  }
  return pins;
}

}  // namespace capstan::kube
