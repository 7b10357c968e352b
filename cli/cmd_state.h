// The `capstan state` subcommands, split over three files (reading, editing, checking).
#pragma once

#include <CLI/CLI.hpp>

#include "cli/common.h"

namespace capstan::cli {

/// `state rm` and `state mv` (cmd_state_edit.cc), added under the `state` command.
void AddStateEditCommands(CLI::App* state, Context& ctx);

/// `state check` and `state rekey` (cmd_state_check.cc), on the whole database.
void AddStateCheckCommands(CLI::App* state, Context& ctx);

/// Instances whose address matches `filter` (a --target-style selector, or an address
/// prefix when it does not parse as one); all instances when `filter` is empty.
std::vector<const InstanceState*> MatchInstances(const StackState& state,
                                                 const std::string& filter);

}  // namespace capstan::cli
