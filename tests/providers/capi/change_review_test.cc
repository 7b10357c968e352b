// capi.cluster plan review: rolling replacement notes and refused version jumps.
#include "providers/capi/change_review.h"

#include <catch2/catch.hpp>

#include "tests/providers/capi/capi_test_util.h"

namespace capstan::capi {
namespace {

TEST_CASE("capi review: a worker flavor change rolls the workers only") {
  Value prior = testing::ScsClusterProps("v1beta1");
  Value planned = prior;
  planned["worker_flavor"] = "SCS-4V-8-50";
  Review r = ReviewUpdate(prior, planned);
  CHECK_FALSE(r.diags.HasErrors());
  CHECK(r.note == "rolling replacement of 2 worker machines");
}

TEST_CASE("capi review: an image change rolls control plane and workers, with both counts") {
  Value prior = testing::ScsClusterProps("v1beta1");
  Value planned = prior;
  planned["image"] = "ubuntu-capi-image-v1.28.11-b";
  planned["worker_count"] = 5;
  CHECK(ReviewUpdate(prior, planned).note ==
        "rolling replacement of 3 control-plane / 5 worker machines");
}

TEST_CASE("capi review: scaling and one-minor upgrades") {
  Value prior = testing::ScsClusterProps("v1beta1");
  SECTION("scaling rolls nothing") {
    Value planned = prior;
    planned["worker_count"] = 9;
    Review r = ReviewUpdate(prior, planned);
    CHECK(r.note.empty());
    CHECK_FALSE(r.diags.HasErrors());
  }
  SECTION("a one-minor upgrade is allowed and rolls everything") {
    Value planned = prior;
    planned["kubernetes_version"] = "v1.29.x";
    Review r = ReviewUpdate(prior, planned);
    CHECK_FALSE(r.diags.HasErrors());
    CHECK(r.note == "rolling replacement of 3 control-plane / 2 worker machines");
  }
  SECTION("etcd tuning rolls the control plane") {
    Value planned = prior;
    planned["etcd_heartbeat_interval"] = 100;
    CHECK(ReviewUpdate(prior, planned).note == "rolling replacement of 3 control-plane machines");
  }
}

TEST_CASE("capi review: more than one minor, or down, is refused with both versions") {
  Value prior = testing::ScsClusterProps("v1beta1");
  Value planned = prior;
  planned["kubernetes_version"] = "v1.30.x";
  Review r = ReviewUpdate(prior, planned);
  REQUIRE(r.diags.HasErrors());
  std::string text = r.diags.ToString();
  CHECK(text.find("v1.28.11 -> v1.30.13") != std::string::npos);
  CHECK(text.find("skips 1 minor version") != std::string::npos);
  CHECK(r.diags.items()[0].key == "properties.kubernetes_version");

  planned["kubernetes_version"] = "v1.27.x";
  CHECK(ReviewUpdate(prior, planned).diags.ToString().find("downgrade") != std::string::npos);
}

TEST_CASE("capi review: unknown values at plan time do not hide the version rule") {
  Value prior = testing::ScsClusterProps("v1beta1");
  Value planned = prior;
  planned["kubeconfig"] = Unknown();
  planned["kubernetes_version"] = "v1.31.x";
  CHECK(ReviewUpdate(prior, planned).diags.HasErrors());
}

}  // namespace
}  // namespace capstan::capi
