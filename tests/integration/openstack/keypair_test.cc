// openstack.keypair against the test bed: generated and given keys, adoption by content,
// the name conflict error, delete.
#include "providers/openstack/compute_util.h"
#include "tests/integration/openstack/compute_fixture.h"

namespace capstan {
namespace {

TEST_CASE("openstack.keypair generates an ed25519 key, uploads only its public half",
          "[openstack][keypair]") {
  testbed::ComputeFixture f;
  ResourceType* type = f.Type("openstack.keypair");
  std::string stack = testbed::UniqueStack("kp");
  CallContext ctx = testbed::Ctx(stack, "openstack.keypair.gen");
  Value props = ApplyDefaults(type->schema(), Value{{"name", stack}});
  auto created = type->Create(ctx, props);
  INFO(created.diags().ToString());
  REQUIRE(created.ok());
  std::string priv = created->attributes["private_key"].get<std::string>();
  CHECK(priv.rfind("-----BEGIN OPENSSH PRIVATE KEY-----", 0) == 0);
  std::string pub = created->attributes["public_key"].get<std::string>();
  CHECK(pub.rfind("ssh-ed25519 ", 0) == 0);

  Value cli = testbed::OpenStackJson("keypair show " + stack);
  REQUIRE(cli.is_object());
  CHECK(cli["fingerprint"] == created->attributes["fingerprint"]);

  // A rerun after a crash finds the marked keypair whose private key was lost: it is
  // replaced by a new one rather than adopted without a private key.
  auto again = type->Create(ctx, props);
  INFO(again.diags().ToString());
  REQUIRE(again.ok());
  CHECK(again->attributes["private_key"] != created->attributes["private_key"]);
  CHECK(again->attributes["public_key"] != created->attributes["public_key"]);

  // Read keeps the private key (Nova never returns it).
  auto read = type->Read(ctx, *again);
  INFO(read.diags().ToString());
  REQUIRE(read.ok());
  REQUIRE(read->has_value());
  CHECK((*read)->attributes == again->attributes);

  REQUIRE_FALSE(type->Delete(ctx, *again).HasErrors());
  CHECK_FALSE(type->Delete(ctx, *again).HasErrors());
  auto gone = type->Read(ctx, *again);
  INFO(gone.diags().ToString());
  REQUIRE(gone.ok());
  CHECK_FALSE(gone->has_value());
}

TEST_CASE("openstack.keypair adopts a same-named keypair with the same key, refuses another",
          "[openstack][keypair]") {
  testbed::ComputeFixture f;
  ResourceType* type = f.Type("openstack.keypair");
  std::string stack = testbed::UniqueStack("kp");
  CallContext ctx = testbed::Ctx(stack, "openstack.keypair.given");
  auto mine = openstack::GenerateEd25519("me@laptop");
  INFO(mine.diags().ToString());
  REQUIRE(mine.ok());
  Value props = ApplyDefaults(type->schema(),
                              Value{{"name", stack}, {"public_key", mine->public_key + "\n"}});
  auto created = type->Create(ctx, props);
  INFO(created.diags().ToString());
  REQUIRE(created.ok());
  CHECK(created->attributes["private_key"].is_null());
  CHECK(created->attributes["public_key"] == props["public_key"]);  // As written.

  auto adopted = type->Create(ctx, props);
  INFO(adopted.diags().ToString());
  REQUIRE(adopted.ok());
  CHECK(adopted->attributes["fingerprint"] == created->attributes["fingerprint"]);

  auto other = openstack::GenerateEd25519("other");
  INFO(other.diags().ToString());
  REQUIRE(other.ok());
  Value conflicting = props;
  conflicting["public_key"] = other->public_key;
  auto refused = type->Create(ctx, conflicting);
  REQUIRE_FALSE(refused.ok());
  std::string msg = refused.diags().ToString();
  CHECK(msg.find("already exists with a different public key") != std::string::npos);
  CHECK(msg.find(created->attributes["fingerprint"].get<std::string>()) != std::string::npos);
  CHECK(msg.find("PRIVATE") == std::string::npos);

  REQUIRE_FALSE(type->Delete(ctx, *created).HasErrors());
}

}  // namespace
}  // namespace capstan
