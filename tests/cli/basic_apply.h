// The first step of many CLI tests: kBasicStack written to the sandbox and applied.
#pragma once

#include <catch2/catch.hpp>

#include "tests/cli/harness.h"
#include "tests/cli/stacks.h"

namespace capstan::clitest {

/// Writes kBasicStack as stack.yaml and applies it; fails the test case if apply fails.
inline void ApplyBasic(Sandbox& sb) {
  sb.Write("stack.yaml", kBasicStack);
  RunResult r = sb.Run({"apply", "--auto-approve"});
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
}

}  // namespace capstan::clitest
