// Workspace: opens configuration, state and providers for one command.
#include "engine/ops/workspace.h"

#include <filesystem>

#include "state/state_key.h"

namespace capstan {

Result<std::unique_ptr<Workspace>> Workspace::Open(const WorkspaceOptions& opts) {
  std::unique_ptr<StackConfig> config;
  if (opts.need_config) {
    auto loaded = LoadStack(opts.load);
    if (!loaded.ok()) return loaded.diags();
    config = std::move(loaded.value());
  }
  // Never a new key for a database whose secrets were sealed with a lost one.
  auto box = StateKey(opts.state_path);
  if (!box.ok()) return box.diags();
  auto store = StateStore::Open(opts.state_path, box.value());
  if (!store.ok()) return store.diags();

  std::unique_ptr<Workspace> ws(new Workspace(box.value()));
  ws->state_ = std::move(store.value());
  ws->config_ = std::move(config);
  ws->state_path_ = opts.state_path;
  ws->registry_ = opts.registry ? opts.registry : &ProviderRegistry::Builtin();
  ws->events_ = opts.events ? opts.events : &ws->null_sink_;

  if (!opts.stack.empty()) {
    ws->stack_ = opts.stack;
  } else if (ws->config_) {
    ws->stack_ = ws->config_->name();
  } else {
    auto stacks = ws->state_->Stacks();
    if (!stacks.ok()) return stacks.diags();
    if (stacks->size() != 1) {
      std::string names;
      for (const auto& s : *stacks) names += (names.empty() ? "" : ", ") + s;
      return Result<std::unique_ptr<Workspace>>::Fail(
          stacks->empty() ? "The state database " + opts.state_path + " holds no stack"
                          : "The state database holds several stacks: " + names,
          "Name the stack with --stack NAME, or run the command in the stack's directory.");
    }
    ws->stack_ = stacks->front();
  }
  return ws;
}

Result<Provider*> Workspace::GetProvider(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = providers_.find(name);
  if (it != providers_.end()) return it->second.get();
  auto created = registry_->Create(name);
  if (!created.ok()) return created.diags();
  Value cfg = Value::object();
  if (config_) {
    for (const auto& p : config_->providers()) {
      if (p.name == name) cfg = p.config;
    }
  }
  Status st = created.value()->Configure(cfg);
  if (st.HasErrors()) {
    Diagnostics d;
    for (auto item : st.items()) {
      item.summary = "provider \"" + name + "\": " + item.summary;
      d.Add(item);
    }
    return d;
  }
  Provider* p = created.value().get();
  providers_[name] = std::move(created.value());
  return p;
}

Result<ResourceType*> Workspace::GetType(const std::string& provider, const std::string& type) {
  auto p = GetProvider(provider);
  if (!p.ok()) return p.diags();
  ResourceType* t = p.value()->Type(type);
  if (!t) {
    std::string names;
    for (const auto& n : p.value()->TypeNames()) names += (names.empty() ? "" : ", ") + n;
    return Result<ResourceType*>::Fail(
        "Provider \"" + provider + "\" has no resource type \"" + type + "\"",
        "Its types are: " + names + ".");
  }
  return t;
}

}  // namespace capstan
