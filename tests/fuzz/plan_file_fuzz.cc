// Fuzz target: reading plan files (plans/plan_file*, plans/plan_codec*). A plan file is
// handed between CI jobs as an artifact, so `capstan apply FILE` must reject anything
// that is not a plan it wrote, whatever the bytes.
#include "engine/hash.h"
#include "plans/plan_file.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace capstan;
  if (size > (1 << 20)) return 0;
  static const SecretBox box = SecretBox::FromPassphrase("capstan fuzz key");
  std::string path = fuzz::WriteInput("plan.bin", data, size);
  auto plan = ReadPlanFile(path, box);
  if (plan.ok()) (void)CheckPlanCurrent(*plan, "lineage", 1, "hash");
  // Mutations almost never keep the checksum right; re-stamp it (and the key id) so the
  // decoder behind the envelope checks gets fuzzed too.
  Value doc = Value::parse(reinterpret_cast<const char*>(data),
                           reinterpret_cast<const char*>(data) + size, nullptr, false);
  if (doc.is_object() && doc.contains("plan")) {
    doc["checksum"] = Sha256Hex(doc["plan"].dump());
    doc["key_id"] = box.KeyId();
    std::string fixed = doc.dump();
    path =
        fuzz::WriteInput("plan.bin", reinterpret_cast<const uint8_t*>(fixed.data()), fixed.size());
    plan = ReadPlanFile(path, box);
    if (plan.ok()) (void)CheckPlanCurrent(*plan, "lineage", 1, "hash");
  }
  return 0;
}
