// Saved plan files (plans/plan_file.h): lossless, sealed, and loud about bad files.
#include "plans/plan_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "plans/plan_codec.h"
#include "sample_plans.h"

namespace capstan {
namespace {

namespace fs = std::filesystem;
using testing::FullPlan;
using testing::kSecret;

struct TempDir {
  fs::path dir;
  TempDir() {
    dir = fs::temp_directory_path() /
          ("capstan-plans-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::create_directories(dir);
  }
  ~TempDir() { fs::remove_all(dir); }
  std::string Path(const std::string& name) const { return (dir / name).string(); }
  static inline int counter = 0;
};

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void Spit(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary) << data;
}

/// Plans compare equal through their lossless encoding, secrets left in place.
Value Canonical(const Plan& p) {
  return EncodePlan(p, [](const Value& v) { return v; });
}

TEST_CASE("plan file: round trip restores every field including secrets and unknowns") {
  TempDir tmp;
  const SecretBox box = SecretBox::FromPassphrase("test");
  const Plan plan = FullPlan();
  const std::string path = tmp.Path("demo.plan");
  REQUIRE(WritePlanFile(path, plan, box).empty());
  Result<Plan> back = ReadPlanFile(path, box);
  REQUIRE(back.ok());
  CHECK(Canonical(*back) == Canonical(plan));
  CHECK(back->variables.at("os_password") == kSecret);
  CHECK(back->outputs[0].after == kSecret);
  CHECK(IsUnknown(back->changes[4].after["id"]));
  CHECK(back->exec.size() == plan.exec.size());
  CHECK(back->drift[0].attributes[1].after == kSecret);
}

TEST_CASE("plan file: secrets are sealed, never stored in plaintext, and the file is 0600") {
  TempDir tmp;
  const SecretBox box = SecretBox::FromPassphrase("test");
  const std::string path = tmp.Path("demo.plan");
  REQUIRE(WritePlanFile(path, FullPlan(), box).empty());
  const std::string bytes = Slurp(path);
  CHECK(bytes.find(kSecret) == std::string::npos);
  CHECK(bytes.find("sbx1:") != std::string::npos);
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  // No temporary file is left behind.
  CHECK(std::distance(fs::directory_iterator(tmp.dir), fs::directory_iterator()) == 1);
}

TEST_CASE("plan file: a file that is not a plan is named as such") {
  TempDir tmp;
  const SecretBox box = SecretBox::FromPassphrase("test");
  Spit(tmp.Path("a.yaml"), "stack: demo\n");
  Spit(tmp.Path("b.json"), "{\"kind\": \"something-else\"}");
  for (const char* name : {"a.yaml", "b.json"}) {
    Result<Plan> r = ReadPlanFile(tmp.Path(name), box);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.diags().ToString(), Catch::Contains("is not a capstan plan file"));
  }
  Result<Plan> missing = ReadPlanFile(tmp.Path("missing.plan"), box);
  REQUIRE_FALSE(missing.ok());
  CHECK_THAT(missing.diags().ToString(), Catch::Contains("cannot read plan file"));
}

TEST_CASE("plan file: truncated or edited files are reported as corrupt") {
  TempDir tmp;
  const SecretBox box = SecretBox::FromPassphrase("test");
  const std::string path = tmp.Path("demo.plan");
  REQUIRE(WritePlanFile(path, FullPlan(), box).empty());
  const std::string bytes = Slurp(path);

  Spit(path, bytes.substr(0, bytes.size() / 2));
  Result<Plan> truncated = ReadPlanFile(path, box);
  REQUIRE_FALSE(truncated.ok());
  CHECK_THAT(truncated.diags().ToString(), Catch::Contains("is corrupt"));

  std::string edited = bytes;
  const size_t at = edited.find("\"serial\": 7");
  REQUIRE(at != std::string::npos);
  edited.replace(at, 11, "\"serial\": 8");
  Spit(path, edited);
  Result<Plan> tampered = ReadPlanFile(path, box);
  REQUIRE_FALSE(tampered.ok());
  CHECK_THAT(tampered.diags().ToString(), Catch::Contains("checksum"));
}

TEST_CASE("plan file: a newer plan format is refused with a clear message") {
  TempDir tmp;
  const SecretBox box = SecretBox::FromPassphrase("test");
  const std::string path = tmp.Path("demo.plan");
  REQUIRE(WritePlanFile(path, FullPlan(), box).empty());
  nlohmann::json doc = nlohmann::json::parse(Slurp(path));
  doc["format_version"] = "2.0";
  Spit(path, doc.dump());
  Result<Plan> r = ReadPlanFile(path, box);
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.diags().ToString(), Catch::Contains("newer than this capstan understands"));
}

TEST_CASE("plan file: a different state key is reported before any secret is opened") {
  TempDir tmp;
  const std::string path = tmp.Path("demo.plan");
  REQUIRE(WritePlanFile(path, FullPlan(), SecretBox::FromPassphrase("test")).empty());
  Result<Plan> r = ReadPlanFile(path, SecretBox::FromPassphrase("other"));
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.diags().ToString(), Catch::Contains("different state key"));
}

TEST_CASE("plan file: a saved plan is stale once state serial, lineage or config change") {
  const Plan plan = FullPlan();
  CHECK(CheckPlanCurrent(plan, plan.lineage, plan.serial, plan.config_hash).empty());
  Status serial = CheckPlanCurrent(plan, plan.lineage, plan.serial + 1, plan.config_hash);
  REQUIRE(serial.HasErrors());
  CHECK_THAT(serial.ToString(), Catch::Contains("serial 7, now 8"));
  Status lineage = CheckPlanCurrent(plan, "other", plan.serial, plan.config_hash);
  CHECK_THAT(lineage.ToString(), Catch::Contains("lineage"));
  Status config = CheckPlanCurrent(plan, plan.lineage, plan.serial, "changed");
  CHECK_THAT(config.ToString(), Catch::Contains("configuration changed"));
}

}  // namespace
}  // namespace capstan
