// SecretBox: libsodium secretbox (XSalsa20-Poly1305) around the state's secrets.
//
/// The key never leaves this file except as a keyed-hash fingerprint (KeyId), which the
/// store keeps in its meta table so that a wrong key is reported as "wrong key" rather
/// than as a pile of authentication failures. Passphrases are hashed with
/// crypto_generichash (BLAKE2b, 32 bytes, domain-separated): fast, deterministic and
/// salt-free, so the same CAPSTAN_STATE_KEY opens the database on every machine. A weak
/// passphrase therefore buys little; docs/state.md recommends 64 hex characters.
#include "state/secret_box.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

namespace capstan {
namespace {

constexpr char kPrefix[] = "sbx1:";
constexpr size_t kPrefixLen = sizeof(kPrefix) - 1;

/// sodium_init is idempotent and thread-safe; it fails only when the OS has no
/// randomness, which nothing in capstan can work around.
void EnsureSodium() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) std::abort();
}

bool ParseHexKey(const std::string& text, SecretBox::Key* key) {
  if (text.size() != SecretBox::kKeyBytes * 2) return false;
  size_t len = 0;
  if (sodium_hex2bin(key->data(), key->size(), text.data(), text.size(), nullptr, &len, nullptr) !=
      0) {
    return false;
  }
  return len == SecretBox::kKeyBytes;
}

std::string ToHex(const unsigned char* p, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), p, n);
  out.pop_back();
  return out;
}

std::string Trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t start = 0;
  while (start < s.size() && std::isspace(static_cast<unsigned char>(s[start]))) ++start;
  return s.substr(start);
}

/// Creates the directory holding `file` (mode 0700) if it does not exist yet.
void MakeParentDir(const std::string& file) {
  size_t slash = file.rfind('/');
  if (slash == std::string::npos || slash == 0) return;
  std::string dir = file.substr(0, slash);
  for (size_t i = 1; i <= dir.size(); ++i) {
    if (i == dir.size() || dir[i] == '/') ::mkdir(dir.substr(0, i).c_str(), 0700);
  }
}

}  // namespace

SecretBox::SecretBox(const Key& key) : key_(key) { EnsureSodium(); }

SecretBox SecretBox::FromPassphrase(const std::string& passphrase) {
  EnsureSodium();
  Key key{};
  if (ParseHexKey(passphrase, &key)) return SecretBox(key);
  // Domain separation: the BLAKE2b key is a fixed label, so a capstan key never equals
  // a plain BLAKE2b hash of the same passphrase used elsewhere.
  static const char kLabel[] = "capstan-state-passphrase-v1";
  crypto_generichash(key.data(), key.size(),
                     reinterpret_cast<const unsigned char*>(passphrase.data()), passphrase.size(),
                     reinterpret_cast<const unsigned char*>(kLabel), sizeof(kLabel) - 1);
  return SecretBox(key);
}

Result<SecretBox> SecretBox::FromEnvironmentOrFile(const std::string& key_file) {
  EnsureSodium();
  if (const char* env = std::getenv("CAPSTAN_STATE_KEY"); env != nullptr && *env != '\0') {
    return FromPassphrase(env);
  }
  return FromKeyFile(key_file);
}

SecretBox SecretBox::Random() {
  EnsureSodium();
  Key key{};
  randombytes_buf(key.data(), key.size());
  return SecretBox(key);
}

Status SecretBox::WriteKeyFile(const std::string& path) const {
  Status st;
  MakeParentDir(path);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    st.Error("cannot write state key file " + path, std::strerror(errno));
    return st;
  }
  ::fchmod(fd, 0600);  // an existing file keeps its mode on O_CREAT
  std::string text = ToHex(key_.data(), key_.size()) + "\n";
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  int write_errno = errno;
  sodium_memzero(text.data(), text.size());
  ::close(fd);
  if (!ok) {
    ::unlink(path.c_str());
    st.Error("cannot write state key file " + path, std::strerror(write_errno));
  }
  return st;
}

Result<SecretBox> SecretBox::FromKeyFile(const std::string& key_file) {
  EnsureSodium();
  std::ifstream in(key_file);
  if (in) {
    std::stringstream ss;
    ss << in.rdbuf();
    Key key{};
    if (!ParseHexKey(Trim(ss.str()), &key)) {
      return Result<SecretBox>::Fail(
          "state key file " + key_file + " is not 64 hexadecimal characters",
          "restore the file from a backup or set CAPSTAN_STATE_KEY to the key the state was "
          "written with");
    }
    SecretBox box(key);
    Result<SecretBox> out(box);
    struct stat st {};
    if (::stat(key_file.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
      out.diags().Warning("state key file " + key_file + " is readable by other users",
                          "run: chmod 600 " + key_file);
    }
    return out;
  }
  // First use: a fresh random key, written with O_EXCL so two processes racing here
  // cannot both win; the loser reads the winner's key on its next attempt.
  MakeParentDir(key_file);
  Key key{};
  randombytes_buf(key.data(), key.size());
  int fd = ::open(key_file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return FromKeyFile(key_file);
    return Result<SecretBox>::Fail("cannot create state key file " + key_file,
                                   std::strerror(errno));
  }
  std::string text = ToHex(key.data(), key.size()) + "\n";
  bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  bool synced = ::fsync(fd) == 0;
  int write_errno = errno;
  ::close(fd);
  if (!written || !synced) {
    ::unlink(key_file.c_str());
    return Result<SecretBox>::Fail("cannot write state key file " + key_file,
                                   std::strerror(write_errno));
  }
  ::chmod(key_file.c_str(), 0600);  // in case a umask widened nothing but a FS did
  return SecretBox(key);
}

std::string SecretBox::Seal(const std::string& plaintext) const {
  std::vector<unsigned char> buf(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES +
                                 plaintext.size());
  unsigned char* nonce = buf.data();
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(buf.data() + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
                        nonce, key_.data());
  const int variant = sodium_base64_VARIANT_ORIGINAL;
  std::string b64(sodium_base64_encoded_len(buf.size(), variant), '\0');
  sodium_bin2base64(b64.data(), b64.size(), buf.data(), buf.size(), variant);
  b64.resize(std::strlen(b64.c_str()));
  return kPrefix + b64;
}

Result<std::string> SecretBox::Open(const std::string& sealed) const {
  if (!IsSealed(sealed)) {
    return Result<std::string>::Fail("value is not a sealed secret (missing \"sbx1:\" prefix)");
  }
  std::vector<unsigned char> buf(sealed.size());
  size_t len = 0;
  if (sodium_base642bin(buf.data(), buf.size(), sealed.data() + kPrefixLen,
                        sealed.size() - kPrefixLen, nullptr, &len, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return Result<std::string>::Fail("sealed secret is corrupted (bad base64 or too short)");
  }
  std::string plain(len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()),
                                 buf.data() + crypto_secretbox_NONCEBYTES,
                                 len - crypto_secretbox_NONCEBYTES, buf.data(), key_.data()) != 0) {
    return Result<std::string>::Fail(
        "cannot decrypt a sealed secret: wrong state key or corrupted data",
        "set CAPSTAN_STATE_KEY to the key the state was written with, or restore <db>.key");
  }
  return plain;
}

bool SecretBox::IsSealed(const std::string& s) { return s.compare(0, kPrefixLen, kPrefix) == 0; }

std::string SecretBox::KeyId() const {
  // A keyed BLAKE2b of a fixed label: reveals nothing about the key, and 64 bits are
  // plenty to tell two keys apart.
  static const char kLabel[] = "capstan-key-id";
  unsigned char out[8];
  crypto_generichash(out, sizeof(out), reinterpret_cast<const unsigned char*>(kLabel),
                     sizeof(kLabel) - 1, key_.data(), key_.size());
  return ToHex(out, sizeof(out));
}

}  // namespace capstan
