// Tests for the pure parts of the Nova types and lookups: OpenSSH key encoding (checked
// with the real ssh-keygen), public key comparison, Nova's regex name filter, security
// group deltas, "the" IP of a server, and the exactly-one rule of lookups.
#include "providers/openstack/compute_util.h"

#include <sys/stat.h>

#include <array>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "providers/openstack/lookups.h"

namespace capstan::openstack {
namespace {

std::string Run(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  std::array<char, 512> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  pclose(p);
  return out;
}

TEST_CASE("A generated ed25519 private key is accepted by ssh-keygen and matches its public key") {
  auto kp = GenerateEd25519("capstan-stack=s capstan-addr=openstack.keypair.k");
  REQUIRE(kp.ok());
  CHECK(kp->public_key.rfind("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI", 0) == 0);
  CHECK(PublicKeyComment(kp->public_key) == "capstan-stack=s capstan-addr=openstack.keypair.k");
  CHECK(kp->private_key.rfind("-----BEGIN OPENSSH PRIVATE KEY-----\n", 0) == 0);

  auto path = std::filesystem::temp_directory_path() / ("capstan-key-" + std::to_string(getpid()));
  {
    std::ofstream f(path);
    f << kp->private_key;
  }
  chmod(path.c_str(), 0600);
  std::string derived = Run("ssh-keygen -y -f " + path.string() + " 2>&1");
  std::filesystem::remove(path);
  CHECK(NormalizePublicKey(derived) == NormalizePublicKey(kp->public_key));
}

TEST_CASE("EncodeEd25519 pads the private section to 8 bytes and wraps base64 at 70 columns") {
  std::array<uint8_t, 32> pk{};
  std::array<uint8_t, 64> sk{};
  auto kp = EncodeEd25519(pk, sk, "c", 0x01020304);
  for (size_t start = 0, end; (end = kp.private_key.find('\n', start)) != std::string::npos;
       start = end + 1) {
    CHECK(end - start <= 70);
  }
  CHECK(kp.private_key.substr(kp.private_key.size() - 34) == "-----END OPENSSH PRIVATE KEY-----\n");
  CHECK(kp.public_key ==
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA c");
}

TEST_CASE("Public keys compare without their comment and blanks") {
  CHECK(NormalizePublicKey("ssh-rsa AAAAB3 user@host\n") == "ssh-rsa AAAAB3");
  CHECK(NormalizePublicKey("  ssh-rsa\tAAAAB3") == "ssh-rsa AAAAB3");
  CHECK(NormalizePublicKey("garbage") == "");
  CHECK(PublicKeyComment("ssh-ed25519 AAAA two words \n") == "two words");
  CHECK(PublicKeyComment("ssh-ed25519 AAAA") == "");
}

TEST_CASE("RegexEscape escapes what Nova's name filter would read as a pattern") {
  CHECK(RegexEscape("mgmt-node.1") == "mgmt-node\\.1");
  CHECK(RegexEscape("a+b(c)[d]{e}|^$*?\\") == "a\\+b\\(c\\)\\[d\\]\\{e\\}\\|\\^\\$\\*\\?\\\\");
}

TEST_CASE("Delta says which security groups to add and remove") {
  NameDelta d = Delta({"default", "ssh", "ssh"}, {"ssh", "web"});
  CHECK(d.add == std::vector<std::string>{"web"});
  CHECK(d.remove == std::vector<std::string>{"default"});
}

TEST_CASE("FirstFixedIp prefers a fixed IPv4 over floating and IPv6 addresses") {
  Value addrs = Value::parse(R"({
    "a-net": [{"addr": "fd00::5", "version": 6, "OS-EXT-IPS:type": "fixed"}],
    "b-net": [{"addr": "203.0.113.9", "version": 4, "OS-EXT-IPS:type": "floating"},
              {"addr": "10.0.0.5", "version": 4, "OS-EXT-IPS:type": "fixed"}]})");
  CHECK(FirstFixedIp(addrs) == "10.0.0.5");
  CHECK(FirstFixedIp(Value::parse(R"({"n": [{"addr": "fd00::5", "version": 6}]})")) == "fd00::5");
  CHECK(FirstFixedIp(Value::object()) == "");
}

TEST_CASE("UserDataDigest and Base64Encode") {
  CHECK(UserDataDigest("") ==
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(Base64Encode("#cloud-config\n") == "I2Nsb3VkLWNvbmZpZwo=");
}

TEST_CASE("ExactlyOne names what was searched and what exists") {
  std::vector<Value> all = {{{"name", "m1.small"}, {"id", "1"}},
                            {{"name", "m1.tiny"}, {"id", "2"}}};
  auto none = ExactlyOne("flavor", "with name or id \"m1.huge\"", {}, all);
  REQUIRE_FALSE(none.ok());
  std::string msg = none.diags().ToString();
  CHECK(msg.find("no flavor with name or id \"m1.huge\"") != std::string::npos);
  CHECK(msg.find("Existing: m1.small, m1.tiny.") != std::string::npos);

  auto two = ExactlyOne("external network", "(router:external)", all, all);
  REQUIRE_FALSE(two.ok());
  CHECK(two.diags().ToString().find("2 external networks (router:external)") != std::string::npos);
  CHECK(two.diags().ToString().find("1, 2") != std::string::npos);

  auto one = ExactlyOne("flavor", "x", {all[1]}, all);
  REQUIRE(one.ok());
  CHECK((*one)["id"] == "2");
}

TEST_CASE("PickImage refuses ambiguity unless most_recent, then takes the newest") {
  std::vector<Value> imgs = {{{"id", "old"}, {"created_at", "2024-01-01T00:00:00Z"}},
                             {{"id", "new"}, {"created_at", "2024-06-01T00:00:00Z"}}};
  auto amb = PickImage("ubuntu", imgs, false);
  REQUIRE_FALSE(amb.ok());
  CHECK(amb.diags().ToString().find("2 active images named \"ubuntu\"") != std::string::npos);
  CHECK(amb.diags().ToString().find("most_recent") != std::string::npos);
  auto newest = PickImage("ubuntu", imgs, true);
  REQUIRE(newest.ok());
  CHECK((*newest)["id"] == "new");
  CHECK_FALSE(PickImage("ubuntu", {}, true).ok());
}

}  // namespace
}  // namespace capstan::openstack
