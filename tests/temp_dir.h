// TempDir: a fresh directory under $TMPDIR for one test, removed with its contents after.
//
/// One definition for every test tree (state, providers, CLI): two had grown apart, and
/// a test that needed both headers could not include them together.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>

namespace capstan::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "capstan-test-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data()) ? tmpl : std::string();
  }
  ~TempDir() {
    if (path_.empty()) return;
    std::error_code ec;
    // A test may have taken its own permissions away (read-only state directories).
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all, ec);
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }
  std::string operator/(const std::string& name) const { return File(name); }

 private:
  std::string path_;
};

}  // namespace capstan::testing
