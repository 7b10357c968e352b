// `capstan force-unlock LOCK_ID`: remove a stack lock left by a dead run.
//
/// A lock row outlives a capstan that was SIGKILLed until its lease expires (or, on the
/// same host, until the next run sees the holder's pid gone). This removes it now, but only given the lock's id (printed by the command that failed to
/// take the lock), so a stale shell history can never break a live run's lock. With a
/// wrong id, the current lock is printed so the user can check whose it is.
#include <iostream>
#include <memory>

#include "cli/commands.h"

namespace capstan::cli {
namespace {

struct UnlockArgs {
  StackOptions stack;
  std::string lock_id;
  bool json = false;
};

nlohmann::json LockJson(const LockInfo& l) {
  return {{"id", l.id},
          {"stack", l.stack},
          {"holder", l.holder},
          {"operation", l.operation},
          {"pid", l.pid},
          {"host", l.host},
          {"acquired_at", l.acquired_at},
          {"lease_until", l.lease_until}};
}

std::string DescribeLock(const LockInfo& l) {
  return "Lock " + l.id + " held by " + l.holder + " (pid " + std::to_string(l.pid) + " on " +
         l.host + ") for \"" + l.operation + "\" since " + FormatTime(l.acquired_at) +
         ", lease until " + FormatTime(l.lease_until) + ".";
}

int RunForceUnlock(const UnlockArgs& args, Context& ctx) {
  auto ws = OpenWorkspace(args.stack, /*need_config=*/false);
  if (!ws) return Report(ctx.global, ws.diags());
  StateStore& store = (*ws)->state();
  const std::string& stack = (*ws)->stack();
  auto current = store.CurrentLock(stack);
  if (!current) return Report(ctx.global, current.diags());
  if (!current->has_value()) {
    Diagnostics d;
    d.Error("Stack \"" + stack + "\" is not locked", "There is nothing to unlock.");
    return Report(ctx.global, d);
  }
  const LockInfo& lock = **current;
  if (lock.id != args.lock_id) {
    Diagnostics d;
    d.Error("Lock id \"" + args.lock_id + "\" does not match the current lock of stack \"" + stack +
                "\"",
            DescribeLock(lock) + " To remove it: capstan force-unlock " + lock.id);
    if (args.json) {
      std::cout << nlohmann::json{{"ok", false}, {"current_lock", LockJson(lock)}}.dump(2) << "\n";
    }
    return Report(ctx.global, d);
  }
  Status st = store.ForceUnlock(stack, args.lock_id);
  if (st.HasErrors()) return Report(ctx.global, st);
  if (args.json) {
    std::cout << nlohmann::json{{"ok", true}, {"removed_lock", LockJson(lock)}}.dump(2) << "\n";
  } else {
    std::cout << "Removed the lock of stack \"" << stack << "\". " << DescribeLock(lock)
              << "\nIf that run is still alive, stop it before running capstan again.\n";
  }
  return kExitOk;
}

}  // namespace

void AddForceUnlockCommand(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<UnlockArgs>();
  CLI::App* cmd = app.add_subcommand("force-unlock", "");
  Describe(cmd,
           "Remove the stack's lock left by a run that died. Needs the lock's id, printed by "
           "the command that could not take the lock; a wrong id prints the current lock. "
           "Make sure no capstan run of this stack is alive first.",
           "  capstan force-unlock 9f2c61d0a4b3e718");
  cmd->add_option("LOCK_ID", args->lock_id, "Id of the lock to remove")->required();
  AddStateOptions(cmd, &args->stack);
  cmd->add_flag("--json", args->json, "Machine-readable output (JSON)");
  cmd->callback([args, &ctx] { ctx.exit_code = RunForceUnlock(*args, ctx); });
}

}  // namespace capstan::cli
