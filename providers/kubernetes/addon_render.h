// The objects of a resolved addon: fetched manifests, parsed, patched.
//
/// The one path from an AddonConfig to the objects k8s.addon applies, used by create,
/// update and read alike, so what drift is judged against is exactly what apply sends.
#pragma once

#include <atomic>
#include <map>
#include <string>
#include <vector>

#include "engine/result.h"
#include "engine/value.h"
#include "providers/kubernetes/addon_config.h"

namespace capstan::kube {

struct RenderedAddon {
  std::vector<Value> objects;      ///< Normalised, patched, in manifest order.
  Value sha256 = Value::object();  ///< ManifestFile::key -> sha256 of the content applied.
  int downloads = 0;               ///< Files fetched from the network (not the cache).
};

/// Fetches every file of `cfg` (honouring `pins`, by ManifestFile::key), parses the YAML
/// documents (List kinds flattened), checks each object and applies the addon's patches.
/// Errors name the file.
Result<RenderedAddon> RenderAddon(const AddonConfig& cfg, const std::map<std::string, Pin>& pins,
                                  const std::string& cache_dir = "",
                                  const std::atomic<bool>* cancel = nullptr);

}  // namespace capstan::kube
