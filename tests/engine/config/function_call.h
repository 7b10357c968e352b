// Calling one stack function by name in the function tests: the result on success, the
// first diagnostic's summary on failure (each REQUIREd, so a wrong outcome stops the case).
#pragma once

#include <catch2/catch.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "engine/config/functions.h"

namespace capstan::functest {

/// The function's value; fails the test case, printing the diagnostics, on an error.
inline Value Ok(std::string_view name, std::vector<Value> args) {
  auto r = CallFunction(name, args, FunctionEnv{});
  INFO(r.diags().ToString());
  REQUIRE(r.ok());
  return *r;
}

/// The summary of the function's first error; fails the test case if it succeeds.
inline std::string Err(std::string_view name, std::vector<Value> args) {
  auto r = CallFunction(name, args, FunctionEnv{});
  REQUIRE_FALSE(r.ok());
  REQUIRE(r.diags().HasErrors());
  return r.diags().items()[0].summary;
}

}  // namespace capstan::functest
