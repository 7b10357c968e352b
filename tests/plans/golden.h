// Golden-file comparison for the plan renderer tests.
//
/// The goldens in tests/plans/golden/ are what users (and CI systems) read; review them
/// by eye when they change. CAPSTAN_UPDATE_GOLDEN=1 rewrites them from the current output.
#pragma once

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace capstan::testing {

inline std::string GoldenPath(const std::string& name) {
  return std::string(CAPSTAN_SOURCE_DIR) + "/tests/plans/golden/" + name;
}

inline void CheckGolden(const std::string& name, const std::string& actual) {
  const std::string path = GoldenPath(name);
  const char* update = std::getenv("CAPSTAN_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << actual;
  }
  std::ifstream in(path, std::ios::binary);
  INFO("golden file " << path << " (CAPSTAN_UPDATE_GOLDEN=1 rewrites it)");
  REQUIRE(in.good());
  std::stringstream expected;
  expected << in.rdbuf();
  CHECK(actual == expected.str());
}

}  // namespace capstan::testing
