// Addresses: parsing, canonical printing, targets.
#include "resources/address.h"

#include <catch2/catch.hpp>

using capstan::Address;
using capstan::Target;

TEST_CASE("address round-trips through its canonical form", "[address]") {
  for (const char* text :
       {"openstack.network.main", "openstack.port.node[2]", "local.file.f[\"a b\"]",
        "module.cluster[\"prod\"].capi.cluster.this", "module.a.module.b[0].local.file.f[\"x\"]",
        "local.file.f[-1]", "local.file.f[\"quote\\\"inside\"]"}) {
    auto a = Address::Parse(text);
    REQUIRE(a.ok());
    CHECK(a->ToString() == text);
  }
}

TEST_CASE("address parts are typed: module steps, two-segment type, name, key", "[address]") {
  auto a = Address::Parse("module.m[\"k\"].openstack.server.mgmt[3]");
  REQUIRE(a.ok());
  REQUIRE(a->module.size() == 1);
  CHECK(a->module[0].name == "m");
  CHECK(std::get<std::string>(a->module[0].key) == "k");
  CHECK(a->type == "openstack.server");
  CHECK(a->Provider() == "openstack");
  CHECK(a->name == "mgmt");
  CHECK(std::get<int64_t>(a->key) == 3);
  CHECK(a->WithoutKey().ToString() == "module.m[\"k\"].openstack.server.mgmt");
}

TEST_CASE("address parse errors say what was expected and where", "[address]") {
  auto a = Address::Parse("openstack.network");
  REQUIRE_FALSE(a.ok());
  CHECK(a.diags().ToString().find("resource name") != std::string::npos);
  auto b = Address::Parse("local.file.f[abc]");
  REQUIRE_FALSE(b.ok());
  CHECK(b.diags().ToString().find("position 14") != std::string::npos);
  CHECK_FALSE(Address::Parse("module.m").ok());
  CHECK_FALSE(Address::Parse("local.file.f[\"open").ok());
  CHECK_FALSE(Address::Parse("local.file.f trailing").ok());
}

TEST_CASE("addresses order and compare by parts", "[address]") {
  auto a = Address::Parse("local.file.a").value();
  auto b = Address::Parse("local.file.b").value();
  CHECK(a < b);
  CHECK(a == Address::Parse("local.file.a").value());
}

TEST_CASE("targets match whole modules, all instances, or one instance", "[address]") {
  auto inst = Address::Parse("module.c[\"prod\"].local.file.f[1]").value();
  CHECK(Target::Parse("module.c").value().Matches(inst));
  CHECK(Target::Parse("module.c[\"prod\"]").value().Matches(inst));
  CHECK_FALSE(Target::Parse("module.c[\"dev\"]").value().Matches(inst));
  CHECK(Target::Parse("module.c[\"prod\"].local.file.f").value().Matches(inst));
  CHECK(Target::Parse("module.c[\"prod\"].local.file.f[1]").value().Matches(inst));
  CHECK_FALSE(Target::Parse("module.c[\"prod\"].local.file.f[2]").value().Matches(inst));
  CHECK_FALSE(Target::Parse("local.file.f").value().Matches(inst));
  CHECK(Target::Parse("module.c").value().ToString() == "module.c");
}
