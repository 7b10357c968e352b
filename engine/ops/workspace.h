// Workspace: one command's view of a stack — its configuration, state and providers.
//
/// Every CLI command that touches a stack opens a Workspace: it loads the stack files
/// (unless the command only needs state), opens the state database with its secret key,
/// and hands out configured providers on first use (each provider configured once, from
/// the stack's `providers:` block). It owns nothing global: tests open several at once.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "engine/config.h"
#include "engine/ops/events.h"
#include "engine/result.h"
#include "providers/provider.h"
#include "state/secret_box.h"
#include "state/store.h"

namespace capstan {

struct WorkspaceOptions {
  std::string state_path = ".capstan/state.db";
  LoadOptions load;
  /// Skip loading the configuration (state-only commands). `stack` must then be set
  /// or the database must hold exactly one stack.
  bool need_config = true;
  std::string stack;                     ///< Overrides the stack name (state-only commands).
  ProviderRegistry* registry = nullptr;  ///< nullptr: ProviderRegistry::Builtin().
  EventSink* events = nullptr;           ///< nullptr: discard.
};

class Workspace {
 public:
  static Result<std::unique_ptr<Workspace>> Open(const WorkspaceOptions& opts);

  const std::string& stack() const { return stack_; }
  StateStore& state() { return *state_; }
  const SecretBox& box() const { return box_; }
  /// nullptr when opened with need_config = false.
  const StackConfig* config() const { return config_.get(); }
  EventSink& events() { return *events_; }
  const std::string& state_path() const { return state_path_; }

  /// The configured provider `name` (configured on first use; thread-safe).
  Result<Provider*> GetProvider(const std::string& name);
  /// The resource type `type` of provider `provider`, with a clear error when missing.
  Result<ResourceType*> GetType(const std::string& provider, const std::string& type);

 private:
  Workspace(SecretBox box) : box_(box) {}

  std::string stack_;
  std::string state_path_;
  SecretBox box_;
  std::unique_ptr<StateStore> state_;
  std::unique_ptr<StackConfig> config_;
  ProviderRegistry* registry_ = nullptr;
  EventSink* events_ = nullptr;
  NullSink null_sink_;
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<Provider>> providers_;
};

}  // namespace capstan
