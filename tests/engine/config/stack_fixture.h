// Test helpers: stacks written to a temporary directory, and a map-backed ValueSource.
//
/// Most loader tests need a handful of small YAML files whose line numbers the test
/// asserts on, so they are written inline rather than kept as fixtures.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "engine/config.h"

namespace capstan::testing {

class TempStack {
 public:
  TempStack() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "capstan-cfg-XXXXXX").string();
    dir_ = mkdtemp(tmpl.data());
  }
  ~TempStack() { std::filesystem::remove_all(dir_); }
  TempStack(const TempStack&) = delete;
  TempStack& operator=(const TempStack&) = delete;

  /// Writes `text` to dir/relpath (creating directories) and returns the full path.
  std::string Write(const std::string& relpath, const std::string& text) {
    auto p = std::filesystem::path(dir_) / relpath;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
  const std::string& dir() const { return dir_; }
  std::string Path(const std::string& rel) const { return dir_ + "/" + rel; }

  Result<std::unique_ptr<StackConfig>> Load(LoadOptions opts = {}) const {
    if (opts.paths.empty()) opts.paths = {dir_};
    opts.env_vars = false;
    return LoadStack(opts);
  }

 private:
  std::string dir_;
};

class MapValues : public ValueSource {
 public:
  const VertexValue* Get(int vertex) const override {
    auto it = values_.find(vertex);
    return it == values_.end() ? nullptr : &it->second;
  }
  void Set(int vertex, Value v, std::set<std::string> sensitive = {}, bool all = false) {
    values_[vertex] = VertexValue{std::move(v), std::move(sensitive), all};
  }

 private:
  std::map<int, VertexValue> values_;
};

/// The id of the vertex named `name`, or -1.
inline int VertexNamed(const StackConfig& s, const std::string& name) {
  for (const auto& v : s.vertices()) {
    if (v.name == name) return v.id;
  }
  return -1;
}

/// All diagnostics as one string, for REQUIRE messages and substring checks.
inline std::string AllErrors(const Diagnostics& d) { return d.ToString(); }

}  // namespace capstan::testing
