// SSH host keys: fingerprints, known_hosts lines and ssh-keyscan output.
//
/// capstan pins a host's key in state on first contact (trust on first use) and refuses
/// to talk to the host when the key changes. These pure functions turn keys into what
/// the user sees (OpenSSH's "SHA256:…" fingerprints, so they can be compared with
/// `ssh-keygen -lf` or a cloud console) and into what ssh reads (a known_hosts file).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace capstan::host {

/// A public host key: algorithm name and base64 blob.
struct HostKey {
  std::string type;  ///< "ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa".
  std::string blob;  ///< base64, as in known_hosts.
  /// "ssh-ed25519 AAAA…".
  std::string ToString() const { return type + " " + blob; }
};

/// Parses "type base64" (extra fields such as a comment are ignored). Empty type on error.
HostKey ParseHostKey(std::string_view text);

/// "SHA256:<base64 of the SHA-256 of the blob, without padding>", as OpenSSH prints it;
/// "(invalid key)" when the blob is not base64.
std::string Fingerprint(const HostKey& key);

/// The known_hosts host pattern: "addr" for port 22, else "[addr]:port".
std::string KnownHostsName(const std::string& address, int port);

/// Keys from ssh-keyscan's stdout ("host type blob" lines; '#' comments skipped).
std::vector<HostKey> ParseKeyscan(std::string_view out);

/// The algorithms to offer ssh so that it negotiates exactly the pinned key's type.
std::string HostKeyAlgorithms(const std::string& key_type);

}  // namespace capstan::host
