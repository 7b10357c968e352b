// End-to-end tests of the CI report formats of `capstan drift` and `capstan plan`
// (--format markdown|junit|github|json) and of --verbose, through the real binary.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "tests/cli/harness.h"

namespace capstan::clitest {
namespace {

constexpr const char* kStack = R"(stack: driftfmt
resources:
  watched:
    type: local.file
    properties: {path: out/watched.txt, content: "w\n"}
  tolerated:
    type: local.file
    properties: {path: out/tolerated.txt, content: "t\n"}
    lifecycle: {ignore_changes: [content, sha256]}
)";

void Apply(Sandbox& sb) {
  sb.Write("stack.yaml", kStack);
  RunResult r = sb.Run({"apply", "--auto-approve"});
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
}

}  // namespace

TEST_CASE("drift --verbose names ignore_changes differences, exit 0 without drift",
          "[cli][drift]") {
  Sandbox sb;
  Apply(sb);
  sb.Write("out/tolerated.txt", "edited by hand\n");
  RunResult quiet = sb.Run({"drift"});
  INFO(Describe(quiet));
  CHECK(quiet.exit_code == 0);
  CHECK(quiet.out.find("ignored") == std::string::npos);
  CHECK(quiet.out.find("No drift: 2 objects match their state.") != std::string::npos);

  RunResult loud = sb.Run({"drift", "--verbose"});
  INFO(Describe(loud));
  CHECK(loud.exit_code == 0);
  CHECK(loud.out.find("local.file.tolerated: ignored: content (lifecycle.ignore_changes)") !=
        std::string::npos);
  CHECK(loud.out.find("ignored: sha256 (lifecycle.ignore_changes)") != std::string::npos);

  RunResult plan = sb.Run({"plan", "--verbose", "--detailed-exitcode"});
  INFO(Describe(plan));
  CHECK(plan.exit_code == 0);
  CHECK(plan.out.find("local.file.tolerated: ignored: content (lifecycle.ignore_changes)") !=
        std::string::npos);
}

TEST_CASE("drift --format junit|markdown|github report drift and keep exit code 2",
          "[cli][drift]") {
  Sandbox sb;
  Apply(sb);
  RunResult clean = sb.Run({"drift", "--format", "junit"});
  INFO(Describe(clean));
  CHECK(clean.exit_code == 0);
  CHECK(Count(clean.out, "<testcase ") == 2);
  CHECK(Count(clean.out, "<failure") == 0);

  sb.Write("out/watched.txt", "<&`|\n");
  RunResult junit = sb.Run({"drift", "--format", "junit"});
  INFO(Describe(junit));
  CHECK(junit.exit_code == 2);
  CHECK(Count(junit.out, "<testcase ") == 2);
  CHECK(Count(junit.out, "<failure ") == 1);
  CHECK(junit.out.find("classname=\"local.file\" name=\"local.file.watched\"") !=
        std::string::npos);
  CHECK(junit.out.find("changed outside capstan: content, sha256") != std::string::npos);
  CHECK(junit.out.find("&lt;&amp;`|") != std::string::npos);
  if (std::system("command -v xmllint >/dev/null 2>&1") == 0) {
    sb.Write("drift.xml", junit.out);
    CHECK(std::system(("xmllint --noout " + sb.Path("drift.xml")).c_str()) == 0);
  }

  RunResult md = sb.Run({"drift", "--format", "markdown"});
  INFO(Describe(md));
  CHECK(md.exit_code == 2);
  CHECK(md.out.find("### capstan drift: `driftfmt`") != std::string::npos);
  CHECK(md.out.find("| `local.file.watched` | `local.file` | changed | `content`, `sha256` |") !=
        std::string::npos);
  CHECK(md.out.find("<details>") != std::string::npos);

  RunResult gh = sb.Run({"drift", "--format", "github"});
  INFO(Describe(gh));
  CHECK(gh.exit_code == 2);
  CHECK(gh.out.find("::warning title=drift::local.file.watched: content changed\n") !=
        std::string::npos);
  CHECK(gh.out.find("Drift: 1 object changed, 0 deleted outside capstan.") != std::string::npos);

  RunResult j1 = sb.Run({"drift", "--json"});
  RunResult j2 = sb.Run({"drift", "--format", "json"});
  CHECK(j1.exit_code == 2);
  CHECK(j2.exit_code == 2);
  auto a = nlohmann::json::parse(j1.out);
  auto b = nlohmann::json::parse(j2.out);
  CHECK(a["drift_detected"] == true);
  CHECK(a["drift"] == b["drift"]);
  CHECK(a["resource_changes"].size() == 2);  // every object checked
}

TEST_CASE("drift --format junit reports an error as an errored testcase, exit 1", "[cli][drift]") {
  Sandbox sb;
  sb.Write("stack.yaml", "stack: broken\nresources:\n  x: {type: local.file, properties: ");
  RunResult r = sb.Run({"drift", "--format", "junit"});
  INFO(Describe(r));
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("<error ") != std::string::npos);
  CHECK(r.out.find("errors=\"1\"") != std::string::npos);
}

TEST_CASE("drift --format rejects an unknown format", "[cli][drift]") {
  Sandbox sb;
  sb.Write("stack.yaml", kStack);
  RunResult r = sb.Run({"drift", "--format", "xml"});
  CHECK(r.exit_code == 1);
  CHECK(r.all().find("xml") != std::string::npos);
}

TEST_CASE("plan --format markdown prints a pull-request comment", "[cli][plan]") {
  Sandbox sb;
  sb.Write("stack.yaml", kStack);
  RunResult r = sb.Run({"plan", "--format", "markdown", "--detailed-exitcode"});
  INFO(Describe(r));
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("### capstan plan: `driftfmt`") != std::string::npos);
  CHECK(r.out.find("**Plan: 2 to add, 0 to change, 0 to destroy.**") != std::string::npos);
  CHECK(r.out.find("| `local.file.watched` | create |") != std::string::npos);
  CHECK(Count(r.out, "<details>") == 2);
  CHECK(r.out.find("Refreshing") == std::string::npos);  // no progress lines in the comment
}

}  // namespace capstan::clitest
