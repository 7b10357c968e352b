// End-to-end tests of `capstan state check` and `capstan state rekey`.
//
/// Damage is done with the sqlite3 C API directly on the sandbox's database, as a bad
/// restore or a hand edit would; the binary must name it and exit 1. Rekey is checked
/// by what a user sees: the old key no longer works, the new one does, `output` still
/// prints the same secret.
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/cli/basic_apply.h"
#include "tests/cli/harness.h"
#include "tests/cli/stacks.h"
#include "tests/state/state_test_util.h"

namespace capstan::clitest {
namespace {

/// Raw SQL on the sandbox's state database (testing::ExecSql).
void Sql(const Sandbox& sb, const std::string& sql) {
  testing::ExecSql(sb.Path(".capstan/state.db"), sql);
}

}  // namespace

TEST_CASE("state check and state rekey --help explain them with an example", "[cli][state]") {
  Sandbox sb;
  for (const char* sub : {"check", "rekey"}) {
    RunResult r = sb.Run({"state", sub, "--help"});
    INFO(Describe(r));
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("Example") != std::string::npos);
  }
}

TEST_CASE("state check: a healthy database exits 0, human and JSON", "[cli][state]") {
  Sandbox sb;
  ApplyBasic(sb);
  RunResult human = sb.Run({"state", "check"});
  INFO(Describe(human));
  CHECK(human.exit_code == 0);
  CHECK(human.out.find("No problems found") != std::string::npos);
  CHECK(human.out.find("1 stack") != std::string::npos);

  RunResult json = sb.Run({"state", "check", "--json"});
  INFO(Describe(json));
  CHECK(json.exit_code == 0);
  auto doc = nlohmann::json::parse(json.out);
  CHECK(doc["ok"] == true);
  CHECK(doc["stacks"] == nlohmann::json::array({"clitest"}));
  CHECK(doc["problems"].empty());
  CHECK(doc["schema_version"].get<int>() >= 2);
}

TEST_CASE("state check: damage is reported by name and exits 1", "[cli][state]") {
  Sandbox sb;
  ApplyBasic(sb);
  Sql(sb,
      "INSERT INTO journal(stack, run_id, address, action, started_at) VALUES "
      "('clitest', 'ghost-run', 'local.file.single', 'update', 1);"
      "UPDATE outputs SET secret = 'sbx1:AAAA' WHERE name = 'secret';"
      "UPDATE stacks SET serial = 1;");
  RunResult human = sb.Run({"state", "check"});
  INFO(Describe(human));
  CHECK(human.exit_code == 1);
  CHECK(human.out.find("problems found") != std::string::npos);
  CHECK(human.err.find("ghost-run") != std::string::npos);
  CHECK(human.err.find("output.secret") != std::string::npos);
  CHECK(human.err.find("above the stack's serial 1") != std::string::npos);

  RunResult json = sb.Run({"state", "check", "--json"});
  INFO(Describe(json));
  CHECK(json.exit_code == 1);
  auto doc = nlohmann::json::parse(json.out);
  CHECK(doc["ok"] == false);
  CHECK(doc["problems"].size() >= 3);
}

TEST_CASE("state check: a wrong key and a missing database are problems", "[cli][state]") {
  Sandbox sb;
  RunResult missing = sb.Run({"state", "check"});
  CHECK(missing.exit_code == 1);
  CHECK(missing.err.find("No state database") != std::string::npos);
  CHECK_FALSE(sb.Exists(".capstan/state.db"));  // check never creates one

  ApplyBasic(sb);
  sb.SetEnv("CAPSTAN_STATE_KEY", "another passphrase");
  RunResult wrong = sb.Run({"state", "check"});
  INFO(Describe(wrong));
  CHECK(wrong.exit_code == 1);
  CHECK(wrong.err.find("state key does not match") != std::string::npos);

  sb.UnsetEnv("CAPSTAN_STATE_KEY");  // and no key file: "no state key"
  RunResult none = sb.Run({"state", "check"});
  INFO(Describe(none));
  CHECK(none.exit_code == 1);
  CHECK(none.err.find("No state key") != std::string::npos);
  CHECK_FALSE(sb.Exists(".capstan/state.db.key"));
}

TEST_CASE("state rekey with CAPSTAN_NEW_STATE_KEY: old key refused, new key works",
          "[cli][state]") {
  Sandbox sb;
  ApplyBasic(sb);
  const std::string new_key(64, 'a');
  sb.SetEnv("CAPSTAN_NEW_STATE_KEY", new_key);
  RunResult rekey = sb.Run({"state", "rekey", "--json"});
  INFO(Describe(rekey));
  REQUIRE(rekey.exit_code == 0);
  auto doc = nlohmann::json::parse(rekey.out);
  CHECK(doc["resealed"] == 1);  // the sensitive output
  CHECK(rekey.all().find(new_key) == std::string::npos);
  sb.UnsetEnv("CAPSTAN_NEW_STATE_KEY");

  RunResult old = sb.Run({"output", "secret"});  // still CAPSTAN_STATE_KEY = old passphrase
  CHECK(old.exit_code == 1);
  CHECK(old.err.find("state key does not match") != std::string::npos);
  CHECK(sb.Run({"state", "check"}).exit_code == 1);

  sb.SetEnv("CAPSTAN_STATE_KEY", new_key);
  RunResult secret = sb.Run({"output", "secret"});
  INFO(Describe(secret));
  CHECK(secret.exit_code == 0);
  CHECK(secret.out == "hunter22");
  CHECK(sb.Run({"state", "check"}).exit_code == 0);
  RunResult plan = sb.Run({"plan", "--detailed-exitcode"});
  INFO(Describe(plan));
  CHECK(plan.exit_code == 0);

  // Without a new key, and with the current key from the environment: refused.
  RunResult none = sb.Run({"state", "rekey"});
  CHECK(none.exit_code == 1);
  CHECK(none.err.find("CAPSTAN_NEW_STATE_KEY") != std::string::npos);
}

TEST_CASE("state rekey with the key file rotates <db>.key", "[cli][state]") {
  Sandbox sb;
  sb.UnsetEnv("CAPSTAN_STATE_KEY");
  ApplyBasic(sb);
  const std::string old_key = sb.Read(".capstan/state.db.key");
  REQUIRE(old_key.size() == 65);
  RunResult rekey = sb.Run({"state", "rekey"});
  INFO(Describe(rekey));
  REQUIRE(rekey.exit_code == 0);
  CHECK(rekey.out.find("Re-sealed 1 secret in 1 stack") != std::string::npos);
  const std::string new_key = sb.Read(".capstan/state.db.key");
  CHECK(new_key.size() == 65);
  CHECK(new_key != old_key);
  CHECK_FALSE(sb.Exists(".capstan/state.db.key.new"));
  CHECK(sb.Run({"output", "secret"}).out == "hunter22");
  CHECK(sb.Run({"state", "check"}).exit_code == 0);

  sb.SetEnv("CAPSTAN_STATE_KEY", old_key.substr(0, 64));
  RunResult old = sb.Run({"output", "secret"});
  CHECK(old.exit_code == 1);

  // --new-key-file: a fresh file is created and used; <db>.key follows it.
  sb.UnsetEnv("CAPSTAN_STATE_KEY");
  RunResult to_file = sb.Run({"state", "rekey", "--new-key-file", "rotated.key"});
  INFO(Describe(to_file));
  REQUIRE(to_file.exit_code == 0);
  CHECK(sb.Read("rotated.key") == sb.Read(".capstan/state.db.key"));
  CHECK(sb.Run({"output", "secret"}).out == "hunter22");
}

TEST_CASE("state rekey refuses while a stack is locked and changes nothing", "[cli][state]") {
  Sandbox sb;
  ApplyBasic(sb);
  Sql(sb,
      "INSERT INTO locks(stack, id, holder, operation, pid, host, acquired_at, lease_until) "
      "VALUES ('clitest', 'lock-1', 'someone@elsewhere', 'apply', 4242, 'elsewhere', "
      "strftime('%s','now'), strftime('%s','now') + 600)");
  sb.SetEnv("CAPSTAN_NEW_STATE_KEY", "new passphrase");
  RunResult rekey = sb.Run({"state", "rekey"});
  INFO(Describe(rekey));
  CHECK(rekey.exit_code == 1);
  CHECK(rekey.err.find("is locked") != std::string::npos);
  CHECK(rekey.err.find("pid 4242") != std::string::npos);
  sb.UnsetEnv("CAPSTAN_NEW_STATE_KEY");
  CHECK(sb.Run({"output", "secret"}).out == "hunter22");  // old key still valid
}

}  // namespace capstan::clitest
