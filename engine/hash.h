// Hashing helpers: sha256 hex digests (OpenSSL libcrypto) and random ids.
//
/// Used for the configuration hash pinned in plan files, the `sha256` stack function,
/// content-hashed names, lineage UUIDs and lock ids.
#pragma once

#include <string>
#include <string_view>

namespace capstan {

/// Lowercase hex sha256 of `data`.
std::string Sha256Hex(std::string_view data);
/// A random RFC 4122 version-4 UUID string.
std::string NewUuid();
/// `n` random bytes as lowercase hex (2n characters).
std::string RandomHex(size_t n);

}  // namespace capstan
