// A state database whose key file is gone: capstan must stop, not make a new key.
//
/// A new random key cannot open the secrets sealed with the lost one, and the next write
/// would seal fresh values with it, leaving a database under two keys. So a command on a
/// database that holds sealed values, with no `<db>.key` and no CAPSTAN_STATE_KEY, fails
/// naming both files and leaves no key file behind; a database without sealed values
/// still gets a new key on first use, as before.
#include <catch2/catch.hpp>

#include "tests/cli/harness.h"
#include "tests/cli/stacks.h"

namespace capstan::clitest {
namespace {

/// kBasicStack without its sensitive output: nothing in state is sealed.
std::string PlainStack() {
  std::string s = kBasicStack;
  s = s.substr(0, s.find("  secret:\n    value:"));
  return s;
}

}  // namespace

TEST_CASE("missing key file with sealed secrets in state: the command fails naming both files",
          "[cli][state][key]") {
  Sandbox sb;
  sb.UnsetEnv("CAPSTAN_STATE_KEY");
  sb.Write("stack.yaml", kBasicStack);
  RunResult applied = sb.Run({"apply", "--auto-approve"});
  INFO(Describe(applied));
  REQUIRE(applied.exit_code == 0);
  REQUIRE(sb.Exists(".capstan/state.db.key"));
  const std::string key = sb.Read(".capstan/state.db.key");

  std::filesystem::remove(sb.Path(".capstan/state.db.key"));
  const std::vector<std::vector<std::string>> commands = {
      {"plan"}, {"apply", "--auto-approve"}, {"output", "secret"}};
  for (const auto& args : commands) {
    RunResult r = sb.Run(args);
    INFO(args.front() << ": " << Describe(r));
    CHECK(r.exit_code == 1);
    CHECK(r.err.find(".capstan/state.db holds encrypted secrets") != std::string::npos);
    CHECK(r.err.find(".capstan/state.db.key is missing") != std::string::npos);
    CHECK(r.err.find("CAPSTAN_STATE_KEY") != std::string::npos);
    CHECK_FALSE(sb.Exists(".capstan/state.db.key"));  // no new key was made
  }

  // The restored key file works again and still opens the secret.
  sb.Write(".capstan/state.db.key", key);
  std::filesystem::permissions(
      sb.Path(".capstan/state.db.key"),
      std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  RunResult out = sb.Run({"output", "secret"});
  INFO(Describe(out));
  CHECK(out.exit_code == 0);
  CHECK(out.out.find("hunter22") != std::string::npos);

  // CAPSTAN_STATE_KEY set instead of the file: no key file is consulted or created.
  std::filesystem::remove(sb.Path(".capstan/state.db.key"));
  sb.SetEnv("CAPSTAN_STATE_KEY", key.substr(0, 64));
  RunResult via_env = sb.Run({"output", "secret"});
  INFO(Describe(via_env));
  CHECK(via_env.exit_code == 0);
  CHECK(via_env.out.find("hunter22") != std::string::npos);
  CHECK_FALSE(sb.Exists(".capstan/state.db.key"));
}

TEST_CASE("missing key file without sealed values in state: a new key is made",
          "[cli][state][key]") {
  Sandbox sb;
  sb.UnsetEnv("CAPSTAN_STATE_KEY");
  sb.Write("stack.yaml", PlainStack());
  RunResult applied = sb.Run({"apply", "--auto-approve"});
  INFO(Describe(applied));
  REQUIRE(applied.exit_code == 0);
  std::filesystem::remove(sb.Path(".capstan/state.db.key"));

  RunResult plan = sb.Run({"plan", "--detailed-exitcode"});
  INFO(Describe(plan));
  CHECK(plan.exit_code == 0);
  CHECK(sb.Exists(".capstan/state.db.key"));
}

}  // namespace capstan::clitest
