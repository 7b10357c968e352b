// Tests for local.command: commands, environment, outputs, failures, redaction, read.
#include <catch2/catch.hpp>
#include <filesystem>

#include "providers/local/local_provider.h"
#include "tests/providers/temp_dir.h"

namespace capstan {
namespace {

using testing::ReadFile;
using testing::TempDir;

CallContext CommandCtx(std::vector<std::string>* progress = nullptr) {
  CallContext c;
  c.stack = "st";
  c.address = *Address::Parse("local.command.c");
  if (progress) c.progress = [progress](const std::string& s) { progress->push_back(s); };
  return c;
}

TEST_CASE("local.command create passes environment and parses JSON outputs") {
  auto type = NewLocalCommandType();
  Value props = {{"create", "printf '{\"greeting\":\"%s\",\"n\":3}\\n' \"$WHO\""},
                 {"environment", {{"WHO", "world"}}}};
  auto made = type->Create(CommandCtx(), props);
  REQUIRE(made.ok());
  CHECK(made->id.size() == 16);
  CHECK(made->attributes["stdout"] == "{\"greeting\":\"world\",\"n\":3}");
  CHECK(made->attributes["outputs"] == Value({{"greeting", "world"}, {"n", 3}}));
  CHECK(made->attributes["exit_code"] == 0);
}

TEST_CASE("local.command outputs are empty when stdout is not a JSON object") {
  auto type = NewLocalCommandType();
  auto made = type->Create(CommandCtx(), {{"create", "echo '  plain text  '"}});
  REQUIRE(made.ok());
  CHECK(made->attributes["stdout"] == "plain text");
  CHECK(made->attributes["outputs"] == Value::object());
}

TEST_CASE("local.command streams stdout lines as progress") {
  auto type = NewLocalCommandType();
  std::vector<std::string> progress;
  auto made = type->Create(CommandCtx(&progress), {{"create", "echo step1; echo step2"}});
  REQUIRE(made.ok());
  CHECK(progress == std::vector<std::string>{"step1", "step2"});
}

TEST_CASE("local.command failure names the exit code and the tail of stderr") {
  auto type = NewLocalCommandType();
  auto made = type->Create(
      CommandCtx(),
      {{"create", "i=0; while [ $i -lt 30 ]; do echo e$i >&2; i=$((i+1)); done; exit 4"}});
  REQUIRE_FALSE(made.ok());
  std::string msg = made.diags().ToString();
  CHECK(msg.find("exit code 4") != std::string::npos);
  CHECK(msg.find("e29") != std::string::npos);
  CHECK(msg.find("e10\n") != std::string::npos);
  CHECK(msg.find("e9\n") == std::string::npos);  // Only the last 20 lines.
}

TEST_CASE("local.command redacts sensitive_environment values from errors and progress") {
  auto type = NewLocalCommandType();
  std::vector<std::string> progress;
  Value props = {{"create", "echo \"token is $TOKEN\"; echo \"bad $TOKEN\" >&2; exit 1"},
                 {"sensitive_environment", {{"TOKEN", "hunter2-secret"}}}};
  auto made = type->Create(CommandCtx(&progress), props);
  REQUIRE_FALSE(made.ok());
  std::string msg = made.diags().ToString();
  CHECK(msg.find("hunter2-secret") == std::string::npos);
  CHECK(msg.find("bad (sensitive)") != std::string::npos);
  REQUIRE(progress.size() == 1);
  CHECK(progress[0] == "token is (sensitive)");
}

TEST_CASE("local.command destroy runs the destroy command with the id in the environment") {
  TempDir dir;
  auto type = NewLocalCommandType();
  Value props = {{"create", "true"},
                 {"destroy", "echo \"$CAPSTAN_ID $X\" > destroyed"},
                 {"working_dir", dir.path()},
                 {"environment", {{"X", "bye"}}}};
  auto made = type->Create(CommandCtx(), props);
  REQUIRE(made.ok());
  CHECK(type->Delete(CommandCtx(), *made).empty());
  CHECK(ReadFile(dir / "destroyed") == made->id + " bye\n");
}

TEST_CASE("local.command update runs the update command in place") {
  auto type = NewLocalCommandType();
  Value props = {
      {"create", "echo created"}, {"update", "echo \"updated $V\""}, {"environment", {{"V", "1"}}}};
  auto made = type->Create(CommandCtx(), props);
  REQUIRE(made.ok());
  props["environment"]["V"] = "2";
  auto upd = type->Update(CommandCtx(), *made, props);
  REQUIRE(upd.ok());
  CHECK(upd->id == made->id);
  CHECK(upd->attributes["stdout"] == "updated 2");
}

TEST_CASE("local.command without update re-creates: old destroy, new create, new id") {
  TempDir dir;
  auto type = NewLocalCommandType();
  Value props = {{"create", "echo \"create $V\" >> log"},
                 {"destroy", "echo \"destroy $V\" >> log"},
                 {"working_dir", dir.path()},
                 {"environment", {{"V", "1"}}}};
  auto made = type->Create(CommandCtx(), props);
  REQUIRE(made.ok());
  props["environment"]["V"] = "2";
  auto upd = type->Update(CommandCtx(), *made, props);
  REQUIRE(upd.ok());
  CHECK(upd->id != made->id);
  CHECK(ReadFile(dir / "log") == "create 1\ndestroy 1\ncreate 2\n");
}

TEST_CASE("local.command read command refreshes outputs and exit 3 means gone") {
  TempDir dir;
  auto type = NewLocalCommandType();
  std::string flag = dir / "present";
  Value props = {{"create", "touch " + flag},
                 {"read", "if [ -e " + flag + " ]; then echo '{\"ok\":true}'; else exit 3; fi"}};
  auto made = type->Create(CommandCtx(), props);
  REQUIRE(made.ok());
  auto r = type->Read(CommandCtx(), *made);
  REQUIRE(r.ok());
  REQUIRE(r->has_value());
  CHECK((*r)->attributes["outputs"] == Value({{"ok", true}}));
  std::filesystem::remove(flag);
  auto gone = type->Read(CommandCtx(), *made);
  REQUIRE(gone.ok());
  CHECK_FALSE(gone->has_value());
}

TEST_CASE("local.command read without a read command returns the prior unchanged") {
  auto type = NewLocalCommandType();
  ObjectState prior{"abc", {{"create", "true"}, {"stdout", "x"}}};
  auto r = type->Read(CommandCtx(), prior);
  REQUIRE(r.ok());
  REQUIRE(r->has_value());
  CHECK((*r)->attributes == prior.attributes);
}

TEST_CASE("local.command read command failure is an error") {
  auto type = NewLocalCommandType();
  ObjectState prior{"abc", {{"create", "true"}, {"read", "exit 9"}}};
  auto r = type->Read(CommandCtx(), prior);
  REQUIRE_FALSE(r.ok());
  CHECK(r.diags().ToString().find("exit code 9") != std::string::npos);
}

TEST_CASE("local.command plan keeps outputs only when no input changed") {
  auto type = NewLocalCommandType();
  ObjectState prior{
      "abc",
      {{"create", "echo a"}, {"stdout", "a"}, {"outputs", Value::object()}, {"exit_code", 0}}};
  Value same = type->PlanAttributes({{"create", "echo a"}}, &prior);
  CHECK(same["stdout"] == "a");
  Value changed = type->PlanAttributes({{"create", "echo b"}}, &prior);
  CHECK(IsUnknown(changed["stdout"]));
  Value fresh = type->PlanAttributes({{"create", "echo a"}}, nullptr);
  CHECK(IsUnknown(fresh["outputs"]));
}

TEST_CASE("local.command validate rejects non-string environment values") {
  auto type = NewLocalCommandType();
  CHECK(type->Validate({{"create", "true"}, {"environment", {{"A", "x"}}}}).empty());
  CHECK(type->Validate({{"create", "true"}, {"environment", {{"A", 1}}}}).HasErrors());
  CHECK(type->Validate({{"create", "  "}}).HasErrors());
}

TEST_CASE("local.command schema: triggers force replacement, sensitive env is sensitive") {
  auto type = NewLocalCommandType();
  const auto& s = type->schema();
  CHECK(s.Find("triggers")->force_new);
  CHECK(s.Find("sensitive_environment")->sensitive);
  CHECK(s.Find("create")->required);
  CHECK(s.Find("outputs")->computed);
}

}  // namespace
}  // namespace capstan
