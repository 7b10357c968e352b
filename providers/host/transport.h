// Transport: run commands and place files on a host (this machine, or one reached by ssh).
//
/// The management node of the SCS tooling is driven over ssh; tests and single-machine
/// setups drive this machine directly. Everything that runs kind, helm or clusterctl goes
/// through this one seam, so the resource types never care which it is, and unit tests
/// can put an in-memory transport behind it.
///
/// Rules every implementation keeps:
///  - argv is passed verbatim (quoted for the remote shell by the ssh transport);
///  - secrets never travel on a command line: they go on stdin (Command::stdin_data) or
///    into files written by Upload (content on stdin, mode set before the content lands);
///  - Run streams every output line to RunOptions::on_line as it arrives and returns the
///    whole output; a non-zero exit is a successful Result (RunChecked turns it into an
///    error quoting the last lines of stderr).
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/result.h"
#include "providers/subprocess.h"

namespace capstan::host {

struct Command {
  std::vector<std::string> argv;
  /// Added to the host's environment for this command (never secrets: over ssh they are
  /// part of the remote command line).
  std::map<std::string, std::string> env;
  /// Fed to the command's stdin, then closed. The channel for secrets.
  std::string stdin_data;
};

struct CommandResult {
  int exit_code = -1;  ///< -1 when killed by a signal.
  bool cancelled = false;
  std::string out;
  std::string err;
  /// "exited with status 3" / "killed by signal 9 (Killed)".
  std::string how;
  bool success() const { return exit_code == 0 && !cancelled; }
};

struct RunOptions {
  /// Each output line as it arrives (is_stderr tells which stream). May be empty.
  std::function<void(const std::string& line, bool is_stderr)> on_line;
  /// Turns true on the second Ctrl-C: the command is stopped.
  const std::atomic<bool>* cancel = nullptr;
};

/// An open port forward; closed when destroyed.
class PortForward {
 public:
  virtual ~PortForward() = default;
  /// The port on 127.0.0.1 of this machine that reaches the remote end.
  virtual int local_port() const = 0;
};

class Transport {
 public:
  virtual ~Transport() = default;
  /// "local" or "ssh root@192.0.2.7:22", for messages.
  virtual std::string Name() const = 0;
  /// Runs a command to completion. Fails only when it could not be run at all (no
  /// connection, program missing locally); a non-zero exit is a successful Result.
  virtual Result<CommandResult> Run(const Command& cmd, const RunOptions& opts) = 0;
  /// Writes `content` to `path` on the host with permission bits `mode`. The file is
  /// created with that mode before any byte is written, and replaced atomically.
  virtual Status Upload(const std::string& path, std::string_view content, int mode) = 0;
  /// Opens a forward from 127.0.0.1:<local_port> here to remote_host:remote_port as seen
  /// from the host. local_port 0 picks a free port. A local transport needs no forward:
  /// the result simply names remote_port.
  virtual Result<std::unique_ptr<PortForward>> Forward(int local_port,
                                                       const std::string& remote_host,
                                                       int remote_port) = 0;
  /// The host key pinned for this host ("ssh-ed25519 AAAA…"), connecting first if needed
  /// (trust on first use). Empty for a local host.
  virtual Result<std::string> HostKey() = 0;
};

/// Runs `cmd` and fails unless it exits 0. The error names `what` and the host, says how
/// the command ended, and quotes the last 20 lines of stderr (or stdout when stderr is
/// empty); exit 127 adds a hint that the program is missing on the host.
Result<CommandResult> RunChecked(Transport& t, const Command& cmd, const RunOptions& opts,
                                 const std::string& what);

/// Runs the process `p` (its argv already built by a Transport) with `cmd`'s stdin and
/// `opts`' cancel flag and line callbacks: the part every Transport::Run shares.
Result<CommandResult> RunProcessFor(ProcessOptions p, const Command& cmd, const RunOptions& opts);

/// Uploads a local file keeping its permission bits.
Status UploadFile(Transport& t, const std::string& local_path, const std::string& remote_path);

/// `s` single-quoted for a POSIX shell.
std::string ShellQuote(std::string_view s);

/// The settings of a local host: extra environment for every command.
std::unique_ptr<Transport> NewLocalTransport(std::map<std::string, std::string> env);

}  // namespace capstan::host
