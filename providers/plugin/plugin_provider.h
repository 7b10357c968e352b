// External provider plugins: executables `capstan-provider-<name>` speaking JSON lines.
//
/// The registry falls back to these for provider names without a built-in. One plugin
/// process serves one provider instance for its whole life; see docs/plugin-protocol.md
/// for the wire format.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "providers/provider.h"

namespace capstan {

/// The protocol version a plugin must announce in its handshake.
inline constexpr const char* kPluginProtocol = "capstan-plugin/1";

/// Full path of an executable `capstan-provider-<name>` on PATH, or nullopt. `searched`
/// (optional) receives the PATH that was searched, for error messages.
std::optional<std::string> FindPluginExecutable(const std::string& name,
                                                std::string* searched = nullptr);

/// Starts `executable`, performs the handshake and returns a Provider forwarding every
/// verb to it. The process ends when the Provider is destroyed.
Result<std::unique_ptr<Provider>> StartPluginProvider(const std::string& name,
                                                      const std::string& executable);

}  // namespace capstan
