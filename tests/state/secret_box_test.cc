// SecretBox: sealing, wrong keys, key derivation and the key file.
#include "state/secret_box.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cstdlib>

#include "tests/state/state_test_util.h"

namespace capstan {
namespace {

/// Sets or clears CAPSTAN_STATE_KEY for one scope.
class EnvKey {
 public:
  explicit EnvKey(const char* value) {
    if (const char* old = std::getenv("CAPSTAN_STATE_KEY")) old_ = old;
    if (value) {
      ::setenv("CAPSTAN_STATE_KEY", value, 1);
    } else {
      ::unsetenv("CAPSTAN_STATE_KEY");
    }
  }
  ~EnvKey() {
    if (old_.empty()) {
      ::unsetenv("CAPSTAN_STATE_KEY");
    } else {
      ::setenv("CAPSTAN_STATE_KEY", old_.c_str(), 1);
    }
  }

 private:
  std::string old_;
};

TEST_CASE("SecretBox seals to an sbx1: string that opens back to the plaintext") {
  SecretBox box = SecretBox::FromPassphrase("pw");
  std::string sealed = box.Seal("hunter2");
  CHECK(SecretBox::IsSealed(sealed));
  CHECK(sealed.find("hunter2") == std::string::npos);
  auto opened = box.Open(sealed);
  REQUIRE(opened.ok());
  CHECK(*opened == "hunter2");
  CHECK(box.Seal("hunter2") != sealed);  // fresh nonce every time
}

TEST_CASE("SecretBox refuses to open with a different key or a tampered blob") {
  SecretBox a = SecretBox::FromPassphrase("a");
  SecretBox b = SecretBox::FromPassphrase("b");
  std::string sealed = a.Seal("secret");
  auto wrong = b.Open(sealed);
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.diags().ToString().find("wrong state key") != std::string::npos);
  std::string tampered = sealed;
  tampered[tampered.size() - 3] = tampered[tampered.size() - 3] == 'A' ? 'B' : 'A';
  CHECK_FALSE(a.Open(tampered).ok());
  CHECK_FALSE(a.Open("plain text").ok());
  CHECK_FALSE(a.Open("sbx1:!!!").ok());
}

TEST_CASE("SecretBox treats 64 hex characters as the raw key and anything else as a passphrase") {
  const std::string hex(64, 'a');
  SecretBox::Key raw{};
  raw.fill(0xaa);
  CHECK(SecretBox::FromPassphrase(hex).KeyId() == SecretBox(raw).KeyId());
  CHECK(SecretBox::FromPassphrase("x").KeyId() == SecretBox::FromPassphrase("x").KeyId());
  CHECK(SecretBox::FromPassphrase("x").KeyId() != SecretBox::FromPassphrase("y").KeyId());
  CHECK(SecretBox::FromPassphrase(hex.substr(1)).KeyId() != SecretBox(raw).KeyId());
  CHECK(SecretBox(raw).KeyId().find(hex.substr(0, 8)) == std::string::npos);
}

TEST_CASE("SecretBox creates a 0600 key file on first use and reuses it") {
  EnvKey unset(nullptr);
  testing::TempDir dir;
  const std::string file = dir.File("sub/state.db.key");
  auto first = SecretBox::FromEnvironmentOrFile(file);
  INFO(first.diags().ToString());
  REQUIRE(first.ok());
  struct stat st {};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(testing::ReadAll(file).size() == 65);  // 64 hex + newline
  auto second = SecretBox::FromEnvironmentOrFile(file);
  REQUIRE(second.ok());
  CHECK(second->KeyId() == first->KeyId());
  auto opened = second->Open(first->Seal("v"));
  REQUIRE(opened.ok());
  CHECK(*opened == "v");
}

TEST_CASE("SecretBox prefers CAPSTAN_STATE_KEY over the key file") {
  testing::TempDir dir;
  EnvKey env("my passphrase");
  auto box = SecretBox::FromEnvironmentOrFile(dir.File("state.db.key"));
  REQUIRE(box.ok());
  CHECK(box->KeyId() == SecretBox::FromPassphrase("my passphrase").KeyId());
  struct stat st {};
  CHECK(::stat(dir.File("state.db.key").c_str(), &st) != 0);  // no file written
}

TEST_CASE("SecretBox rejects a key file that does not hold a key") {
  EnvKey unset(nullptr);
  testing::TempDir dir;
  { std::ofstream(dir.File("bad.key")) << "not a key\n"; }
  auto box = SecretBox::FromEnvironmentOrFile(dir.File("bad.key"));
  REQUIRE_FALSE(box.ok());
  CHECK(box.diags().ToString().find("64 hexadecimal") != std::string::npos);
}

}  // namespace
}  // namespace capstan
