// What the tool-running resource types (kind.cluster, helm.release, capi.management) share.
//
/// Each of them takes a `host` connection, runs a CLI there with its output streamed to
/// the progress display, and sometimes needs secret files on the host (a kubeconfig, a
/// values file, a clusterctl.yaml): those go into a fresh `mktemp -d` directory (0700)
/// as 0600 files through Transport::Upload and are removed after the command, so no
/// secret is ever on a command line.
#pragma once

#include <memory>
#include <string>

#include "engine/result.h"
#include "engine/value.h"
#include "providers/host/connection.h"
#include "providers/provider.h"

namespace capstan::host {

/// The string at `key`, or "" when absent or not a string.
std::string Str(const Value& v, const char* key);

/// The transport for the `host` property of `props`.
Result<std::shared_ptr<Transport>> HostOf(const Value& props);

/// Schema-level check of the `host` property (skipped while it is unknown).
void ValidateHost(const Value& props, Diagnostics& d);

/// A temporary directory on a host, removed (with its files) when this goes away.
class RemoteTempDir {
 public:
  static Result<std::unique_ptr<RemoteTempDir>> Make(Transport& t);
  ~RemoteTempDir();
  const std::string& path() const { return path_; }
  /// Writes a 0600 file `name` into the directory and returns its path.
  Result<std::string> Put(const std::string& name, const std::string& content);

 private:
  RemoteTempDir(Transport& t, std::string path) : t_(t), path_(std::move(path)) {}
  Transport& t_;
  std::string path_;
};

/// Runs `argv` on the host with the output streamed to ctx's progress; errors as RunChecked.
/// `env` is added to the command's environment (never secrets).
Result<CommandResult> RunTool(Transport& t, const CallContext& ctx, std::vector<std::string> argv,
                              const std::string& what, const Value& env = Value());

}  // namespace capstan::host
