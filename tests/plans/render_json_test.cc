// The JSON plan (plans/render_json.h): versioned, complete, and free of secrets.
#include "plans/render_json.h"

#include <catch2/catch.hpp>
#include <string>

#include "sample_plans.h"

namespace capstan {
namespace {

using testing::FullPlan;
using testing::kSecret;

const nlohmann::json& ChangeFor(const nlohmann::json& j, const std::string& addr) {
  for (const auto& c : j["resource_changes"]) {
    if (c["address"] == addr) return c;
  }
  FAIL("no resource change for " << addr);
  static nlohmann::json none;
  return none;
}

TEST_CASE("plan json: carries the format version and pinned state") {
  const nlohmann::json j = PlanToJson(FullPlan());
  CHECK(j["format_version"] == kPlanFormatVersion);
  CHECK(j["stack"] == "demo");
  CHECK(j["serial"] == 7);
  CHECK(j["mode"] == "normal");
  CHECK(j["summary"]["add"] == 3);
  CHECK(j["summary"]["destroy"] == 3);
  CHECK(j["summary"]["has_changes"] == true);
}

TEST_CASE("plan json: never contains a sensitive value") {
  const nlohmann::json j = PlanToJson(FullPlan());
  CHECK(j.dump().find(kSecret) == std::string::npos);
  CHECK(j["variables"]["os_password"].is_null());
  CHECK(j["variables"]["cidr"] == "10.0.1.0/24");
  CHECK(j["sensitive_variables"] == nlohmann::json{"os_password"});
  const auto& srv = ChangeFor(j, "module.cluster[\"prod\"].openstack.server.mgmt");
  CHECK(srv["before"]["admin_pass"].is_null());
  CHECK(srv["after"]["admin_pass"].is_null());
  CHECK(srv["sensitive"] == nlohmann::json{"admin_pass"});
  CHECK(srv["action"] == "replace-create-before-destroy");
}

TEST_CASE("plan json: unknown values are null and listed by path") {
  const nlohmann::json j = PlanToJson(FullPlan());
  const auto& sub = ChangeFor(j, "openstack.subnet.main");
  CHECK(sub["action"] == "replace");
  CHECK(sub["after"]["id"].is_null());
  CHECK(sub["unknown"] == nlohmann::json{"id"});
  CHECK(sub["replace_because"] == nlohmann::json{"cidr"});
  CHECK(j.dump().find("__capstan_unknown__") == std::string::npos);
}

TEST_CASE("plan json: execution nodes name their operation and address") {
  const Plan plan = FullPlan();
  const nlohmann::json j = PlanToJson(plan);
  const auto& nodes = j["execution"]["nodes"];
  REQUIRE(nodes.size() == plan.exec.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    CHECK(nodes[i]["id"] == i);
    CHECK(nodes[i]["op"] == OpKindName(plan.exec[i].op));
    CHECK(nodes[i]["address"] == plan.changes[plan.exec[i].change].address.ToString());
  }
}

TEST_CASE("plan json: output changes mask sensitive outputs") {
  const nlohmann::json j = PlanToJson(FullPlan());
  const auto& outs = j["output_changes"];
  REQUIRE(outs.size() == 4);
  CHECK(outs[0]["name"] == "kubeconfig");
  CHECK(outs[0]["after"].is_null());
  CHECK(outs[0]["sensitive"] == true);
  CHECK(outs[1]["after_unknown"] == true);
  CHECK(outs[2]["action"] == "no-op");
  CHECK(outs[3]["action"] == "delete");
}

}  // namespace
}  // namespace capstan
