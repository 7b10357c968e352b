// Fetch, parse and patch an addon's manifests (see addon_render.h).
#include "providers/kubernetes/addon_render.h"

#include "providers/kubernetes/manifest_objects.h"
#include "providers/kubernetes/object_set.h"

namespace capstan::kube {

Result<RenderedAddon> RenderAddon(const AddonConfig& cfg, const std::map<std::string, Pin>& pins,
                                  const std::string& cache_dir, const std::atomic<bool>* cancel) {
  RenderedAddon out;
  std::vector<Value> objs;
  for (const ManifestFile& f : cfg.files) {
    auto pin = pins.find(f.key);
    auto fetched =
        FetchManifest(f.url, f.key, pin == pins.end() ? Pin{} : pin->second, cache_dir, cancel);
    if (!fetched.ok()) return fetched.diags();
    if (!fetched->from_cache && f.url.find("://") != std::string::npos &&
        f.url.rfind("file://", 0) != 0) {
      ++out.downloads;
    }
    out.sha256[f.key] = fetched->sha256;
    auto docs = ParseYamlDocuments(fetched->body);
    if (!docs.ok()) return Prefixed(docs.diags(), f.url + ": ");
    auto checked = DesiredObjects(Value{{"manifests", FlattenLists(*docs)}});
    if (!checked.ok()) return Prefixed(checked.diags(), f.url + ": ");
    objs.insert(objs.end(), checked->begin(), checked->end());
  }
  auto patched = PatchAddon(std::move(objs), cfg.patch);
  if (!patched.ok()) return patched.diags();
  out.objects = std::move(*patched);
  return out;
}

}  // namespace capstan::kube
