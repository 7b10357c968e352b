// k8s.addon properties assembled into an AddonConfig, Validate, and the pins of a fetch.
//
/// Split from addon_config.cc, which holds the individual rules; this file combines them
/// for fully known properties (apply) and for partly unknown ones (plan-time Validate).
#include "providers/kubernetes/addon_config.h"

namespace capstan::kube {
namespace {

bool Set(const Value& props, const char* key) {
  return props.is_object() && props.contains(key) && !props[key].is_null();
}

/// props[key] when it is a string, else "" (the schema check reports wrong types).
std::string Str(const Value& props, const char* key) {
  const Value& v = props.value(key, Value());
  return v.is_string() ? v.get<std::string>() : std::string();
}

bool Flag(const Value& props, const char* key) {
  const Value& v = props.value(key, Value());
  return v.is_boolean() && v.get<bool>();
}

Diagnostics CommonChecks(const AddonSpec& spec, const Value& props) {
  Diagnostics d;
  if (Set(props, "cloud_conf") && spec.name != "occm") {
    d.Error("cloud_conf is only for occm",
            "Cinder CSI reads the Secret kube-system/cloud-config that the occm addon creates.")
        .key = "properties.cloud_conf";
  }
  if (Set(props, "cluster_name") && spec.name != "occm" && spec.name != "cinder-csi") {
    d.Error("cluster_name is only for occm and cinder-csi").key = "properties.cluster_name";
  }
  if (spec.upstream.empty() && !Set(props, "source")) {
    d.Error(spec.name + " needs a source: upstream publishes no static manifest", spec.source_hint)
        .key = "properties.source";
  }
  return d;
}

}  // namespace

Result<AddonConfig> ConfigFromProps(const Value& props) {
  auto spec = AddonOf(props);
  if (!spec.ok()) return spec.diags();
  Diagnostics d = CommonChecks(**spec, props);
  if (d.HasErrors()) return d;
  AddonConfig cfg;
  cfg.spec = *spec;
  auto version =
      ResolveAddonVersion(**spec, props.value("version", Value(true)),
                          props.value("kubernetes_version", Value()), Flag(props, "allow_preview"));
  if (!version.ok()) return version.diags();
  cfg.version = *version;
  cfg.files = ManifestFiles(**spec, cfg.version, Str(props, "source"));
  auto settings = CheckedSettings(**spec, props.value("settings", Value()));
  if (!settings.ok()) return settings.diags();
  auto pins = ExplicitPins(cfg.files, props.value("sha256", Value()));
  if (!pins.ok()) return pins.diags();
  cfg.explicit_pins = *pins;
  cfg.patch.addon = (*spec)->name;
  cfg.patch.version = cfg.version.version;
  cfg.patch.cluster_name = Str(props, "cluster_name");
  cfg.patch.settings = *settings;
  cfg.patch.cloud_conf = Str(props, "cloud_conf");
  return cfg;
}

Diagnostics ValidateAddonProps(const Value& props) {
  if (!ContainsUnknown(props)) {
    auto cfg = ConfigFromProps(props);
    return cfg.ok() ? Diagnostics() : cfg.diags();
  }
  // Plan time with values from other resources still unknown: judge what is known.
  Diagnostics d;
  const Value& addon = props.value("addon", Value());
  if (ContainsUnknown(addon)) return d;
  auto spec = AddonOf(props);
  if (!spec.ok()) return spec.diags();
  d.Append(CommonChecks(**spec, props));
  const Value& settings = props.value("settings", Value());
  if (!ContainsUnknown(settings)) d.Append(CheckedSettings(**spec, settings).diags());
  Value version = props.value("version", Value(true));
  Value k8s = props.value("kubernetes_version", Value());
  Value preview = props.value("allow_preview", Value());
  if (!ContainsUnknown(version) && !ContainsUnknown(k8s) && !ContainsUnknown(preview)) {
    d.Append(ResolveAddonVersion(**spec, version, k8s, Flag(props, "allow_preview")).diags());
  }
  return d;
}

std::map<std::string, Pin> PinsFor(const AddonConfig& cfg, const Value& prior_sha256) {
  std::map<std::string, Pin> pins;
  for (const auto& f : cfg.files) {
    auto ex = cfg.explicit_pins.find(f.key);
    if (ex != cfg.explicit_pins.end()) {
      pins[f.key] = {ex->second, "the sha256 property"};
    } else if (prior_sha256.is_object() && prior_sha256.contains(f.key) &&
               prior_sha256[f.key].is_string()) {
      pins[f.key] = {prior_sha256[f.key].get<std::string>(), "recorded in state on first use"};
    }
  }
  return pins;
}

}  // namespace capstan::kube
