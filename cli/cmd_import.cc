// `capstan import ADDR ID`: adopt an object that already exists into state.
//
/// For objects made by hand or by other tools: the resource must already be declared in
/// the stack; the object is read through its provider and stored under ADDR. The next
/// plan then shows only the differences between the object and the declaration.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "engine/ops/importer.h"

namespace capstan::cli {
namespace {

struct ImportArgs {
  StackOptions stack;
  std::string address;
  std::string id;
  bool json = false;
};

int RunImport(const ImportArgs& args, Context& ctx) {
  auto addr = Address::Parse(args.address);
  if (!addr) return Report(ctx.global, addr.diags());
  auto ws = OpenWorkspace(args.stack, /*need_config=*/true);
  if (!ws) return Report(ctx.global, ws.diags());
  auto inst = ImportResource(**ws, *addr, args.id);
  PrintDiagnostics(ctx.global, inst.diags());
  if (!inst) return kExitError;
  if (args.json) {
    std::cout << nlohmann::json{{"ok", true},
                                {"address", inst->address.ToString()},
                                {"id", inst->id},
                                {"type", inst->type}}
                     .dump()
              << "\n";
  } else {
    std::cout << inst->address.ToString() << ": Import complete [id=" << inst->id << "]\n\n"
              << Paint(UseColor(ctx.global, 1), "1;32", "Import successful!")
              << " The object is now managed by capstan; run `capstan plan` to see how it "
                 "differs from the stack.\n";
  }
  return kExitOk;
}

}  // namespace

void AddImportCommand(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<ImportArgs>();
  CLI::App* cmd = app.add_subcommand("import", "");
  Describe(cmd,
           "Adopt an existing object into state under ADDR, which must be declared in the "
           "stack and not yet in state. ID is the provider's id (a path for local.file, a "
           "UUID for OpenStack objects).",
           "  capstan import local.file.motd /etc/motd\n"
           "  capstan import openstack.network.main 3f1c0a7e-...");
  cmd->add_option("ADDR", args->address, "Address declared in the stack")->required();
  cmd->add_option("ID", args->id, "The object's id in its provider")->required();
  AddStackOptions(cmd, &args->stack);
  cmd->add_flag("--json", args->json, "Machine-readable output (JSON)");
  cmd->callback([args, &ctx] { ctx.exit_code = RunImport(*args, ctx); });
}

}  // namespace capstan::cli
