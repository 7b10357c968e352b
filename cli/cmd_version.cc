// `capstan version`: which capstan this is and which file formats it writes.
//
/// Bug reports and CI logs need three numbers: the release, the plan file format (a
/// saved plan is only applied by a binary that reads its format) and the state schema
/// version (databases are migrated forward, never backward).
#include <stdlib.h>

#include <filesystem>
#include <iostream>
#include <memory>

#include "capstan_version.h"
#include "cli/commands.h"
#include "plans/plan.h"
#include "state/store.h"

namespace capstan::cli {
namespace {

struct VersionArgs {
  bool json = false;
};

/// The state schema version this binary writes. No public constant exists outside
/// state/, so it opens a throwaway database in a temporary directory and asks it.
int StateSchemaVersion() {
  char tmpl[] = "/tmp/capstan-version-XXXXXX";
  char* dir = mkdtemp(tmpl);
  if (dir == nullptr) return 0;
  int version = 0;
  {
    auto store = StateStore::Open(std::string(dir) + "/state.db",
                                  SecretBox::FromPassphrase("capstan version"));
    if (store) version = (*store)->SchemaVersion();
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return version;
}

int RunVersion(const VersionArgs& args) {
  int schema = StateSchemaVersion();
  if (args.json) {
    std::cout << nlohmann::json{{"capstan_version", CAPSTAN_VERSION},
                                {"plan_format_version", kPlanFormatVersion},
                                {"state_schema_version", schema}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << "capstan " << CAPSTAN_VERSION << "\nplan format " << kPlanFormatVersion
              << "\nstate schema " << schema << "\n";
  }
  return kExitOk;
}

}  // namespace

void AddVersionCommand(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<VersionArgs>();
  CLI::App* cmd = app.add_subcommand("version", "");
  Describe(cmd,
           "Print the capstan version, the plan file format version and the state database "
           "schema version this binary writes.",
           "  capstan version\n  capstan version --json | jq -r .capstan_version");
  cmd->add_flag("--json", args->json, "Machine-readable output (JSON)");
  cmd->callback([args, &ctx] { ctx.exit_code = RunVersion(*args); });
}

}  // namespace capstan::cli
