// Tests for file() and templatefile(): path resolution against base_dir, limits,
// and the hand-over to the evaluator's template renderer.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "engine/config/functions.h"
#include "engine/hash.h"

namespace capstan {
namespace {

namespace fs = std::filesystem;

/// A fresh directory under the system temp dir, removed when the test ends.
struct TempDir {
  fs::path path = fs::temp_directory_path() / ("capstan-fn-" + RandomHex(8));
  TempDir() { fs::create_directories(path); }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  void Write(const std::string& name, const std::string& content) const {
    fs::create_directories((path / name).parent_path());
    std::ofstream(path / name, std::ios::binary) << content;
  }
};

std::string Err(std::string_view name, std::vector<Value> args, const FunctionEnv& env) {
  auto r = CallFunction(name, args, env);
  REQUIRE_FALSE(r.ok());
  return r.diags().items()[0].summary;
}

TEST_CASE("file reads paths relative to the module's base_dir", "[functions]") {
  TempDir dir;
  dir.Write("cloud-init/user-data.yaml", "#cloud-config\npackages: [jq]\n");
  FunctionEnv env{dir.path.string(), nullptr};
  auto r = CallFunction("file", {"cloud-init/user-data.yaml"}, env);
  INFO(r.diags().ToString());
  REQUIRE(r.ok());
  CHECK(*r == "#cloud-config\npackages: [jq]\n");

  auto absolute = CallFunction("file", {(dir.path / "cloud-init/user-data.yaml").string()},
                               FunctionEnv{"/nonexistent", nullptr});
  REQUIRE(absolute.ok());
  CHECK(*absolute == *r);
}

TEST_CASE("file names the resolved path when the file is missing", "[functions]") {
  TempDir dir;
  FunctionEnv env{dir.path.string(), nullptr};
  std::string resolved = (dir.path / "missing.txt").string();
  CHECK(Err("file", {"./missing.txt"}, env) ==
        "file: no file \"./missing.txt\" (resolved to " + resolved + ")");
  CHECK(Err("file", {"."}, env) == "file: " + dir.path.string() + "/ is not a regular file");
  CHECK(Err("file", {Value::array()}, env) == "file: argument 1 must be a string, got list");
}

TEST_CASE("file refuses files over 16 MiB and non-UTF-8 content", "[functions]") {
  TempDir dir;
  dir.Write("big.bin", "");
  fs::resize_file(dir.path / "big.bin", 16 * 1024 * 1024 + 1);
  dir.Write("latin1.txt",
            "gr\xf6\xdf"
            "e");
  FunctionEnv env{dir.path.string(), nullptr};
  CHECK(Err("file", {"big.bin"}, env).find("is 16777217 bytes; the limit is 16777216") !=
        std::string::npos);
  CHECK(Err("file", {"latin1.txt"}, env).ends_with("latin1.txt is not valid UTF-8 text"));
}

TEST_CASE("templatefile hands the file text and vars to render_template", "[functions]") {
  TempDir dir;
  dir.Write("tpl/hello.tpl", "hello ${name}");
  std::string seen_text;
  Value seen_vars;
  FunctionEnv env;
  env.base_dir = dir.path.string();
  env.render_template = [&](const std::string& text, const Value& vars) -> Result<Value> {
    seen_text = text;
    seen_vars = vars;
    std::string out = text;
    out.replace(out.find("${name}"), 7, vars.at("name").get<std::string>());
    return Value(out);
  };
  auto r = CallFunction("templatefile", {"tpl/hello.tpl", Value{{"name", "world"}}}, env);
  INFO(r.diags().ToString());
  REQUIRE(r.ok());
  CHECK(*r == "hello world");
  CHECK(seen_text == "hello ${name}");
  CHECK(seen_vars == Value{{"name", "world"}});
}

TEST_CASE("templatefile reports renderer errors with the template path", "[functions]") {
  TempDir dir;
  dir.Write("bad.tpl", "${oops");
  FunctionEnv env;
  env.base_dir = dir.path.string();
  env.render_template = [](const std::string&, const Value&) -> Result<Value> {
    return Result<Value>::Fail("unterminated ${");
  };
  CHECK(Err("templatefile", {"bad.tpl", Value::object()}, env) ==
        "templatefile: " + (dir.path / "bad.tpl").string() + ": unterminated ${");
  CHECK(Err("templatefile", {"bad.tpl", Value::array()}, env) ==
        "templatefile: argument 2 must be a map, got list");
  CHECK(Err("templatefile", {"nope.tpl", Value::object()}, env)
            .starts_with("templatefile: no file \"nope.tpl\""));
  env.render_template = nullptr;
  CHECK(Err("templatefile", {"bad.tpl", Value::object()}, env) ==
        "templatefile: templates cannot be rendered here (no template renderer)");
}

}  // namespace
}  // namespace capstan
