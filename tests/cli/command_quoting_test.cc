// local.command and hostile values: the two documented ways of passing a value to a
// script (environment + "$NAME", and ${shellquote(...)}) never let it run as code.
//
/// docs/providers/local.md states the quoting rule; this test holds it to a value made
/// of every shell metacharacter that could end a word or start a command, passed with
/// --var the way a CI variable would be. The value must arrive byte for byte, and no
/// marker file may appear.
#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/cli/harness.h"

namespace capstan::clitest {

TEST_CASE("local.command: environment and shellquote pass hostile values as data", "[cli]") {
  Sandbox sb;
  sb.Write("stack.yaml", R"(stack: quoting
variables:
  v: {type: string}
resources:
  via_env:
    type: local.command
    properties:
      environment: {VALUE: "${var.v}"}
      create: printf '%s' "$VALUE" > env.out
  via_quote:
    type: local.command
    properties:
      create: printf '%s' ${shellquote(var.v)} > quote.out
)");
  const std::string hostile =
      "a'b\"c $(touch pwned1) `touch pwned2`; touch pwned3 | touch pwned4 && touch pwned5 "
      "$HOME ${PATH} \\ * ? ~ # \n touch pwned6 '; touch pwned7; '";
  RunResult r = sb.Run({"apply", "--auto-approve", "--var", "v=" + hostile});
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
  CHECK(sb.Read("env.out") == hostile);
  CHECK(sb.Read("quote.out") == hostile);
  for (int i = 1; i <= 7; ++i) {
    INFO("pwned" << i);
    CHECK_FALSE(sb.Exists("pwned" + std::to_string(i)));
  }
}

}  // namespace capstan::clitest
