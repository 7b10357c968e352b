// Fuzz target: clouds.yaml parsing and cloud resolution (providers/openstack/
// cloud_config*), which read a file the user may have copied from anywhere.
#include "providers/openstack/cloud_config.h"
#include "providers/openstack/cloud_config_files.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace capstan;
  using namespace capstan::openstack;
  if (size > (1 << 20)) return 0;
  std::string text(reinterpret_cast<const char*>(data), size);
  (void)ParseYamlDocument(text, "clouds.yaml");
  std::string path = fuzz::WriteInput("clouds.yaml", data, size);
  Environment env;
  env.vars["OS_CLIENT_CONFIG_FILE"] = path;
  env.system_dirs.clear();
  // The first cloud the file names, then OS_CLOUD-less resolution, then a provider block.
  (void)ResolveCloud("c", env);
  auto loaded = LoadCloudFiles(env);
  if (loaded.ok()) {
    const Value& clouds = loaded->merged.value("clouds", Value::object());
    if (clouds.is_object() && !clouds.empty()) {
      (void)ResolveCloud(clouds.begin().key(), env);
      (void)ResolveProviderConfig(Value{{"cloud", clouds.begin().key()}, {"region", "r"}}, env);
    }
  }
  (void)ResolveCloud("", env);
  return 0;
}
