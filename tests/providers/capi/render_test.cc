// capi.cluster rendering: golden files per CAPO API version, and content-hashed template names.
#include "providers/capi/render.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "providers/kubernetes/manifest_objects.h"
#include "tests/providers/capi/capi_test_util.h"

namespace capstan::capi {
namespace {

ClusterSpec Spec(const Value& props) {
  auto s = SpecFromProps(props);
  INFO(s.diags().ToString());
  REQUIRE(s.ok());
  return *s;
}

/// CAPSTAN_UPDATE_GOLDEN=1 rewrites the file from the current output; review by eye.
void CheckGolden(const std::string& name, const std::string& actual) {
  std::string path = std::string(CAPSTAN_SOURCE_DIR) + "/tests/providers/capi/golden/" + name;
  const char* update = std::getenv("CAPSTAN_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") std::ofstream(path) << actual;
  std::ifstream in(path);
  INFO("golden file " << path << " (CAPSTAN_UPDATE_GOLDEN=1 rewrites it)");
  REQUIRE(in.good());
  std::stringstream expected;
  expected << in.rdbuf();
  CHECK(actual == expected.str());
}

std::vector<std::string> Kinds(const RenderedCluster& r) {
  std::vector<std::string> kinds;
  for (const Value& o : r.objects) kinds.push_back(o["kind"]);
  return kinds;
}

TEST_CASE("capi render: v1alpha7 objects match the golden file (SCS R6 shapes)") {
  RenderedCluster r = Render(Spec(testing::ScsClusterProps("v1alpha7")));
  CHECK(Kinds(r) == std::vector<std::string>{"Secret", "OpenStackCluster",
                                             "OpenStackMachineTemplate", "OpenStackMachineTemplate",
                                             "KubeadmConfigTemplate", "KubeadmControlPlane",
                                             "MachineDeployment", "Cluster"});
  CHECK(r.objects[1]["apiVersion"] == "infrastructure.cluster.x-k8s.io/v1alpha7");
  CHECK(r.objects[1]["spec"]["externalNetworkId"] == "ext01-id");
  CHECK(r.objects[2]["spec"]["template"]["spec"]["image"] == "ubuntu-capi-image-v1.28.11");
  CheckGolden("cluster-v1alpha7.yaml", kube::DumpYamlDocuments(r.objects));
}

TEST_CASE("capi render: v1beta1 objects match the golden file") {
  RenderedCluster r = Render(Spec(testing::ScsClusterProps("v1beta1")));
  CHECK(r.objects[1]["apiVersion"] == "infrastructure.cluster.x-k8s.io/v1beta1");
  CHECK(r.objects[1]["spec"]["externalNetwork"]["id"] == "ext01-id");
  const Value& machine = r.objects[2]["spec"]["template"]["spec"];
  CHECK(machine["image"]["filter"]["name"] == "ubuntu-capi-image-v1.28.11");
  CHECK(machine["serverGroup"]["id"] == "sg-controller-id");
  CheckGolden("cluster-v1beta1.yaml", kube::DumpYamlDocuments(r.objects));
}

TEST_CASE("capi render: the cloud-config Secret carries the app credential in clouds.yaml") {
  ClusterSpec s = Spec(testing::ScsClusterProps("v1beta1"));
  std::string clouds = CloudsYaml(s);
  CHECK(clouds.find("application_credential_secret: \"APPCRED-SECRET-DO-NOT-LEAK\"") !=
        std::string::npos);
  CHECK(clouds.find("auth_type: v3applicationcredential") != std::string::npos);
  CHECK(clouds.find("project_id: \"project-id-1\"") != std::string::npos);
  RenderedCluster r = Render(s);
  const Value& secret = r.objects[0];
  CHECK(secret["metadata"]["name"] == "demo-cloud-config");
  CHECK(secret["metadata"]["labels"]["clusterctl.cluster.x-k8s.io/move"] == "true");
  CHECK(secret["data"].contains("clouds.yaml"));
}

TEST_CASE("capi render: template names change exactly when template content changes") {
  Value props = testing::ScsClusterProps("v1beta1");
  RenderedCluster base = Render(Spec(props));
  CHECK(base.worker_template.rfind("demo-md-0-", 0) == 0);
  CHECK(base.worker_template.size() == std::string("demo-md-0-").size() + 8);
  CHECK(base.control_plane_template.rfind("demo-control-plane-", 0) == 0);

  SECTION("counts, CIDRs and the app credential leave every template name alone") {
    Value p = props;
    p["worker_count"] = 7;
    p["control_plane_count"] = 1;
    p["pod_cidr"] = "172.16.0.0/16";
    p["application_credential_secret"] = "rotated";
    RenderedCluster r = Render(Spec(p));
    CHECK(r.control_plane_template == base.control_plane_template);
    CHECK(r.worker_template == base.worker_template);
    CHECK(r.worker_bootstrap_template == base.worker_bootstrap_template);
  }
  SECTION("a worker flavor change renames only the worker machine template") {
    Value p = props;
    p["worker_flavor"] = "SCS-4V-8-50";
    RenderedCluster r = Render(Spec(p));
    CHECK(r.worker_template != base.worker_template);
    CHECK(r.control_plane_template == base.control_plane_template);
    CHECK(r.worker_bootstrap_template == base.worker_bootstrap_template);
  }
  SECTION("an image change renames both machine templates") {
    Value p = props;
    p["image"] = "my-image";
    RenderedCluster r = Render(Spec(p));
    CHECK(r.worker_template != base.worker_template);
    CHECK(r.control_plane_template != base.control_plane_template);
  }
  SECTION("the same input gives the same names (no randomness, no time)") {
    RenderedCluster r = Render(Spec(props));
    CHECK(r.worker_template == base.worker_template);
    CHECK(r.control_plane_template == base.control_plane_template);
  }
}

TEST_CASE("capi render: spec errors name the property") {
  Value p = testing::ScsClusterProps("v1alpha6");
  p["control_plane_count"] = 2;
  p.erase("worker_flavor");
  auto s = SpecFromProps(p);
  REQUIRE_FALSE(s.ok());
  std::string text = s.diags().ToString();
  CHECK(text.find("capo_api_version") != std::string::npos);
  CHECK(text.find("control_plane_count must be odd") != std::string::npos);
  CHECK(text.find("worker_flavor is required") != std::string::npos);
}

}  // namespace
}  // namespace capstan::capi
