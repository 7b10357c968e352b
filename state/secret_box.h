// SecretBox: authenticated encryption of secret values at rest (libsodium secretbox).
//
/// Every sensitive value capstan writes — attributes in the state database, values in
/// plan files — goes through Seal. The key comes from CAPSTAN_STATE_KEY (64 hex chars or
/// any passphrase, which is hashed to a key) or from a 0600 key file created on first use
/// next to the database (`<db>.key`). Sealed form: "sbx1:" + base64(nonce || ciphertext),
/// so a database dump never shows plaintext and a wrong key fails loudly.
#pragma once

#include <array>
#include <string>

#include "engine/result.h"

namespace capstan {

class SecretBox {
 public:
  static constexpr size_t kKeyBytes = 32;
  using Key = std::array<unsigned char, kKeyBytes>;

  explicit SecretBox(const Key& key);

  /// Key from CAPSTAN_STATE_KEY if set, else from `key_file` (created with mode 0600
  /// and a random key if missing).
  static Result<SecretBox> FromEnvironmentOrFile(const std::string& key_file);
  /// Key from `key_file` only (CAPSTAN_STATE_KEY is not consulted), created with mode
  /// 0600 and a random key if missing.
  static Result<SecretBox> FromKeyFile(const std::string& key_file);
  /// Key derived from a passphrase or parsed from 64 hex characters.
  static SecretBox FromPassphrase(const std::string& passphrase);
  /// A fresh random key.
  static SecretBox Random();

  /// Writes this key as a key file (64 hex characters, mode 0600) at `path`, replacing
  /// any file there; fsynced before it returns, so a rename of it is durable.
  Status WriteKeyFile(const std::string& path) const;

  std::string Seal(const std::string& plaintext) const;
  Result<std::string> Open(const std::string& sealed) const;
  static bool IsSealed(const std::string& s);

  /// A short fingerprint of the key (not the key) to detect a wrong key early.
  std::string KeyId() const;

 private:
  Key key_;
};

}  // namespace capstan
