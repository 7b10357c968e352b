// Pure helpers of the Nova types: SSH key encoding, name filters, user-data digests.
//
/// Kept apart from the types so each rule (OpenSSH's private key layout, Nova's regex
/// name filter, which address counts as "the" IP) is unit-tested without a cloud
/// (tests/providers/openstack/compute_util_test.cc).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/result.h"
#include "engine/value.h"

namespace capstan::openstack {

/// The Nova microversion every compute type speaks: tags in the boot request (2.52),
/// server group `policy` (2.64), `server_groups` in server details (2.71).
inline constexpr const char* kNovaMicroversion = "compute 2.79";

/// Nova's server list `name=` filter is a regular expression: every metacharacter of
/// `name` escaped with a backslash.
std::string RegexEscape(std::string_view name);

struct SshKeyPair {
  std::string public_key;   ///< "ssh-ed25519 AAAA... comment"
  std::string private_key;  ///< "-----BEGIN OPENSSH PRIVATE KEY-----..." (unencrypted).
};

/// A new ed25519 key pair (libsodium) in OpenSSH formats, with `comment` on both.
Result<SshKeyPair> GenerateEd25519(const std::string& comment);

/// The OpenSSH encodings of a given ed25519 key: `pk` (32 bytes), `sk` (libsodium's 64
/// bytes: seed then public key) and the private section's check integer.
SshKeyPair EncodeEd25519(const std::array<uint8_t, 32>& pk, const std::array<uint8_t, 64>& sk,
                         const std::string& comment, uint32_t checkint);

/// "type base64" of an OpenSSH public key line: comment and surrounding blanks dropped,
/// so keys compare equal whatever comment they carry. "" when it is not such a line.
std::string NormalizePublicKey(const std::string& line);
/// The comment of a public key line ("" when none).
std::string PublicKeyComment(const std::string& line);

/// Standard base64 with padding (Nova's user_data encoding).
std::string Base64Encode(std::string_view data);

/// "sha256:<64 hex>": how openstack.server keeps user data in state and plans.
std::string UserDataDigest(const std::string& data);

/// What to add and what to remove to turn security group set `have` into `want`.
struct NameDelta {
  std::vector<std::string> add;
  std::vector<std::string> remove;
};
NameDelta Delta(const std::vector<std::string>& have, const std::vector<std::string>& want);

/// The first fixed IPv4 address of a Nova `addresses` map (networks in name order),
/// else the first fixed address of any family, else "".
std::string FirstFixedIp(const Value& addresses);

/// A JSON array of strings as a vector (non-strings skipped).
std::vector<std::string> Strings(const Value& list);

}  // namespace capstan::openstack
