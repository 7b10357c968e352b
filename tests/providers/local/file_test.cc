// Tests for local.file: atomic writes, drift on read, update, delete, mode.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "engine/hash.h"
#include "providers/local/local_provider.h"
#include "tests/providers/temp_dir.h"

namespace capstan {
namespace {

using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

CallContext FileCtx() {
  CallContext c;
  c.stack = "t";
  c.address = *Address::Parse("local.file.f");
  return c;
}

unsigned ModeOf(const std::string& path) {
  struct stat sb;
  REQUIRE(stat(path.c_str(), &sb) == 0);
  return sb.st_mode & 07777;
}

TEST_CASE("local.file create writes content, parent dirs, mode and sha256") {
  TempDir dir;
  auto type = NewLocalFileType();
  std::string path = dir / "a/b/c.txt";
  Value props = ApplyDefaults(type->schema(), {{"path", path}, {"content", "hello\n"}});
  auto made = type->Create(FileCtx(), props);
  REQUIRE(made.ok());
  CHECK(made->id == path);
  CHECK(ReadFile(path) == "hello\n");
  CHECK(ModeOf(path) == 0644);
  CHECK(made->attributes["sha256"] == Sha256Hex("hello\n"));
  // No temporary files left beside it.
  int entries = 0;
  for (auto& e : std::filesystem::directory_iterator(dir / "a/b")) entries += !e.path().empty();
  CHECK(entries == 1);
}

TEST_CASE("local.file id is the absolute path for a relative path") {
  TempDir dir;
  auto cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  auto type = NewLocalFileType();
  auto made = type->Create(FileCtx(), {{"path", "rel.txt"}, {"content", "x"}, {"mode", "0600"}});
  std::filesystem::current_path(cwd);
  REQUIRE(made.ok());
  CHECK(made->id == dir / "rel.txt");
}

TEST_CASE("local.file read reports out-of-band edits as drift") {
  TempDir dir;
  auto type = NewLocalFileType();
  std::string path = dir / "f.txt";
  auto made = type->Create(FileCtx(), {{"path", path}, {"content", "v1"}, {"mode", "0644"}});
  REQUIRE(made.ok());

  auto same = type->Read(FileCtx(), *made);
  REQUIRE(same.ok());
  REQUIRE(same->has_value());
  CHECK((*same)->attributes == made->attributes);

  WriteFile(path, "edited");
  chmod(path.c_str(), 0600);
  auto drifted = type->Read(FileCtx(), *made);
  REQUIRE(drifted.ok());
  REQUIRE(drifted->has_value());
  CHECK((*drifted)->attributes["content"] == "edited");
  CHECK((*drifted)->attributes["mode"] == "0600");
  CHECK((*drifted)->attributes["sha256"] == Sha256Hex("edited"));
}

TEST_CASE("local.file read of a missing file returns nullopt") {
  TempDir dir;
  auto type = NewLocalFileType();
  ObjectState prior{dir / "gone.txt", {{"path", dir / "gone.txt"}, {"content", "x"}}};
  auto r = type->Read(FileCtx(), prior);
  REQUIRE(r.ok());
  CHECK_FALSE(r->has_value());
}

TEST_CASE("local.file keeps sensitive content in sensitive_content on read") {
  TempDir dir;
  auto type = NewLocalFileType();
  std::string path = dir / "secret";
  auto made =
      type->Create(FileCtx(), {{"path", path}, {"sensitive_content", "s3cr3t"}, {"mode", "0600"}});
  REQUIRE(made.ok());
  CHECK(ModeOf(path) == 0600);
  auto r = type->Read(FileCtx(), *made);
  REQUIRE(r.ok());
  CHECK((*r)->attributes["sensitive_content"] == "s3cr3t");
  CHECK_FALSE((*r)->attributes.contains("content"));
}

TEST_CASE("local.file update rewrites content and mode in place") {
  TempDir dir;
  auto type = NewLocalFileType();
  std::string path = dir / "u.txt";
  auto made = type->Create(FileCtx(), {{"path", path}, {"content", "one"}, {"mode", "0644"}});
  REQUIRE(made.ok());
  auto upd = type->Update(FileCtx(), *made, {{"path", path}, {"content", "two"}, {"mode", "0640"}});
  REQUIRE(upd.ok());
  CHECK(upd->id == made->id);
  CHECK(ReadFile(path) == "two");
  CHECK(ModeOf(path) == 0640);
  CHECK(upd->attributes["sha256"] == Sha256Hex("two"));
}

TEST_CASE("local.file delete removes the file and tolerates it being gone") {
  TempDir dir;
  auto type = NewLocalFileType();
  std::string path = dir / "d.txt";
  auto made = type->Create(FileCtx(), {{"path", path}, {"content", "x"}, {"mode", "0644"}});
  REQUIRE(made.ok());
  CHECK(type->Delete(FileCtx(), *made).empty());
  CHECK_FALSE(std::filesystem::exists(path));
  CHECK(type->Delete(FileCtx(), *made).empty());
}

TEST_CASE("local.file validate wants exactly one content field and an octal mode") {
  auto type = NewLocalFileType();
  CHECK(type->Validate({{"path", "p"}, {"content", "x"}}).empty());
  CHECK(type->Validate({{"path", "p"}}).HasErrors());
  CHECK(type->Validate({{"path", "p"}, {"content", "x"}, {"sensitive_content", "y"}}).HasErrors());
  CHECK(type->Validate({{"path", "p"}, {"content", "x"}, {"mode", "0964"}}).HasErrors());
  CHECK(type->Validate({{"path", "p"}, {"content", Unknown()}, {"mode", Unknown()}}).empty());
}

TEST_CASE("local.file plans sha256 from known content and unknown otherwise") {
  auto type = NewLocalFileType();
  Value known = type->PlanAttributes({{"path", "p"}, {"content", "abc"}}, nullptr);
  CHECK(known["sha256"] == Sha256Hex("abc"));
  Value later = type->PlanAttributes({{"path", "p"}, {"content", Unknown()}}, nullptr);
  CHECK(IsUnknown(later["sha256"]));
}

TEST_CASE("local.file schema marks path force_new and sensitive_content sensitive") {
  auto type = NewLocalFileType();
  const auto& s = type->schema();
  CHECK(s.Find("path")->force_new);
  CHECK(s.Find("sensitive_content")->sensitive);
  CHECK(s.Find("sha256")->computed);
  CHECK(s.Find("mode")->default_value == "0644");
}

}  // namespace
}  // namespace capstan
