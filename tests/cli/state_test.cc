// End-to-end tests of output, state list/show/rm/mv/history, import and force-unlock.
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <regex>

#include "tests/cli/basic_apply.h"
#include "tests/cli/harness.h"
#include "tests/cli/stacks.h"

namespace capstan::clitest {

TEST_CASE("output lists outputs with sensitive ones masked, and prints one raw", "[cli]") {
  Sandbox sb;
  ApplyBasic(sb);
  RunResult all = sb.Run({"output"});
  INFO(Describe(all));
  CHECK(all.exit_code == 0);
  CHECK(all.out.find("single_path = \"out/single.txt\"") != std::string::npos);
  CHECK(all.out.find("secret = (sensitive)") != std::string::npos);
  CHECK(all.out.find("hunter22") == std::string::npos);

  RunResult one = sb.Run({"output", "single_path"});
  CHECK(one.exit_code == 0);
  CHECK(one.out == "out/single.txt");  // raw, no quotes, no newline off a terminal

  RunResult list = sb.Run({"output", "names"});
  CHECK(list.out == "[\"a\",\"b\"]\n");

  RunResult secret = sb.Run({"output", "secret"});  // explicit request: printed
  CHECK(secret.exit_code == 0);
  CHECK(secret.out == "hunter22");

  RunResult j = sb.Run({"output", "--json"});
  INFO(Describe(j));
  auto doc = nlohmann::json::parse(j.out);
  CHECK(doc["secret"]["sensitive"] == true);
  CHECK(doc["single_path"]["value"] == "out/single.txt");

  RunResult missing = sb.Run({"output", "nope"});
  CHECK(missing.exit_code == 1);
  CHECK(missing.err.find("single_path") != std::string::npos);
}

TEST_CASE("state list, show and history", "[cli]") {
  Sandbox sb;
  ApplyBasic(sb);
  RunResult list = sb.Run({"state", "list"});
  INFO(Describe(list));
  CHECK(list.exit_code == 0);
  CHECK(list.out ==
        "local.command.stamp\nlocal.file.multi[\"a\"]\nlocal.file.multi[\"b\"]\n"
        "local.file.single\n");
  RunResult filtered = sb.Run({"state", "list", "local.file.multi"});
  CHECK(filtered.out == "local.file.multi[\"a\"]\nlocal.file.multi[\"b\"]\n");

  RunResult j = sb.Run({"state", "list", "--json"});
  auto doc = nlohmann::json::parse(j.out);
  REQUIRE(doc.size() == 4);
  CHECK(doc[3]["address"] == "local.file.single");

  RunResult show = sb.Run({"state", "show", "local.file.single"});
  INFO(Describe(show));
  CHECK(show.exit_code == 0);
  CHECK(show.out.find("content") != std::string::npos);
  CHECK(show.out.find("\"single\\n\"") != std::string::npos);
  RunResult show_json = sb.Run({"state", "show", "local.file.single", "--json"});
  auto shown = nlohmann::json::parse(show_json.out);
  CHECK(shown["attributes"]["content"] == "single\n");

  RunResult none = sb.Run({"state", "show", "local.file.nope"});
  CHECK(none.exit_code == 1);

  RunResult hist = sb.Run({"state", "history", "--json"});
  INFO(Describe(hist));
  CHECK(hist.exit_code == 0);
  auto runs = nlohmann::json::parse(hist.out);
  REQUIRE(runs.size() >= 1);
  CHECK(runs[0]["command"] == "apply");
  CHECK(runs[0]["status"] == "ok");
}

TEST_CASE("state show masks sensitive attributes", "[cli]") {
  Sandbox sb;
  sb.Write("stack.yaml", R"(stack: secretive
resources:
  key:
    type: local.file
    properties:
      path: out/key
      sensitive_content: topsecret-value
      mode: "0600"
)");
  RunResult a = sb.Run({"apply", "--auto-approve"});
  INFO(Describe(a));
  REQUIRE(a.exit_code == 0);
  RunResult show = sb.Run({"state", "show", "local.file.key"});
  INFO(Describe(show));
  CHECK(show.out.find("(sensitive)") != std::string::npos);
  CHECK(show.out.find("topsecret") == std::string::npos);
  RunResult j = sb.Run({"state", "show", "local.file.key", "--json"});
  CHECK(j.out.find("topsecret") == std::string::npos);
  CHECK(sb.Read(".capstan/state.db").find("topsecret") == std::string::npos);
}

TEST_CASE("state mv renames and state rm forgets without destroying", "[cli]") {
  Sandbox sb;
  ApplyBasic(sb);
  RunResult mv = sb.Run({"state", "mv", "local.file.single", "local.file.renamed"});
  INFO(Describe(mv));
  CHECK(mv.exit_code == 0);
  RunResult list = sb.Run({"state", "list", "local.file.renamed"});
  CHECK(list.out == "local.file.renamed\n");
  RunResult bad = sb.Run({"state", "mv", "local.file.nope", "local.file.other"});
  CHECK(bad.exit_code == 1);

  RunResult rm = sb.Run({"state", "rm", "local.file.multi"});
  INFO(Describe(rm));
  CHECK(rm.exit_code == 0);
  CHECK(sb.Exists("out/multi-a.txt"));  // the object stays
  RunResult after = sb.Run({"state", "list", "--json"});
  auto doc = nlohmann::json::parse(after.out);
  CHECK(doc.size() == 2);
  CHECK(sb.Run({"state", "rm", "local.file.multi"}).exit_code == 1);  // nothing left

  RunResult hist = sb.Run({"state", "history"});
  INFO(Describe(hist));
  CHECK(hist.out.find("state rm") != std::string::npos);
  CHECK(hist.out.find("state mv") != std::string::npos);
  CHECK(hist.out.find("state rm") < hist.out.find("state mv"));  // newest first
}

TEST_CASE("import adopts an existing local.file", "[cli]") {
  Sandbox sb;
  std::string path = sb.Path("existing.txt");
  sb.Write("existing.txt", "made by hand\n");
  sb.Write("stack.yaml",
           "stack: imp\nresources:\n  adopted:\n    type: local.file\n"
           "    properties:\n      path: " +
               path + "\n      content: \"made by hand\\n\"\n");
  RunResult r = sb.Run({"import", "local.file.adopted", path});
  INFO(Describe(r));
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("Import successful!") != std::string::npos);
  RunResult list = sb.Run({"state", "list"});
  CHECK(list.out == "local.file.adopted\n");
  RunResult plan = sb.Run({"plan", "--detailed-exitcode"});
  INFO(Describe(plan));
  CHECK(plan.exit_code == 0);
  CHECK(sb.Run({"import", "local.file.adopted", path}).exit_code == 1);  // already managed
  CHECK(sb.Run({"import", "local.file.undeclared", path}).exit_code == 1);
}

TEST_CASE("force-unlock needs the right lock id and prints the current lock", "[cli]") {
  Sandbox sb;
  ApplyBasic(sb);
  RunResult unlocked = sb.Run({"force-unlock", "deadbeef"});
  CHECK(unlocked.exit_code == 1);
  CHECK(unlocked.err.find("not locked") != std::string::npos);

  // Leave a lock behind: kill an apply while a slow command runs.
  sb.Write("stack.yaml", R"(stack: clitest
resources:
  slow:
    type: local.command
    properties:
      create: "sleep 60"
)");
  pid_t pid = sb.Spawn({"apply", "--auto-approve"}, "slow");
  bool started =
      WaitFor([&] { return sb.Read("slow.out").find("Creating...") != std::string::npos; });
  killpg(pid, SIGKILL);
  Sandbox::Wait(pid);
  INFO(sb.Read("slow.out") << sb.Read("slow.err"));
  REQUIRE(started);
  // On this host the next run would see the holder's pid gone and take the lock over;
  // a holder on another machine is what force-unlock is for.
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(sb.Path(".capstan/state.db").c_str(), &db) == SQLITE_OK);
    int rc =
        sqlite3_exec(db, "UPDATE locks SET host = 'elsewhere.example'", nullptr, nullptr, nullptr);
    sqlite3_close(db);
    REQUIRE(rc == SQLITE_OK);
  }

  RunResult blocked = sb.Run({"apply", "--auto-approve"});
  INFO(Describe(blocked));
  CHECK(blocked.exit_code == 1);

  RunResult wrong = sb.Run({"force-unlock", "not-the-id"});
  INFO(Describe(wrong));
  CHECK(wrong.exit_code == 1);
  std::smatch m;
  REQUIRE(std::regex_search(wrong.err, m, std::regex("capstan force-unlock ([0-9A-Za-z-]+)")));
  CHECK(wrong.err.find("apply") != std::string::npos);

  RunResult right = sb.Run({"force-unlock", m[1].str()});
  INFO(Describe(right));
  CHECK(right.exit_code == 0);
  RunResult none = sb.Run({"force-unlock", m[1].str()});
  CHECK(none.exit_code == 1);
}

}  // namespace capstan::clitest
