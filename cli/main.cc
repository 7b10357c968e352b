// capstan: the command line entry point.
//
/// Builds the CLI11 application from the per-command files, parses, runs the selected
/// command and maps the outcome to DESIGN.md's exit codes: 0 success / no changes,
/// 1 error (including bad usage), 2 changes present. Exceptions stop here: anything a
/// library throws past a command becomes an error message and exit code 1.
#include <exception>
#include <iostream>

#include "cli/commands.h"
#include "cli/common.h"

int main(int argc, char** argv) {
  using namespace capstan::cli;
  Context ctx;
  CLI::App app{"capstan: declarative plan/apply for Cluster-API Kubernetes on OpenStack"};
  app.name("capstan");
  app.require_subcommand(1);
  app.fallthrough();  // global flags may also follow the command
  app.add_flag("--no-color", ctx.global.no_color,
               "Plain output without ANSI colour (also: the NO_COLOR environment variable)");

  AddValidateCommand(app, ctx);
  AddPlanCommand(app, ctx);
  AddApplyCommand(app, ctx);
  AddDestroyCommand(app, ctx);
  AddDriftCommand(app, ctx);
  AddGraphCommand(app, ctx);
  AddOutputCommand(app, ctx);
  AddStateCommand(app, ctx);
  AddImportCommand(app, ctx);
  AddForceUnlockCommand(app, ctx);
  AddVersionCommand(app, ctx);
  AddCompletionCommand(app, ctx);
  AddManCommand(app, ctx);
  app.footer(
      "Exit codes: 0 success or no changes, 1 error, 2 changes present (plan "
      "--detailed-exitcode, drift).\n\nExample:\n  capstan validate && capstan plan --out "
      "tfplan && capstan apply tfplan\n\nRun 'capstan COMMAND --help' for a command's flags.");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitError;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitError;
  }
  return ctx.exit_code;
}
