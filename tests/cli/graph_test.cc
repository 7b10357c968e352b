// `capstan graph` formats: DOT, Mermaid, JSON, SVG (Graphviz), and --plan annotations.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/cli/harness.h"

namespace capstan::clitest {
namespace {

constexpr const char* kGraphStack = R"(stack: graphs
resources:
  a: {type: local.file, properties: {path: "out/a.txt", content: "a\n"}}
  b: {type: local.file, properties: {path: "out/b.txt", content: "${a.sha256}\n"}}
)";

}  // namespace

TEST_CASE("graph --format mermaid draws vertices and labelled edges", "[cli][graph]") {
  Sandbox sb;
  sb.Write("stack.yaml", kGraphStack);
  RunResult r = sb.Run({"graph", "--format", "mermaid"});
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.rfind("flowchart LR\n", 0) == 0);
  CHECK(r.out.find("[\"local.file.a\"]") != std::string::npos);
  CHECK(r.out.find("-->|\"properties.content\"|") != std::string::npos);
  CHECK(r.out.find("classDef") == std::string::npos);  // no plan, no colours
}

TEST_CASE("graph --plan annotates resources with their planned action", "[cli][graph]") {
  Sandbox sb;
  sb.Write("stack.yaml", kGraphStack);
  RunResult dot = sb.Run({"graph", "--plan"});
  INFO(Describe(dot));
  REQUIRE(dot.exit_code == 0);
  CHECK(dot.out.find("local.file.a\\n(create)") != std::string::npos);
  CHECK(dot.out.find("fillcolor=\"#d9f2d9\"") != std::string::npos);

  RunResult apply = sb.Run({"apply", "--auto-approve"});
  REQUIRE(apply.exit_code == 0);
  sb.Write(
      "stack.yaml",
      std::string(kGraphStack).replace(std::string(kGraphStack).find("\"a\\n\""), 5, "\"A\\n\""));
  RunResult json = sb.Run({"graph", "--plan", "--format", "json"});
  INFO(Describe(json));
  REQUIRE(json.exit_code == 0);
  auto doc = nlohmann::json::parse(json.out);
  std::map<std::string, std::string> action;
  for (const auto& v : doc["vertices"]) action[v["name"]] = v.value("action", "");
  CHECK(action["local.file.a"] == "update");

  RunResult mermaid = sb.Run({"graph", "--plan", "--format", "mermaid"});
  REQUIRE(mermaid.exit_code == 0);
  CHECK(mermaid.out.find("classDef update") != std::string::npos);
}

TEST_CASE("graph --format svg renders with Graphviz, or says clearly that dot is missing",
          "[cli][graph]") {
  Sandbox sb;
  sb.Write("stack.yaml", kGraphStack);
  sb.SetEnv("PATH", "/nonexistent");
  RunResult missing = sb.Run({"graph", "--format", "svg"});
  INFO(Describe(missing));
  CHECK(missing.exit_code == 1);
  CHECK(missing.err.find("`dot` was not found on PATH") != std::string::npos);
  CHECK(missing.out.empty());

  if (access("/usr/bin/dot", X_OK) == 0) {
    sb.SetEnv("PATH", "/usr/bin:/bin");
    RunResult svg = sb.Run({"graph", "--format", "svg"});
    INFO(Describe(svg));
    CHECK(svg.exit_code == 0);
    CHECK(svg.out.find("<svg") != std::string::npos);
    CHECK(svg.out.find("local.file.a") != std::string::npos);
  }
}

}  // namespace capstan::clitest
