// The ssh transport: the OpenSSH client with one control master per host.
//
/// Why the OpenSSH client and not a library: it is what operators already trust and
/// configure, it is packaged everywhere, and its control master gives cheap multiplexed
/// commands and port forwards for free. How it is used (docs/providers/host.md):
///  - every call passes `-F /dev/null -o BatchMode=yes`, so no prompt and no user config
///    changes what capstan does;
///  - the control socket lives in a private 0700 directory made for this transport;
///  - the private key is written to a 0600 file in that directory only while the master
///    connects, and removed right after (the master keeps the authenticated connection);
///  - host keys: the pinned key (from state) is the only line of a per-run known_hosts
///    file and `StrictHostKeyChecking=yes`; with no pinned key, ssh-keyscan fetches it on
///    first contact (trust on first use) and HostKey() reports it for pinning. A changed
///    key is an error naming the host and both fingerprints.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "providers/host/transport.h"

namespace capstan::host {

struct SshConfig {
  std::string address;
  int port = 22;
  std::string user;         ///< Empty: ssh's default (the local user name).
  std::string private_key;  ///< OpenSSH/PEM private key text; empty: ssh's default identities.
  std::string pinned_key;   ///< "type base64"; empty: trust on first use.
  std::map<std::string, std::string> env;  ///< Set for every remote command.
  int connect_timeout = 10;                ///< Seconds, per connection attempt.
  std::string ssh_program = "ssh";
  std::string keyscan_program = "ssh-keyscan";
  /// Test hook: called with the key file's path after it is written, before ssh reads it.
  std::function<void(const std::string&)> on_key_file;
};

std::unique_ptr<Transport> NewSshTransport(SshConfig config);

/// A free TCP port on 127.0.0.1 (bound, read back, released): the local end of a port
/// forward, and the port test fixtures start their servers on. 0 when none can be had.
int FreeLocalPort();

}  // namespace capstan::host
