// Pure helpers of the Nova types (see compute_util.h).
#include "providers/openstack/compute_util.h"

#include <sodium.h>

#include <algorithm>
#include <set>

#include "engine/hash.h"

namespace capstan::openstack {
namespace {

std::string Base64(const uint8_t* data, size_t len) {
  std::string out(sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), data, len, sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.find('\0'));
  return out;
}

/// SSH wire format: uint32 big-endian length, then the bytes.
void PutU32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((v >> shift) & 0xff));
}
void PutString(std::string& out, std::string_view s) {
  PutU32(out, static_cast<uint32_t>(s.size()));
  out.append(s);
}
std::string_view Bytes(const uint8_t* p, size_t n) { return {reinterpret_cast<const char*>(p), n}; }

/// Splits on blanks (spaces and tabs), at most `max` fields; the last keeps the rest.
std::vector<std::string> Fields(const std::string& line, size_t max) {
  std::vector<std::string> out;
  size_t i = 0;
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (i < line.size()) {
    while (i < line.size() && blank(line[i])) ++i;
    if (i >= line.size()) break;
    if (out.size() + 1 == max) {
      size_t end = line.size();
      while (end > i && blank(line[end - 1])) --end;
      out.push_back(line.substr(i, end - i));
      break;
    }
    size_t j = i;
    while (j < line.size() && !blank(line[j])) ++j;
    out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

}  // namespace

std::string RegexEscape(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (std::string_view(".^$*+?()[]{}|\\").find(c) != std::string_view::npos) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

SshKeyPair EncodeEd25519(const std::array<uint8_t, 32>& pk, const std::array<uint8_t, 64>& sk,
                         const std::string& comment, uint32_t checkint) {
  std::string blob;
  PutString(blob, "ssh-ed25519");
  PutString(blob, Bytes(pk.data(), pk.size()));

  std::string priv;
  PutU32(priv, checkint);
  PutU32(priv, checkint);
  PutString(priv, "ssh-ed25519");
  PutString(priv, Bytes(pk.data(), pk.size()));
  PutString(priv, Bytes(sk.data(), sk.size()));
  PutString(priv, comment);
  for (char pad = 1; priv.size() % 8 != 0; ++pad) priv.push_back(pad);

  std::string file("openssh-key-v1", 14);
  file.push_back('\0');
  PutString(file, "none");
  PutString(file, "none");
  PutString(file, "");
  PutU32(file, 1);
  PutString(file, blob);
  PutString(file, priv);

  std::string b64 = Base64(reinterpret_cast<const uint8_t*>(file.data()), file.size());
  std::string pem = "-----BEGIN OPENSSH PRIVATE KEY-----\n";
  for (size_t i = 0; i < b64.size(); i += 70) pem += b64.substr(i, 70) + "\n";
  pem += "-----END OPENSSH PRIVATE KEY-----\n";
  sodium_memzero(priv.data(), priv.size());
  sodium_memzero(file.data(), file.size());

  SshKeyPair kp;
  kp.public_key =
      "ssh-ed25519 " + Base64(reinterpret_cast<const uint8_t*>(blob.data()), blob.size());
  if (!comment.empty()) kp.public_key += " " + comment;
  kp.private_key = std::move(pem);
  return kp;
}

Result<SshKeyPair> GenerateEd25519(const std::string& comment) {
  if (sodium_init() < 0) return Result<SshKeyPair>::Fail("libsodium could not be initialised");
  std::array<uint8_t, 32> pk;
  std::array<uint8_t, 64> sk;
  crypto_sign_keypair(pk.data(), sk.data());
  SshKeyPair kp = EncodeEd25519(pk, sk, comment, randombytes_random());
  sodium_memzero(sk.data(), sk.size());
  return kp;
}

std::string NormalizePublicKey(const std::string& line) {
  std::vector<std::string> f = Fields(line, 3);
  if (f.size() < 2) return {};
  return f[0] + " " + f[1];
}

std::string PublicKeyComment(const std::string& line) {
  std::vector<std::string> f = Fields(line, 3);
  return f.size() == 3 ? f[2] : std::string();
}

std::string Base64Encode(std::string_view data) {
  return Base64(reinterpret_cast<const uint8_t*>(data.data()), data.size());
}

std::string UserDataDigest(const std::string& data) { return "sha256:" + Sha256Hex(data); }

NameDelta Delta(const std::vector<std::string>& have, const std::vector<std::string>& want) {
  std::set<std::string> h(have.begin(), have.end()), w(want.begin(), want.end());
  NameDelta d;
  for (const std::string& n : w) {
    if (!h.count(n)) d.add.push_back(n);
  }
  for (const std::string& n : h) {
    if (!w.count(n)) d.remove.push_back(n);
  }
  return d;
}

std::string FirstFixedIp(const Value& addresses) {
  if (!addresses.is_object()) return {};
  std::string any;
  for (const auto& [net, list] : addresses.items()) {  // nlohmann objects iterate sorted.
    if (!list.is_array()) continue;
    for (const Value& a : list) {
      if (!a.is_object() || a.value("OS-EXT-IPS:type", "fixed") != "fixed") continue;
      std::string ip = a.value("addr", "");
      if (ip.empty()) continue;
      if (a.value("version", 4) == 4) return ip;
      if (any.empty()) any = ip;
    }
  }
  return any;
}

std::vector<std::string> Strings(const Value& list) {
  std::vector<std::string> out;
  if (!list.is_array()) return out;
  for (const Value& v : list) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

}  // namespace capstan::openstack
