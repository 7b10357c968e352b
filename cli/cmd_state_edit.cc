// `capstan state rm|mv`: edit state without touching the real objects.
//
/// `rm` forgets instances (the objects keep existing; capstan stops managing them),
/// `mv` renames one (after a refactor, so the object is not destroyed and recreated).
/// Both take the stack lock, so they never race a running apply, and both are recorded
/// in the run history.
#include <ctime>
#include <iostream>
#include <memory>

#include "cli/cmd_state.h"

namespace capstan::cli {
namespace {

struct EditArgs {
  StackOptions stack;
  std::vector<std::string> addresses;
  bool json = false;
};

/// Runs `edit` under the stack lock, recording a history run named `command`.
int Locked(const EditArgs& args, Context& ctx, const std::string& command,
           const std::function<Status(Workspace&, std::string* summary)>& edit) {
  auto ws = OpenWorkspace(args.stack, /*need_config=*/false);
  if (!ws) return Report(ctx.global, ws.diags());
  StateStore& store = (*ws)->state();
  const std::string& stack = (*ws)->stack();
  auto lock = store.Lock(stack, command, 60);
  if (!lock) return Report(ctx.global, lock.diags());
  PrintDiagnostics(ctx.global, lock.diags());
  auto run = store.BeginRun(stack, command);
  Status st;
  std::string summary;
  if (!run) {
    st = run.diags();
  } else {
    st = edit(**ws, &summary);
    RunRecord record = *run;
    record.finished_at = static_cast<int64_t>(std::time(nullptr));
    record.status = st.HasErrors() ? "error" : "ok";
    record.summary = summary;
    auto after = store.Load(stack);
    if (after) record.serial_after = after->serial;
    st.Append(store.EndRun(record));
  }
  st.Append(store.Unlock(*lock));
  int code = Report(ctx.global, st);
  if (code == kExitOk) {
    if (args.json) {
      std::cout << nlohmann::json{{"ok", true}, {"summary", summary}}.dump() << "\n";
    } else {
      std::cout << summary << "\n";
    }
  }
  return code;
}

int RunRm(const EditArgs& args, Context& ctx) {
  return Locked(args, ctx, "state rm", [&](Workspace& ws, std::string* summary) {
    Status st;
    auto state = ws.state().Load(ws.stack());
    if (!state) return state.diags();
    std::vector<std::pair<Address, std::string>> doomed;
    for (const std::string& a : args.addresses) {
      auto matched = MatchInstances(*state, a);
      if (matched.empty()) {
        st.Error("No instance matches " + a + " in state",
                 "`capstan state list` shows the addresses in state.");
      }
      for (const InstanceState* inst : matched)
        doomed.emplace_back(inst->address, inst->deposed_key);
    }
    if (st.HasErrors()) return st;
    for (const auto& [addr, deposed] : doomed) {
      st.Append(ws.state().RemoveInstance(ws.stack(), addr, deposed));
      if (st.HasErrors()) return st;
      *summary += "Removed " + addr.ToString() +
                  (deposed.empty() ? "" : " (deposed " + deposed + ")") + "\n";
    }
    *summary += "Successfully removed " + std::to_string(doomed.size()) +
                " instance(s) from state. The real objects were not touched.";
    return st;
  });
}

int RunMv(const EditArgs& args, Context& ctx) {
  auto from = Address::Parse(args.addresses[0]);
  if (!from) return Report(ctx.global, from.diags());
  auto to = Address::Parse(args.addresses[1]);
  if (!to) return Report(ctx.global, to.diags());
  return Locked(args, ctx, "state mv", [&](Workspace& ws, std::string* summary) {
    Status st = ws.state().MoveInstance(ws.stack(), *from, *to);
    if (!st.HasErrors()) *summary = "Moved " + from->ToString() + " to " + to->ToString() + ".";
    return st;
  });
}

}  // namespace

void AddStateEditCommands(CLI::App* state, Context& ctx) {
  auto rm = std::make_shared<EditArgs>();
  CLI::App* cmd = state->add_subcommand("rm", "");
  Describe(cmd,
           "Forget instances: remove them from state without destroying the real objects "
           "(capstan stops managing them). ADDR may be an instance, a resource (all its "
           "instances) or a module. Takes the stack lock.",
           "  capstan state rm local.file.old\n  capstan state rm 'module.cluster[\"old\"]'");
  cmd->add_option("ADDR", rm->addresses, "Addresses to forget")->required();
  AddStateOptions(cmd, &rm->stack);
  cmd->add_flag("--json", rm->json, "Machine-readable output (JSON)");
  cmd->callback([rm, &ctx] { ctx.exit_code = RunRm(*rm, ctx); });

  auto mv = std::make_shared<EditArgs>();
  cmd = state->add_subcommand("mv", "");
  Describe(cmd,
           "Rename an instance in state (after renaming it in the stack), so the object is "
           "kept instead of destroyed and recreated. Fails if TO exists. Takes the stack lock.",
           "  capstan state mv local.file.a 'local.file.files[\"a\"]'");
  cmd->add_option("FROM_TO", mv->addresses, "Old and new address")
      ->required()
      ->expected(2)
      ->type_name("FROM TO");
  AddStateOptions(cmd, &mv->stack);
  cmd->add_flag("--json", mv->json, "Machine-readable output (JSON)");
  cmd->callback([mv, &ctx] { ctx.exit_code = RunMv(*mv, ctx); });
}

}  // namespace capstan::cli
