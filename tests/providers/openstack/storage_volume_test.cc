// openstack.volume without Cinder: attributes, the create body, the shrink rule.
#include <catch2/catch.hpp>

#include "providers/openstack/volume.h"

namespace capstan::openstack {
namespace {

CallContext VolumeCtx() {
  CallContext c;
  c.stack = "s1";
  c.address = Address::Parse("openstack.volume.etcd").value();
  return c;
}

TEST_CASE("VolumeAttributes hides the marks and normalises Cinder's values",
          "[openstack][volume]") {
  Value vol = Value::parse(R"({
    "id": "v1", "name": null, "size": 2, "status": "available", "bootable": "true",
    "description": null, "volume_type": "__DEFAULT__", "availability_zone": "nova",
    "metadata": {"role": "etcd", "capstan-stack": "s1", "capstan-addr": "openstack.volume.etcd"},
    "volume_image_metadata": {"image_id": "img1"}
  })");
  Value a = VolumeAttributes(vol, Value{{"shrink_count", 2}}, VolumeCtx());
  CHECK(a["name"] == "");
  CHECK(a["description"] == "");
  CHECK(a["bootable"] == true);
  CHECK(a["metadata"] == Value{{"role", "etcd"}});
  CHECK(a["owned"] == true);
  CHECK(a["image_id"] == "img1");
  CHECK(a["shrink_count"] == 2);

  vol.erase("volume_image_metadata");
  vol["metadata"].erase("capstan-addr");
  vol["bootable"] = "false";
  a = VolumeAttributes(vol, Value{{"image_id", "img9"}}, VolumeCtx());
  CHECK(a["owned"] == false);
  CHECK(a["bootable"] == false);
  CHECK(a["image_id"] == "img9");  // Not reported back: kept from what capstan knows.
  CHECK(a["shrink_count"] == 0);
}

TEST_CASE("PlanShrinkCount goes up only when the size goes down", "[openstack][volume]") {
  Value prior = {{"size", 10}, {"shrink_count", 1}};
  CHECK(PlanShrinkCount(Value{{"size", 10}}, nullptr) == 0);
  CHECK(PlanShrinkCount(Value{{"size", 10}}, &prior) == 1);
  CHECK(PlanShrinkCount(Value{{"size", 20}}, &prior) == 1);
  CHECK(PlanShrinkCount(Value{{"size", 5}}, &prior) == 2);
  CHECK(IsUnknown(PlanShrinkCount(Value{{"size", Unknown()}}, &prior)));
}

TEST_CASE("VolumeCreateBody puts the marks into the metadata", "[openstack][volume]") {
  Value props = {{"name", "etcd"},
                 {"size", 1},
                 {"description", ""},
                 {"image_id", "img1"},
                 {"metadata", {{"role", "etcd"}}}};
  Value body = VolumeCreateBody(props, VolumeCtx());
  CHECK(body["imageRef"] == "img1");
  CHECK_FALSE(body.contains("image_id"));
  CHECK_FALSE(body.contains("volume_type"));
  CHECK(body["metadata"] == Value{{"role", "etcd"},
                                  {"capstan-stack", "s1"},
                                  {"capstan-addr", "openstack.volume.etcd"}});
  CHECK(VolumeMetadataQuery(VolumeCtx(), false) == "metadata=%7B%22capstan-stack%22%3A%22s1%22%7D");
}

}  // namespace
}  // namespace capstan::openstack
