// InstanceStatusName and StackState::Find.
#include <catch2/catch.hpp>

#include "tests/state/state_test_util.h"

namespace capstan {
namespace {

TEST_CASE("InstanceStatusName spells the three statuses as stored") {
  CHECK(std::string(InstanceStatusName(InstanceStatus::kOk)) == "ok");
  CHECK(std::string(InstanceStatusName(InstanceStatus::kTainted)) == "tainted");
  CHECK(std::string(InstanceStatusName(InstanceStatus::kDeposed)) == "deposed");
}

TEST_CASE("StackState::Find distinguishes the current object from deposed ones") {
  StackState s;
  auto current = testing::MakeInstance("openstack.server.vm", "new");
  auto deposed = testing::MakeInstance("openstack.server.vm", "old");
  deposed.deposed_key = "d1";
  deposed.status = InstanceStatus::kDeposed;
  s.instances = {deposed, current};
  REQUIRE(s.Find(current.address) != nullptr);
  CHECK(s.Find(current.address)->id == "new");
  REQUIRE(s.Find(current.address, "d1") != nullptr);
  CHECK(s.Find(current.address, "d1")->id == "old");
  CHECK(s.Find(current.address, "d2") == nullptr);
  CHECK(s.Find(testing::Addr("openstack.server.other")) == nullptr);
}

}  // namespace
}  // namespace capstan
