// `capstan state list|show|history`: read what capstan remembers, without any cloud call.
//
/// These read the state database only (the stack name comes from --stack, the stack
/// file in the current directory, or the database's only stack). Sensitive attributes
/// are shown as "(sensitive)" in every view, JSON included: state inspection is not the
/// way to fetch secrets (`capstan output NAME` is, for outputs).
#include "cli/cmd_state.h"

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <memory>

#include "cli/commands.h"

namespace capstan::cli {

std::vector<const InstanceState*> MatchInstances(const StackState& state,
                                                 const std::string& filter) {
  std::vector<const InstanceState*> out;
  std::optional<Target> target;
  if (!filter.empty()) {
    auto parsed = Target::Parse(filter);
    if (parsed) target = *parsed;
  }
  for (const InstanceState& inst : state.instances) {
    if (!filter.empty()) {
      bool match =
          target ? target->Matches(inst.address) : inst.address.ToString().rfind(filter, 0) == 0;
      if (!match) continue;
    }
    out.push_back(&inst);
  }
  std::sort(out.begin(), out.end(), [](const InstanceState* a, const InstanceState* b) {
    if (a->address != b->address) return a->address < b->address;
    return a->deposed_key < b->deposed_key;
  });
  return out;
}

namespace {

struct StateArgs {
  StackOptions stack;
  std::string filter;  ///< list: ADDR filter; show: ADDR
  bool json = false;
};

/// Attributes with sensitive ones replaced by "(sensitive)".
Value Masked(const InstanceState& inst) {
  Value attrs = inst.attributes.is_object() ? inst.attributes : Value::object();
  for (const std::string& name : inst.sensitive) {
    if (attrs.contains(name)) attrs[name] = "(sensitive)";
  }
  return attrs;
}

nlohmann::json InstanceJson(const InstanceState& inst, bool with_attributes) {
  nlohmann::json j = {{"address", inst.address.ToString()},
                      {"type", inst.type},
                      {"provider", inst.provider},
                      {"id", inst.id},
                      {"status", InstanceStatusName(inst.status)}};
  if (!inst.deposed_key.empty()) j["deposed_key"] = inst.deposed_key;
  if (with_attributes) {
    j["attributes"] = Masked(inst);
    j["sensitive_attributes"] = inst.sensitive;
    j["dependencies"] = inst.dependencies;
  }
  return j;
}

std::string StatusSuffix(const InstanceState& inst) {
  std::string s;
  if (inst.status == InstanceStatus::kTainted) s += " (tainted)";
  if (!inst.deposed_key.empty()) s += " (deposed " + inst.deposed_key + ")";
  return s;
}

Result<StackState> LoadState(const StackOptions& opts, std::string* stack_name) {
  auto ws = OpenWorkspace(opts, /*need_config=*/false);
  if (!ws) return ws.diags();
  if (stack_name) *stack_name = (*ws)->stack();
  return (*ws)->state().Load((*ws)->stack());
}

int RunList(const StateArgs& args, Context& ctx) {
  auto state = LoadState(args.stack, nullptr);
  if (!state) return Report(ctx.global, state.diags());
  auto matched = MatchInstances(*state, args.filter);
  if (args.json) {
    nlohmann::json j = nlohmann::json::array();
    for (const InstanceState* inst : matched) j.push_back(InstanceJson(*inst, false));
    std::cout << j.dump(2) << "\n";
    return kExitOk;
  }
  for (const InstanceState* inst : matched) {
    std::cout << inst->address.ToString() << StatusSuffix(*inst) << "\n";
  }
  return kExitOk;
}

int RunShow(const StateArgs& args, Context& ctx) {
  auto addr = Address::Parse(args.filter);
  if (!addr) return Report(ctx.global, addr.diags());
  auto state = LoadState(args.stack, nullptr);
  if (!state) return Report(ctx.global, state.diags());
  std::vector<const InstanceState*> found;
  for (const InstanceState& inst : state->instances) {
    if (inst.address == *addr) found.push_back(&inst);
  }
  if (found.empty()) {
    Diagnostics d;
    d.Error("No instance " + addr->ToString() + " in state",
            "`capstan state list` shows the addresses in state.");
    return Report(ctx.global, d);
  }
  if (args.json) {
    nlohmann::json j = nlohmann::json::array();
    for (const InstanceState* inst : found) j.push_back(InstanceJson(*inst, true));
    std::cout << (j.size() == 1 ? j[0] : j).dump(2) << "\n";
    return kExitOk;
  }
  for (const InstanceState* inst : found) {
    std::cout << "# " << inst->address.ToString() << StatusSuffix(*inst) << ":\n";
    std::cout << "  type     = " << inst->type << "\n";
    std::cout << "  provider = " << inst->provider << "\n";
    std::cout << "  id       = " << inst->id << "\n";
    Value attrs = Masked(*inst);
    size_t width = 0;
    for (auto it = attrs.begin(); it != attrs.end(); ++it) width = std::max(width, it.key().size());
    if (!attrs.empty()) std::cout << "\n  attributes:\n";
    for (auto it = attrs.begin(); it != attrs.end(); ++it) {
      bool secret = inst->sensitive.count(it.key()) > 0;
      std::cout << "    " << std::left << std::setw(static_cast<int>(width)) << it.key() << " = "
                << (secret ? "(sensitive)" : RenderValue(it.value())) << "\n";
    }
    if (!inst->dependencies.empty()) {
      std::cout << "\n  depends on:\n";
      for (const std::string& d : inst->dependencies) std::cout << "    " << d << "\n";
    }
  }
  return kExitOk;
}

int RunHistory(const StateArgs& args, Context& ctx) {
  auto ws = OpenWorkspace(args.stack, /*need_config=*/false);
  if (!ws) return Report(ctx.global, ws.diags());
  auto runs = (*ws)->state().History((*ws)->stack());
  if (!runs) return Report(ctx.global, runs.diags());
  std::vector<RunRecord> sorted = *runs;
  std::stable_sort(sorted.begin(), sorted.end(), [](const RunRecord& a, const RunRecord& b) {
    return a.started_at > b.started_at;
  });
  if (args.json) {
    nlohmann::json j = nlohmann::json::array();
    for (const RunRecord& r : sorted) {
      j.push_back({{"id", r.id},
                   {"command", r.command},
                   {"started_at", r.started_at},
                   {"finished_at", r.finished_at},
                   {"status", r.status},
                   {"summary", r.summary},
                   {"serial_before", r.serial_before},
                   {"serial_after", r.serial_after}});
    }
    std::cout << j.dump(2) << "\n";
    return kExitOk;
  }
  if (sorted.empty()) {
    std::cout << "No runs recorded for stack \"" << (*ws)->stack() << "\".\n";
    return kExitOk;
  }
  std::cout << std::left << std::setw(24) << "STARTED" << std::setw(12) << "COMMAND"
            << std::setw(13) << "STATUS" << std::setw(12) << "SERIAL"
            << "SUMMARY\n";
  for (const RunRecord& r : sorted) {
    std::string serial = std::to_string(r.serial_before) + "->" + std::to_string(r.serial_after);
    std::cout << std::left << std::setw(24) << FormatTime(r.started_at) << std::setw(12)
              << r.command << std::setw(13) << r.status << std::setw(12) << serial << r.summary
              << "\n";
  }
  return kExitOk;
}

}  // namespace

void AddStateCommand(CLI::App& app, Context& ctx) {
  CLI::App* state = app.add_subcommand("state", "");
  Describe(state,
           "Inspect and edit the state database: list, show, rm, mv, history, check, rekey. "
           "Reads only the database, never a cloud.",
           "  capstan state list 'module.cluster[\"a\"]'\n  capstan state show "
           "local.file.hello\n  capstan state mv local.file.a local.file.b");
  state->require_subcommand(1);

  auto list = std::make_shared<StateArgs>();
  CLI::App* cmd = state->add_subcommand("list", "");
  Describe(cmd,
           "List the instance addresses in state, optionally only those matching FILTER (an "
           "address, a resource without key, a module, or an address prefix).",
           "  capstan state list\n  capstan state list module.net --json");
  cmd->add_option("FILTER", list->filter, "Address, resource, module or prefix");
  AddStateOptions(cmd, &list->stack);
  cmd->add_flag("--json", list->json, "Machine-readable output (JSON)");
  cmd->callback([list, &ctx] { ctx.exit_code = RunList(*list, ctx); });

  auto show = std::make_shared<StateArgs>();
  cmd = state->add_subcommand("show", "");
  Describe(cmd,
           "Show one instance: id, type, status, every attribute (sensitive ones as "
           "\"(sensitive)\") and its recorded dependencies.",
           "  capstan state show 'local.file.greeting[\"en\"]'");
  cmd->add_option("ADDR", show->filter, "Instance address")->required();
  AddStateOptions(cmd, &show->stack);
  cmd->add_flag("--json", show->json, "Machine-readable output (JSON)");
  cmd->callback([show, &ctx] { ctx.exit_code = RunShow(*show, ctx); });

  auto history = std::make_shared<StateArgs>();
  cmd = state->add_subcommand("history", "");
  Describe(cmd,
           "List the runs that changed this stack (apply, destroy, import, state rm/mv), "
           "newest first, with status, serial range and summary.",
           "  capstan state history\n  capstan state history --json | jq '.[0]'");
  AddStateOptions(cmd, &history->stack);
  cmd->add_flag("--json", history->json, "Machine-readable output (JSON)");
  cmd->callback([history, &ctx] { ctx.exit_code = RunHistory(*history, ctx); });

  AddStateEditCommands(state, ctx);
  AddStateCheckCommands(state, ctx);
}

}  // namespace capstan::cli
