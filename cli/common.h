// Shared plumbing of the capstan commands: options, output, diagnostics, confirmation.
//
/// Every command file registers one CLI11 subcommand and runs it with the helpers here,
/// so that the same flag means the same thing everywhere (`-f`, `--state`, `--var`,
/// `--var-file`, `--stack`, `--json`, `--no-color`), diagnostics always go to stderr in
/// the same form, colour appears only on terminals (and never with NO_COLOR), and the
/// exit codes follow DESIGN.md: 0 success / no changes, 1 error, 2 changes present.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/diagnostics.h"
#include "engine/ops/workspace.h"
#include "engine/result.h"
#include "resources/address.h"

namespace capstan::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitChanges = 2;

/// Options every command shares, set on the root app (they may also follow the command).
struct GlobalOptions {
  bool no_color = false;
};

/// Where the stack and its state live, and the variables it is loaded with.
struct StackOptions {
  std::vector<std::string> paths{"."};
  std::string state_path = ".capstan/state.db";
  std::vector<std::string> vars;  ///< "k=v" as given.
  std::vector<std::string> var_files;
  std::string stack;  ///< --stack, for state-only commands.
};

/// --target / --exclude selectors as given.
struct TargetOptions {
  std::vector<std::string> targets;
  std::vector<std::string> excludes;
};

/// What every command's run function receives. exit_code is written by the callback.
struct Context {
  GlobalOptions global;
  int exit_code = kExitOk;
};

/// Adds -f/--file, --var, --var-file (config commands) and --state.
void AddStackOptions(CLI::App* cmd, StackOptions* opts, bool with_vars = true,
                     bool with_state = true);
/// Adds --state and --stack (commands that only read or edit state).
void AddStateOptions(CLI::App* cmd, StackOptions* opts);
void AddTargetOptions(CLI::App* cmd, TargetOptions* opts);
/// Sets the description and a help footer holding an example ("Example:\n  ...").
void Describe(CLI::App* cmd, const std::string& description, const std::string& example);

/// True when colour should be used on `fd` (a terminal, no --no-color, no NO_COLOR).
bool UseColor(const GlobalOptions& g, int fd);
/// Wraps `text` in an ANSI SGR sequence when `on`.
std::string Paint(bool on, const char* sgr, const std::string& text);

/// Prints every diagnostic to stderr (errors red, warnings yellow on a terminal).
void PrintDiagnostics(const GlobalOptions& g, const Diagnostics& diags);
/// Diagnostics as a JSON array for --json views.
nlohmann::json DiagnosticsToJson(const Diagnostics& diags);
/// Prints the diagnostics and returns kExitError if any is an error, else kExitOk.
int Report(const GlobalOptions& g, const Diagnostics& diags);

/// "k=v" pairs into LoadOptions form; errors name the malformed argument.
Result<std::vector<std::pair<std::string, std::string>>> ParseVars(
    const std::vector<std::string>& vars);
/// Load options from stack options (paths, var files, vars).
Result<LoadOptions> MakeLoadOptions(const StackOptions& s);
/// Opens a workspace: with configuration (need_config) or state only.
Result<std::unique_ptr<Workspace>> OpenWorkspace(const StackOptions& s, bool need_config,
                                                 EventSink* events = nullptr);

/// Parses selectors; errors name the bad one.
Result<std::vector<Target>> ParseTargets(const std::vector<std::string>& texts);

/// True if stdin is a terminal (interactive confirmation is possible).
bool StdinIsTerminal();
/// Prints `question` and reads one line; true only for the exact answer "yes".
bool ConfirmYes(const std::string& question);

/// Unix seconds as "2026-11-24 00:49:51 UTC".
std::string FormatTime(int64_t unix_seconds);
/// Renders a value for people: strings raw, everything else compact JSON.
std::string RawValue(const Value& v);

}  // namespace capstan::cli
