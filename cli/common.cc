// Shared plumbing of the capstan commands (see common.h).
//
/// Kept free of command logic: option wiring, output conventions and the one place
/// that turns CLI strings (--var, --target) into engine types with clear errors.
#include "cli/common.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>

namespace capstan::cli {

void AddStackOptions(CLI::App* cmd, StackOptions* opts, bool with_vars, bool with_state) {
  cmd->add_option("-f,--file", opts->paths,
                  "Stack files or directories (default: the current directory)")
      ->type_name("PATH");
  if (with_state) {
    cmd->add_option("--state", opts->state_path, "State database (default: .capstan/state.db)")
        ->type_name("DB");
  }
  if (with_vars) {
    cmd->add_option("--var", opts->vars, "Set a variable, k=v (repeatable)")->type_name("K=V");
    cmd->add_option("--var-file", opts->var_files, "Read variables from a YAML file (repeatable)")
        ->type_name("FILE");
  }
}

void AddStateOptions(CLI::App* cmd, StackOptions* opts) {
  cmd->add_option("--state", opts->state_path, "State database (default: .capstan/state.db)")
      ->type_name("DB");
  cmd->add_option("--stack", opts->stack,
                  "Stack name (default: the stack file's, or the database's only stack)");
  cmd->add_option("-f,--file", opts->paths,
                  "Stack files or directories used to find the stack name")
      ->type_name("PATH");
}

void AddTargetOptions(CLI::App* cmd, TargetOptions* opts) {
  cmd->add_option("--target", opts->targets,
                  "Limit to this address or module and its dependencies (repeatable)")
      ->type_name("ADDR");
  cmd->add_option("--exclude", opts->excludes, "Leave out this address or module (repeatable)")
      ->type_name("ADDR");
}

void Describe(CLI::App* cmd, const std::string& description, const std::string& example) {
  cmd->description(description);
  cmd->footer("Example:\n" + example);
}

bool UseColor(const GlobalOptions& g, int fd) {
  if (g.no_color) return false;
  const char* nc = std::getenv("NO_COLOR");
  if (nc != nullptr && *nc != '\0') return false;
  return isatty(fd) != 0;
}

std::string Paint(bool on, const char* sgr, const std::string& text) {
  if (!on) return text;
  return std::string("\033[") + sgr + "m" + text + "\033[0m";
}

void PrintDiagnostics(const GlobalOptions& g, const Diagnostics& diags) {
  bool color = UseColor(g, STDERR_FILENO);
  for (const Diagnostic& d : diags.items()) {
    const char* sgr = d.severity == Severity::kError ? "1;31" : "1;33";
    std::cerr << Paint(color, sgr, d.ToString()) << "\n";
  }
  std::cerr.flush();
}

nlohmann::json DiagnosticsToJson(const Diagnostics& diags) {
  nlohmann::json out = nlohmann::json::array();
  for (const Diagnostic& d : diags.items()) {
    nlohmann::json j = {{"severity", d.severity == Severity::kError ? "error" : "warning"},
                        {"summary", d.summary}};
    if (!d.detail.empty()) j["detail"] = d.detail;
    if (d.where.known()) {
      j["range"] = {{"file", d.where.file}, {"line", d.where.line}, {"column", d.where.column}};
    }
    if (!d.key.empty()) j["key"] = d.key;
    if (!d.address.empty()) j["address"] = d.address;
    out.push_back(std::move(j));
  }
  return out;
}

int Report(const GlobalOptions& g, const Diagnostics& diags) {
  PrintDiagnostics(g, diags);
  return diags.HasErrors() ? kExitError : kExitOk;
}

Result<std::vector<std::pair<std::string, std::string>>> ParseVars(
    const std::vector<std::string>& vars) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& v : vars) {
    size_t eq = v.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Result<std::vector<std::pair<std::string, std::string>>>::Fail(
          "Invalid --var \"" + v + "\"", "Expected NAME=VALUE, e.g. --var region=de-1.");
    }
    out.emplace_back(v.substr(0, eq), v.substr(eq + 1));
  }
  return out;
}

Result<LoadOptions> MakeLoadOptions(const StackOptions& s) {
  LoadOptions load;
  load.paths = s.paths.empty() ? std::vector<std::string>{"."} : s.paths;
  load.var_files = s.var_files;
  auto vars = ParseVars(s.vars);
  if (!vars) return vars.diags();
  load.vars = std::move(*vars);
  return load;
}

Result<std::unique_ptr<Workspace>> OpenWorkspace(const StackOptions& s, bool need_config,
                                                 EventSink* events) {
  WorkspaceOptions w;
  w.state_path = s.state_path;
  w.need_config = need_config;
  w.stack = s.stack;
  w.events = events;
  auto load = MakeLoadOptions(s);
  if (!load) return load.diags();
  w.load = std::move(*load);
  if (!need_config && w.stack.empty()) {
    // A state-only command run next to its stack file should act on that stack even when
    // the database holds several; when the files cannot be loaded, the database decides.
    auto config = LoadStack(w.load);
    if (config) w.stack = (*config)->name();
  }
  return Workspace::Open(w);
}

Result<std::vector<Target>> ParseTargets(const std::vector<std::string>& texts) {
  std::vector<Target> out;
  for (const std::string& t : texts) {
    auto parsed = Target::Parse(t);
    if (!parsed) {
      Diagnostics d = parsed.diags();
      Diagnostics wrapped;
      for (const Diagnostic& item : d.items()) {
        Diagnostic copy = item;
        copy.summary = "Invalid target \"" + t + "\": " + item.summary;
        wrapped.Add(copy);
      }
      return wrapped;
    }
    out.push_back(std::move(*parsed));
  }
  return out;
}

bool StdinIsTerminal() { return isatty(STDIN_FILENO) != 0; }

bool ConfirmYes(const std::string& question) {
  std::cout << "\n" << question << " " << std::flush;
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  return answer == "yes";
}

std::string FormatTime(int64_t unix_seconds) {
  if (unix_seconds <= 0) return "-";
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

std::string RawValue(const Value& v) {
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

}  // namespace capstan::cli
