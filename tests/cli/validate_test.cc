// End-to-end tests of the commands that need no state: validate, graph, version, --help.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/cli/harness.h"
#include "tests/cli/stacks.h"

namespace capstan::clitest {

TEST_CASE("validate accepts a valid stack", "[cli]") {
  Sandbox sb;
  sb.Write("stack.yaml", kBasicStack);
  RunResult r = sb.Run({"validate"});
  INFO(Describe(r));
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("Success!") != std::string::npos);
  CHECK_FALSE(sb.Exists(".capstan/state.db"));  // validate never opens state

  RunResult j = sb.Run({"validate", "--json"});
  INFO(Describe(j));
  CHECK(j.exit_code == 0);
  auto doc = nlohmann::json::parse(j.out);
  CHECK(doc["valid"] == true);
}

TEST_CASE("validate reports file:line:column and key of a bad reference", "[cli]") {
  Sandbox sb;
  sb.Write("stack.yaml", R"(stack: bad
resources:
  f:
    type: local.file
    properties:
      path: out/f.txt
      content: ${var.missing}
)");
  RunResult r = sb.Run({"validate"});
  INFO(Describe(r));
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("stack.yaml:7:") != std::string::npos);
  CHECK(r.err.find("missing") != std::string::npos);
}

TEST_CASE("validate checks properties against the resource schema", "[cli]") {
  Sandbox sb;
  sb.Write("stack.yaml", R"(stack: bad
resources:
  f:
    type: local.file
    properties:
      path: out/f.txt
      content: x
      colour: blue
)");
  RunResult r = sb.Run({"validate"});
  INFO(Describe(r));
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("stack.yaml:3:") != std::string::npos);
  CHECK(r.err.find("colour") != std::string::npos);

  RunResult j = sb.Run({"validate", "--json"});
  CHECK(j.exit_code == 1);
  auto doc = nlohmann::json::parse(j.out);
  CHECK(doc["valid"] == false);
  CHECK(doc["error_count"].get<int>() >= 1);
}

TEST_CASE("validate reports dependency cycles", "[cli]") {
  Sandbox sb;
  sb.Write("stack.yaml", R"(stack: cyc
resources:
  a:
    type: local.file
    properties:
      path: out/a.txt
      content: ${b.sha256}
  b:
    type: local.file
    properties:
      path: out/b.txt
      content: ${a.sha256}
)");
  RunResult r = sb.Run({"validate"});
  INFO(Describe(r));
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("ycle") != std::string::npos);
}

TEST_CASE("graph prints DOT with edges, and JSON", "[cli]") {
  Sandbox sb;
  sb.Write("stack.yaml", kBasicStack);
  RunResult r = sb.Run({"graph"});
  INFO(Describe(r));
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("digraph") != std::string::npos);
  CHECK(r.out.find("->") != std::string::npos);
  CHECK(r.out.find("local.command.stamp") != std::string::npos);

  RunResult j = sb.Run({"graph", "--format", "json"});
  INFO(Describe(j));
  CHECK(j.exit_code == 0);
  auto doc = nlohmann::json::parse(j.out);
  CHECK(doc["edges"].size() >= 1);
}

TEST_CASE("version --json names the capstan, plan format and state schema versions", "[cli]") {
  Sandbox sb;
  RunResult r = sb.Run({"version", "--json"});
  INFO(Describe(r));
  CHECK(r.exit_code == 0);
  auto doc = nlohmann::json::parse(r.out);
  CHECK(doc["capstan_version"].is_string());
  CHECK(doc["plan_format_version"].is_string());
  CHECK(doc["state_schema_version"].get<int>() >= 1);
  RunResult h = sb.Run({"version"});
  CHECK(h.out.rfind("capstan ", 0) == 0);
}

TEST_CASE("every command's --help explains it with an example", "[cli]") {
  Sandbox sb;
  std::vector<std::vector<std::string>> commands = {
      {"validate"},         {"plan"},        {"apply"},
      {"destroy"},          {"drift"},       {"graph"},
      {"output"},           {"state"},       {"state", "list"},
      {"state", "show"},    {"state", "rm"}, {"state", "mv"},
      {"state", "history"}, {"import"},      {"force-unlock"},
      {"version"},          {"completion"},  {"man"}};
  for (auto args : commands) {
    args.push_back("--help");
    RunResult r = sb.Run(args);
    INFO(args[0] << (args.size() > 2 ? " " + args[1] : "") << "\n" << Describe(r));
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("Example") != std::string::npos);
  }
  RunResult top = sb.Run({"--help"});
  CHECK(top.exit_code == 0);
  CHECK(top.out.find("Exit codes") != std::string::npos);
}

TEST_CASE("unknown commands and flags exit 1", "[cli]") {
  Sandbox sb;
  CHECK(sb.Run({"frobnicate"}).exit_code == 1);
  CHECK(sb.Run({"plan", "--no-such-flag"}).exit_code == 1);
  CHECK(sb.Run({}).exit_code == 1);
}

}  // namespace capstan::clitest
