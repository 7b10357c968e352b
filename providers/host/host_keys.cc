// Host key helpers (see host_keys.h). The fingerprint uses libsodium's SHA-256 and base64.
#include "providers/host/host_keys.h"

#include <sodium.h>

#include <sstream>

namespace capstan::host {

HostKey ParseHostKey(std::string_view text) {
  std::istringstream in{std::string(text)};
  HostKey k;
  if (!(in >> k.type >> k.blob)) return {};
  return k;
}

std::string Fingerprint(const HostKey& key) {
  std::string bin(key.blob.size(), '\0');
  size_t len = 0;
  if (key.blob.empty() || sodium_base642bin(reinterpret_cast<unsigned char*>(bin.data()),
                                            bin.size(), key.blob.data(), key.blob.size(), nullptr,
                                            &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
    return "(invalid key)";
  }
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bin.data()), len);
  char b64[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES,
                                     sodium_base64_VARIANT_ORIGINAL_NO_PADDING)];
  sodium_bin2base64(b64, sizeof b64, digest, sizeof digest,
                    sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
  return std::string("SHA256:") + b64;
}

std::string KnownHostsName(const std::string& address, int port) {
  if (port == 22) return address;
  return "[" + address + "]:" + std::to_string(port);
}

std::vector<HostKey> ParseKeyscan(std::string_view out) {
  std::vector<HostKey> keys;
  std::istringstream in{std::string(out)};
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string host;
    HostKey k;
    if (fields >> host >> k.type >> k.blob) keys.push_back(k);
  }
  return keys;
}

std::string HostKeyAlgorithms(const std::string& key_type) {
  if (key_type == "ssh-rsa") return "rsa-sha2-512,rsa-sha2-256,ssh-rsa";
  return key_type;
}

}  // namespace capstan::host
