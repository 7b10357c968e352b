// The addon catalog of k8s.addon: which manifests make each addon, in which version.
//
/// What the SCS scripts spread over apply_*.sh files (URLs, default versions, which
/// settings exist) is one table of data here (addon_catalog.cc, documented in
/// docs/providers/kubernetes.md). Adding an addon is adding a row plus, if it needs one,
/// a patch function (addon_patches.h).
///
/// Manifest locations: every file has a path (a template with {version} and
/// {rbac_version}) under its upstream base URL. A `source` mirror replaces the base: the
/// mirror holds each file at the same path, without the host, so one directory or web
/// server can mirror all addons for air-gapped use.
#pragma once

#include <string>
#include <vector>

#include "engine/value.h"
#include "providers/kubernetes/addon_versions.h"

namespace capstan::kube {

/// A setting of an addon (the `settings` map): name, type and default (null = none).
struct AddonSetting {
  std::string name;
  std::string type;  ///< "bool", "number" or "string".
  Value default_value;
  std::string description;
};

struct AddonSpec {
  std::string name;
  bool cni = false;
  /// `version: true` follows the SCS table by Kubernetes minor (OCCM, Cinder CSI).
  bool table_version = false;
  std::string default_version;  ///< `version: true` for the others.
  /// Base URL the paths are under; empty when upstream publishes no static manifest and
  /// a `source` mirror is required (cilium).
  std::string upstream;
  std::vector<std::string> paths;
  std::vector<AddonSetting> settings;
  std::string source_hint;  ///< For `upstream` empty: how to produce the mirrored file.
};

const std::vector<AddonSpec>& AddonCatalog();

/// nullptr for an unknown name.
const AddonSpec* FindAddon(const std::string& name);

/// "occm, cinder-csi, calico, ..." for messages.
std::string AddonNames();

/// One manifest file of a resolved addon.
struct ManifestFile {
  std::string path;  ///< Under the base, e.g. "projectcalico/calico/v3.27.3/manifests/calico.yaml".
  std::string key;   ///< The pin key in manifest_sha256: the upstream URL (or the path).
  std::string url;   ///< Where to fetch it: under `source` if set, else the upstream URL.
};

/// The files of `spec` at `version`; `source` (may be empty) replaces the upstream base.
std::vector<ManifestFile> ManifestFiles(const AddonSpec& spec, const AddonVersion& version,
                                        const std::string& source);

}  // namespace capstan::kube
