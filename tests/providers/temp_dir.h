// File helpers for provider tests, and the shared TempDir (tests/temp_dir.h).
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include "tests/temp_dir.h"

namespace capstan::testing {

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

inline void WriteFile(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
}

}  // namespace capstan::testing
