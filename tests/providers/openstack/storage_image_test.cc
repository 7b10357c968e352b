// openstack.image without Glance: user properties, the create body and JSON patches.
#include <catch2/catch.hpp>

#include "providers/openstack/image.h"

namespace capstan::openstack {
namespace {

CallContext ImageCtx() {
  CallContext c;
  c.stack = "s1";
  c.address = Address::Parse("openstack.image.node").value();
  return c;
}

Value Image() {
  return Value::parse(R"({
    "id": "i1", "name": "node", "status": "active", "visibility": "private",
    "min_ram": 0, "min_disk": 0, "size": 10, "checksum": "c", "disk_format": "raw",
    "container_format": "bare", "os_hash_algo": "sha512", "os_hash_value": "h",
    "tags": ["capi", "capstan-stack=s1", "capstan-addr=openstack.image.node"],
    "capstan-stack": "s1", "capstan-addr": "openstack.image.node",
    "os_distro": "ubuntu", "os_glance_import_task": "t", "owner_specified.openstack.sha256": "x",
    "self": "/v2/images/i1", "file": "/v2/images/i1/file", "schema": "/v2/schemas/image"
  })");
}

TEST_CASE("ImageUserProperties keeps only the user's extra properties", "[openstack][image]") {
  CHECK(ImageUserProperties(Image()) == Value{{"os_distro", "ubuntu"}});
  CHECK(ImageOwned(Image(), ImageCtx()));
  Value other = Image();
  other["tags"] = {"capi"};
  other.erase("capstan-addr");
  CHECK_FALSE(ImageOwned(other, ImageCtx()));
}

TEST_CASE("ImageCreateBody carries marks as tags and properties", "[openstack][image]") {
  Value props = {{"name", "node"},
                 {"disk_format", "qcow2"},
                 {"container_format", "bare"},
                 {"visibility", "private"},
                 {"min_disk", 0},
                 {"min_ram", 0},
                 {"properties", {{"os_distro", "ubuntu"}}},
                 {"tags", {"capi"}},
                 {"source_file", "/x"}};
  Value body = ImageCreateBody(props, ImageCtx());
  CHECK(body["os_distro"] == "ubuntu");
  CHECK(body["capstan-stack"] == "s1");
  CHECK(body["capstan-addr"] == "openstack.image.node");
  CHECK(body["tags"] == Value{"capstan-stack=s1", "capstan-addr=openstack.image.node", "capi"});
  CHECK(body["disk_format"] == "qcow2");
  CHECK_FALSE(body.contains("source_file"));
  CHECK_FALSE(body.contains("properties"));
}

TEST_CASE("ImagePatch changes only what differs", "[openstack][image]") {
  Value props = {{"name", "node"},
                 {"visibility", "private"},
                 {"min_disk", 0},
                 {"min_ram", 0},
                 {"properties", {{"os_distro", "ubuntu"}}},
                 {"tags", {"capi"}}};
  CHECK(ImagePatch(Image(), props, ImageCtx()).empty());

  props["min_ram"] = 512;
  props["properties"] = {{"hw_disk_bus", "scsi"}, {"a/b", "1"}};
  props["tags"] = Value::array();
  Value ops = ImagePatch(Image(), props, ImageCtx());
  CHECK(ops.size() == 5);
  auto has = [&](const Value& op) {
    for (const Value& o : ops) {
      if (o == op) return true;
    }
    return false;
  };
  CHECK(has({{"op", "replace"}, {"path", "/min_ram"}, {"value", 512}}));
  CHECK(has({{"op", "remove"}, {"path", "/os_distro"}}));
  CHECK(has({{"op", "add"}, {"path", "/hw_disk_bus"}, {"value", "scsi"}}));
  CHECK(has({{"op", "add"}, {"path", "/a~1b"}, {"value", "1"}}));  // JSON pointer escape.
  CHECK(has({{"op", "replace"},
             {"path", "/tags"},
             {"value", {"capstan-stack=s1", "capstan-addr=openstack.image.node"}}}));

  // Marks someone removed come back.
  Value stripped = Image();
  stripped.erase("capstan-addr");
  props = {{"name", "node"}, {"properties", {{"os_distro", "ubuntu"}}}, {"tags", {"capi"}}};
  ops = ImagePatch(stripped, props, ImageCtx());
  REQUIRE(ops.size() == 1);
  CHECK(ops[0] ==
        Value{{"op", "add"}, {"path", "/capstan-addr"}, {"value", "openstack.image.node"}});
}

TEST_CASE("reserved image fields cannot be properties", "[openstack][image]") {
  CHECK(IsReservedImageField("min_ram"));
  CHECK(IsReservedImageField("capstan-stack"));
  CHECK(IsReservedImageField("os_glance_foo"));
  CHECK_FALSE(IsReservedImageField("os_distro"));
}

TEST_CASE("FileSha256 hashes a file and names a missing one", "[openstack][image]") {
  auto missing = FileSha256("/nonexistent/capstan.raw");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.diags().ToString().find("/nonexistent/capstan.raw") != std::string::npos);
}

}  // namespace
}  // namespace capstan::openstack
