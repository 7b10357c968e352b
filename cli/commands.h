// The subcommands of capstan, one registration function per command file.
//
/// Each Add*Command creates its CLI11 subcommand under `app`, binds its flags to state
/// it owns, and installs a callback that runs the command and stores the exit code in
/// `ctx`. main.cc only calls these and returns ctx.exit_code.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/common.h"

namespace capstan::cli {

void AddValidateCommand(CLI::App& app, Context& ctx);
void AddPlanCommand(CLI::App& app, Context& ctx);
void AddApplyCommand(CLI::App& app, Context& ctx);
void AddDestroyCommand(CLI::App& app, Context& ctx);
void AddDriftCommand(CLI::App& app, Context& ctx);
void AddGraphCommand(CLI::App& app, Context& ctx);
void AddOutputCommand(CLI::App& app, Context& ctx);
void AddStateCommand(CLI::App& app, Context& ctx);
void AddImportCommand(CLI::App& app, Context& ctx);
void AddForceUnlockCommand(CLI::App& app, Context& ctx);
void AddVersionCommand(CLI::App& app, Context& ctx);
/// Needs the whole app: call after every other command is added.
void AddCompletionCommand(CLI::App& app, Context& ctx);
/// Hidden (`capstan man`); needs the whole app too.
void AddManCommand(CLI::App& app, Context& ctx);

}  // namespace capstan::cli
