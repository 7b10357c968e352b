// openstack.image: a Glance v2 image (the node image of a Cluster-API cluster).
//
/// Marks are tags and properties both, set in the POST that creates the (still empty)
/// image, so an image left queued by a crash is adopted and filled on the next run.
/// Metadata changes go through one JSON-patch PATCH; the data and the formats force a
/// replacement. For a local source file the file's sha256 is planned as
/// `source_sha256`, so editing the file shows as a replacement in the plan.
#include "providers/openstack/image.h"

#include <fstream>
#include <iterator>
#include <set>

#include "engine/hash.h"
#include "providers/attr_builder.h"
#include "providers/openstack/attr_norm.h"
#include "providers/openstack/marks.h"

namespace capstan::openstack {
namespace {

/// Fields Glance defines itself (never the user's properties).
const std::set<std::string>& CoreFields() {
  static const std::set<std::string> f = {
      "id",       "name",          "status",           "visibility",  "protected",  "os_hidden",
      "checksum", "os_hash_algo",  "os_hash_value",    "owner",       "size",       "virtual_size",
      "min_ram",  "min_disk",      "container_format", "disk_format", "created_at", "updated_at",
      "tags",     "direct_url",    "locations",        "self",        "file",       "schema",
      "stores",   "capstan-stack", "capstan-addr"};
  return f;
}

/// "/key" as a JSON pointer ('~' and '/' escaped).
std::string Pointer(const std::string& key) {
  std::string p = "/";
  for (char c : key) {
    if (c == '~') {
      p += "~0";
    } else if (c == '/') {
      p += "~1";
    } else {
      p += c;
    }
  }
  return p;
}

Value WantTags(const Value& props, const CallContext& ctx) {
  Value want = Value::array();
  for (const std::string& t : MarkTags(ctx)) want.push_back(t);
  if (HasValue(props, "tags") && props["tags"].is_array()) {
    for (const Value& t : props["tags"]) want.push_back(t);
  }
  return want;
}

}  // namespace

ResourceSchema ImageSchema() {
  ResourceSchema s;
  s.type = "openstack.image";
  s.description = "A Glance image, uploaded from a local file or a URL.";
  s.attributes = {
      Attr("name", "Name of the image.").Required(),
      Attr("disk_format", "raw, qcow2, vmdk, vdi, iso, ploop, vhd, vhdx, aki, ari, ami.")
          .Optional()
          .Default("raw")
          .ForceNew(),
      Attr("container_format", "bare, ovf, ova, docker, aki, ari, ami, compressed.")
          .Optional()
          .Default("bare")
          .ForceNew(),
      Attr("visibility", "private, shared, community or public (admin).")
          .Optional()
          .Default("private"),
      Attr("min_disk", "Minimum disk in GiB to boot it.", AttrType::kNumber).Optional().Default(0),
      Attr("min_ram", "Minimum RAM in MiB to boot it.", AttrType::kNumber).Optional().Default(0),
      Attr("properties", "Extra string properties (os_distro, hw_disk_bus, ...).", AttrType::kMap)
          .Optional()
          .Default(Value::object()),
      Attr("tags", "Your own tags (capstan adds its marks as well).", AttrType::kList)
          .Optional()
          .Default(Value::array()),
      Attr("source_file", "Local file to upload.").Optional().ForceNew(),
      Attr("source_url", "URL to import (web-download) or to download and upload.")
          .Optional()
          .ForceNew(),
      Attr("source_sha256", "sha256 of the data; planned from source_file, checked if set.")
          .Optional()
          .Computed()
          .ForceNew(),
      Attr("id", "The image's UUID.").Computed(),
      Attr("status", "Glance status (active once the data is in).").Computed(),
      Attr("checksum", "MD5 of the data, as Glance reports it.").Computed(),
      Attr("size", "Size of the data in bytes.", AttrType::kNumber).Computed(),
      Attr("owned", "True while the image carries capstan's ownership marks.", AttrType::kBool)
          .Computed(),
  };
  return s;
}

bool IsReservedImageField(const std::string& key) {
  return CoreFields().count(key) > 0 || key.rfind("os_glance_", 0) == 0;
}

Value ImageUserProperties(const Value& image) {
  Value out = Value::object();
  if (!image.is_object()) return out;
  for (const auto& [k, v] : image.items()) {
    if (IsReservedImageField(k) || k.rfind("owner_specified.", 0) == 0) {
      continue;
    }
    out[k] = v;
  }
  return out;
}

bool ImageOwned(const Value& image, const CallContext& ctx) {
  return HasMarkTags(image.value("tags", Value::array()), ctx) || HasMarkMetadata(image, ctx);
}

Value ImageCreateBody(const Value& props, const CallContext& ctx) {
  Value body = Value::object();
  if (HasValue(props, "properties") && props["properties"].is_object()) {
    for (const auto& [k, v] : props["properties"].items()) body[k] = v;
  }
  for (const char* k :
       {"name", "disk_format", "container_format", "visibility", "min_disk", "min_ram"}) {
    if (HasValue(props, k)) body[k] = props[k];
  }
  body["tags"] = WantTags(props, ctx);
  body.update(MarkMetadata(ctx));
  return body;
}

Value ImagePatch(const Value& image, const Value& props, const CallContext& ctx) {
  Value ops = Value::array();
  auto set = [&](const std::string& key, const Value& want) {
    if (!image.contains(key)) {
      ops.push_back({{"op", "add"}, {"path", Pointer(key)}, {"value", want}});
    } else if (image[key] != want) {
      ops.push_back({{"op", "replace"}, {"path", Pointer(key)}, {"value", want}});
    }
  };
  for (const char* k : {"name", "visibility", "min_disk", "min_ram"}) {
    if (HasValue(props, k)) set(k, props[k]);
  }
  Value want_props = props.value("properties", Value::object());
  if (!want_props.is_object()) want_props = Value::object();
  const Value have_props = ImageUserProperties(image);
  for (const auto& [k, v] : have_props.items()) {
    if (!want_props.contains(k)) ops.push_back({{"op", "remove"}, {"path", Pointer(k)}});
  }
  for (const auto& [k, v] : want_props.items()) set(k, v);
  const Value marks = MarkMetadata(ctx);
  for (const auto& [k, v] : marks.items()) set(k, v);
  Value want_tags = WantTags(props, ctx);
  if (KeepOrderIfSameSet(image.value("tags", Value::array()), want_tags) != want_tags) {
    ops.push_back({{"op", "replace"}, {"path", "/tags"}, {"value", want_tags}});
  }
  return ops;
}

Result<std::string> FileSha256(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Result<std::string>::Fail("cannot read image file " + path);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return Sha256Hex(data);
}

}  // namespace capstan::openstack
