// Shared bits of the fuzz targets: a per-process scratch directory for the inputs that
// the code under test only accepts as files (stack files, clouds.yaml, plan files).
//
/// libFuzzer calls LLVMFuzzerTestOneInput millions of times in one process; writing the
/// input to the same path each time keeps the file system out of the measurements.
#pragma once

#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace capstan::fuzz {

/// A directory created on first use and never removed while the process lives.
inline const std::string& ScratchDir() {
  static const std::string dir = [] {
    std::string tmpl = (std::filesystem::temp_directory_path() / "capstan-fuzz-XXXXXX").string();
    return std::string(::mkdtemp(tmpl.data()));
  }();
  return dir;
}

/// Writes `size` bytes to ScratchDir()/name and returns the full path.
inline std::string WriteInput(const std::string& name, const uint8_t* data, size_t size) {
  std::string path = ScratchDir() + "/" + name;
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

}  // namespace capstan::fuzz
