// sha256 via OpenSSL's EVP interface; randomness from RAND_bytes.
#include "engine/hash.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>

namespace capstan {
namespace {

std::string ToHex(const unsigned char* p, size_t n) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kDigits[p[i] >> 4]);
    out.push_back(kDigits[p[i] & 15]);
  }
  return out;
}

}  // namespace

std::string Sha256Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return ToHex(md, len);
}

std::string RandomHex(size_t n) {
  std::string buf(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(buf.data()), static_cast<int>(n)) != 1) {
    throw std::runtime_error("RAND_bytes failed");  // the OS has no entropy: unrecoverable
  }
  return ToHex(reinterpret_cast<const unsigned char*>(buf.data()), n);
}

std::string NewUuid() {
  std::string h = RandomHex(16);
  h[12] = '4';
  h[16] = "89ab"[(h[16] - '0') & 3];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

}  // namespace capstan
