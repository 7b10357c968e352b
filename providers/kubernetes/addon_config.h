// k8s.addon properties to a resolved addon: which addon, which version, which files, which
// settings.
//
/// Pure (no network, no files), so the plan can show `resolved_version` and review a
/// version change before anything is fetched, and so every rule is unit-tested:
/// `version: true` picks the catalog's version (for OCCM and Cinder CSI the SCS table by
/// `kubernetes_version`, tech-preview results only with `allow_preview`), a version string
/// is taken as written (vX.Y.Z), settings are checked against the addon's list and
/// completed with defaults, and explicit `sha256` pins are matched to the addon's files by
/// upstream URL, path or file name.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/result.h"
#include "engine/value.h"
#include "providers/kubernetes/addon_catalog.h"
#include "providers/kubernetes/addon_fetch.h"
#include "providers/kubernetes/addon_patches.h"

namespace capstan::kube {

struct AddonConfig {
  const AddonSpec* spec = nullptr;
  AddonVersion version;
  std::vector<ManifestFile> files;
  PatchInput patch;
  std::map<std::string, std::string> explicit_pins;  ///< ManifestFile::key -> sha256.
};

/// The catalog entry named by props.addon.
Result<const AddonSpec*> AddonOf(const Value& props);

/// The version for `version` (true or a string) as described above.
Result<AddonVersion> ResolveAddonVersion(const AddonSpec& spec, const Value& version,
                                         const Value& kubernetes_version, bool allow_preview);

/// `settings` checked against the addon's settings, defaults filled in.
Result<Value> CheckedSettings(const AddonSpec& spec, const Value& settings);

/// The `sha256` property (file -> hash) keyed by ManifestFile::key.
Result<std::map<std::string, std::string>> ExplicitPins(const std::vector<ManifestFile>& files,
                                                        const Value& sha256);

/// Everything above from fully known properties (defaults applied).
Result<AddonConfig> ConfigFromProps(const Value& props);

/// Property errors for Validate: the parts of ConfigFromProps whose inputs are known.
Diagnostics ValidateAddonProps(const Value& props);

/// The pins a fetch must honour: explicit ones, else those recorded in `prior_sha256`
/// (manifest_sha256 of the prior state) for the same file.
std::map<std::string, Pin> PinsFor(const AddonConfig& cfg, const Value& prior_sha256);

}  // namespace capstan::kube
