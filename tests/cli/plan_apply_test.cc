// End-to-end tests of plan, apply, drift and destroy with the local provider.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/cli/basic_apply.h"
#include "tests/cli/harness.h"
#include "tests/cli/stacks.h"

namespace capstan::clitest {

TEST_CASE("plan on empty state shows creates and exits 2 with --detailed-exitcode", "[cli]") {
  Sandbox sb;
  sb.Write("stack.yaml", kBasicStack);
  RunResult r = sb.Run({"plan", "--detailed-exitcode"});
  INFO(Describe(r));
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("local.file.single") != std::string::npos);
  CHECK(r.out.find("local.file.multi[\"a\"]") != std::string::npos);
  CHECK(r.out.find("4 to add") != std::string::npos);
  CHECK_FALSE(sb.Exists("out/single.txt"));

  RunResult plain = sb.Run({"plan"});
  CHECK(plain.exit_code == 0);  // without --detailed-exitcode, changes are success

  RunResult j = sb.Run({"plan", "--json"});
  INFO(Describe(j));
  CHECK(j.exit_code == 0);
  CHECK_NOTHROW(nlohmann::json::parse(j.out));
}

TEST_CASE("apply --auto-approve creates the files and the next plan has no changes", "[cli]") {
  Sandbox sb;
  sb.Write("stack.yaml", kBasicStack);
  RunResult r = sb.Run({"apply", "--auto-approve"});
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("local.file.single: Creating...") != std::string::npos);
  CHECK(r.out.find("local.file.single: Creation complete after") != std::string::npos);
  CHECK(r.out.find("Apply complete! Resources: 4 added, 0 changed, 0 destroyed.") !=
        std::string::npos);
  CHECK(r.out.find("secret = (sensitive)") != std::string::npos);
  CHECK(r.all().find("hunter22") == std::string::npos);
  CHECK(sb.Read("out/single.txt") == "single\n");
  CHECK(sb.Read("out/multi-a.txt") == "alpha\n");
  CHECK(sb.Read("out/multi-b.txt") == "beta\n");

  RunResult again = sb.Run({"plan", "--detailed-exitcode"});
  INFO(Describe(again));
  CHECK(again.exit_code == 0);
  CHECK(again.out.find("No changes") != std::string::npos);

  RunResult apply_again = sb.Run({"apply", "--auto-approve"});
  CHECK(apply_again.exit_code == 0);
  CHECK(apply_again.out.find("No changes.") != std::string::npos);
}

TEST_CASE("apply --json streams JSON lines", "[cli]") {
  Sandbox sb;
  sb.Write("stack.yaml", kBasicStack);
  RunResult r = sb.Run({"apply", "--auto-approve", "--json"});
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
  std::istringstream lines(r.out);
  std::string line;
  bool saw_summary = false;
  int n = 0;
  while (std::getline(lines, line)) {
    auto j = nlohmann::json::parse(line);
    ++n;
    if (j["type"] == "summary") {
      saw_summary = true;
      CHECK(j["added"] == 4);
    }
  }
  CHECK(n > 4);
  CHECK(saw_summary);
}

TEST_CASE("apply without --auto-approve on a non-terminal stdin is refused", "[cli]") {
  Sandbox sb;
  sb.Write("stack.yaml", kBasicStack);
  RunResult r = sb.Run({"apply"}, "yes\n");
  INFO(Describe(r));
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("--auto-approve") != std::string::npos);
  CHECK_FALSE(sb.Exists("out/single.txt"));
}

TEST_CASE("an out-of-band edit shows as drift (exit 2) naming the attribute", "[cli]") {
  Sandbox sb;
  ApplyBasic(sb);
  RunResult clean = sb.Run({"drift"});
  INFO(Describe(clean));
  CHECK(clean.exit_code == 0);

  sb.Write("out/multi-a.txt", "tampered\n");
  RunResult r = sb.Run({"drift"});
  INFO(Describe(r));
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("local.file.multi[\"a\"]") != std::string::npos);
  CHECK(r.out.find("content") != std::string::npos);

  RunResult j = sb.Run({"drift", "--json"});
  CHECK(j.exit_code == 2);
  auto doc = nlohmann::json::parse(j.out);
  CHECK(doc["drift_detected"] == true);

  // drift changes nothing; apply puts the content back.
  CHECK(sb.Read("out/multi-a.txt") == "tampered\n");
  RunResult fix = sb.Run({"apply", "--auto-approve"});
  INFO(Describe(fix));
  CHECK(fix.exit_code == 0);
  CHECK(sb.Read("out/multi-a.txt") == "alpha\n");
}

TEST_CASE("plan --out then apply PLANFILE works and a stale plan file is refused", "[cli]") {
  Sandbox sb;
  sb.Write("stack.yaml", kBasicStack);
  RunResult p = sb.Run({"plan", "--out", "first.plan"});
  INFO(Describe(p));
  REQUIRE(p.exit_code == 0);
  REQUIRE(sb.Exists("first.plan"));
  RunResult p2 = sb.Run({"plan", "--out", "second.plan"});
  REQUIRE(p2.exit_code == 0);

  RunResult a = sb.Run({"apply", "first.plan"});  // no confirmation for a saved plan
  INFO(Describe(a));
  CHECK(a.exit_code == 0);
  CHECK(a.out.find("Apply complete!") != std::string::npos);
  CHECK(sb.Exists("out/multi-b.txt"));

  RunResult stale = sb.Run({"apply", "second.plan"});
  INFO(Describe(stale));
  CHECK(stale.exit_code == 1);
  CHECK(stale.err.find("stale") != std::string::npos);
}

TEST_CASE("plan with --target limits the plan and warns", "[cli]") {
  Sandbox sb;
  sb.Write("stack.yaml", kBasicStack);
  RunResult r = sb.Run({"apply", "--auto-approve", "--target", "local.file.single"});
  INFO(Describe(r));
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("targeting is in effect") != std::string::npos);
  CHECK(sb.Exists("out/single.txt"));
  CHECK_FALSE(sb.Exists("out/multi-a.txt"));
}

TEST_CASE("destroy removes everything", "[cli]") {
  Sandbox sb;
  ApplyBasic(sb);
  RunResult refused = sb.Run({"destroy"});
  CHECK(refused.exit_code == 1);  // no terminal, no --auto-approve
  CHECK(sb.Exists("out/single.txt"));

  RunResult r = sb.Run({"destroy", "--auto-approve"});
  INFO(Describe(r));
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("Destroy complete! Resources: 0 added, 0 changed, 4 destroyed.") !=
        std::string::npos);
  CHECK_FALSE(sb.Exists("out/single.txt"));
  CHECK_FALSE(sb.Exists("out/multi-a.txt"));
  RunResult list = sb.Run({"state", "list"});
  CHECK(list.exit_code == 0);
  CHECK(list.out.empty());
}

TEST_CASE("prevent_destroy refuses a destroy", "[cli]") {
  Sandbox sb;
  sb.Write("stack.yaml", R"(stack: keep
resources:
  precious:
    type: local.file
    properties:
      path: out/precious.txt
      content: "keep me\n"
    lifecycle:
      prevent_destroy: true
)");
  RunResult a = sb.Run({"apply", "--auto-approve"});
  INFO(Describe(a));
  REQUIRE(a.exit_code == 0);
  RunResult d = sb.Run({"destroy", "--auto-approve"});
  INFO(Describe(d));
  CHECK(d.exit_code == 1);
  CHECK(d.err.find("local.file.precious") != std::string::npos);
  CHECK(d.err.find("prevent_destroy") != std::string::npos);
  CHECK(sb.Exists("out/precious.txt"));
}

}  // namespace capstan::clitest
