// Planned attributes and change remarks of k8s.addon (see addon_plan.h).
#include "providers/kubernetes/addon_plan.h"

#include "providers/kubernetes/addon_config.h"

namespace capstan::kube {
namespace {

/// Inputs that change the rendered objects (kubeconfig, context and wait_timeout do not).
constexpr const char* kShaping[] = {"addon",         "version",      "kubernetes_version",
                                    "allow_preview", "cluster_name", "cloud_conf",
                                    "settings",      "source",       "sha256"};

std::string Str(const Value& attrs, const char* key) {
  const Value& v = attrs.is_object() ? attrs.value(key, Value()) : Value();
  return v.is_string() ? v.get<std::string>() : std::string();
}

/// True when `b` is an older release than `a` (vX.Y.Z compared numerically).
bool Older(const std::string& b, const std::string& a) {
  auto pb = capi::ParseVersion(b.substr(0, b.find('-')));
  auto pa = capi::ParseVersion(a.substr(0, a.find('-')));
  return pa && pb && *pb < *pa;
}

}  // namespace

Value AddonInputs(const Value& attrs) {
  Value in = attrs.is_object() ? attrs : Value::object();
  for (const char* k : {"resolved_version", "in_sync", "cni", "objects", "manifest_sha256"}) {
    in.erase(k);
  }
  return in;
}

Value PlanAddonAttributes(Value planned, const Value& props, const Value* prior_attrs) {
  planned["in_sync"] = true;
  Value known = AddonInputs(props);
  for (auto it = known.begin(); it != known.end();) {
    bool shaping = false;
    for (const char* k : kShaping) shaping = shaping || it.key() == k;
    it = !shaping ? known.erase(it) : std::next(it);
  }
  if (ContainsUnknown(known)) {
    planned["resolved_version"] = Unknown();
    planned["manifest_sha256"] = Unknown();
    planned["objects"] = Unknown();
    return planned;
  }
  auto cfg = ConfigFromProps(known);
  if (!cfg.ok()) return planned;  // Validate reports it
  planned["cni"] = cfg->spec->cni;
  planned["resolved_version"] = cfg->version.version;
  Value prior_sha =
      prior_attrs != nullptr ? prior_attrs->value("manifest_sha256", Value()) : Value();
  auto pins = PinsFor(*cfg, prior_sha);
  Value sha = Value::object();
  for (const auto& [key, pin] : pins) sha[key] = pin.sha256;
  planned["manifest_sha256"] = pins.size() == cfg->files.size() ? sha : Unknown();
  bool same =
      prior_attrs != nullptr && Str(*prior_attrs, "resolved_version") == cfg->version.version;
  for (const char* k : kShaping) {
    if (!same) break;
    same = prior_attrs->value(k, Value()) == props.value(k, Value());
  }
  planned["objects"] = same ? prior_attrs->value("objects", Value()) : Unknown();
  return planned;
}

std::string AddonChangeNote(const Value& prior_attrs, const Value& planned) {
  std::string from = Str(prior_attrs, "addon"), to = Str(planned, "addon");
  if (from.empty() || to.empty()) return "";
  if (from != to) {
    const AddonSpec* a = FindAddon(from);
    const AddonSpec* b = FindAddon(to);
    if (a != nullptr && b != nullptr && a->cni && b->cni) {
      return "switching CNI from " + from + " to " + to +
             " is disruptive: pods lose networking until nodes are restarted";
    }
    return "";
  }
  std::string v0 = Str(prior_attrs, "resolved_version"), v1 = Str(planned, "resolved_version");
  if (v0.empty() || v1.empty() || v0 == v1) return "";
  return to + " " + v0 + " -> " + v1 + (Older(v1, v0) ? " (a downgrade)" : "");
}

}  // namespace capstan::kube
