// openstack.volume: a Cinder v3 block-storage volume (etcd or image volumes of a cluster).
//
/// Marks live in the volume's metadata (set in the create itself) and are hidden from
/// the user's `metadata` attribute; refresh and adoption list with Cinder's metadata
/// filter. Growing is an in-place `os-extend`; shrinking is impossible in Cinder, so it
/// plans as a replacement through `shrink_count` (see PlanShrinkCount). Creates and
/// deletes wait for the volume, reporting its status; an error state is reported with
/// Cinder's user messages for the volume.
#include "providers/openstack/volume.h"

#include "providers/attr_builder.h"
#include "providers/openstack/attr_norm.h"
#include "providers/openstack/marks.h"

namespace capstan::openstack {
ResourceSchema VolumeSchema() {
  ResourceSchema s;
  s.type = "openstack.volume";
  s.description = "A Cinder block-storage volume.";
  s.attributes = {
      Attr("name", "Name of the volume.").Required(),
      Attr("size", "Size in GiB; growing extends in place, shrinking replaces.", AttrType::kNumber)
          .Required(),
      Attr("volume_type", "Volume type; the cloud's default when unset.")
          .Optional()
          .Computed()
          .ForceNew(),
      Attr("image_id", "Glance image to create it from (makes it bootable).").Optional().ForceNew(),
      Attr("availability_zone", "Availability zone; the cloud picks one when unset.")
          .Optional()
          .Computed()
          .ForceNew(),
      Attr("description", "Free text.").Optional().Default(""),
      Attr("metadata", "Your own metadata (capstan adds its marks as well).", AttrType::kMap)
          .Optional()
          .Default(Value::object()),
      Attr("shrink_count", "Set by capstan: how often size went down (each time replaces).",
           AttrType::kNumber)
          .Optional()
          .Computed()
          .ForceNew(),
      Attr("id", "The volume's UUID.").Computed(),
      Attr("status", "Cinder status (available, in-use, ...).").Computed(),
      Attr("bootable", "True when created from an image.", AttrType::kBool).Computed(),
      Attr("owned", "True while the volume carries capstan's ownership marks.", AttrType::kBool)
          .Computed(),
  };
  return s;
}

/// The metadata filter of a volume list: {"capstan-stack": S} (and the address, if any).
std::string VolumeMetadataQuery(const CallContext& ctx, bool with_address) {
  Value m = MarkMetadata(ctx);
  if (!with_address) m.erase("capstan-addr");
  return "metadata=" + PercentEncode(m.dump());
}

Value VolumeAttributes(const Value& volume, const Value& known, const CallContext& ctx) {
  Value k = known.is_object() ? known : Value::object();
  Value a = Value::object();
  for (const char* f : {"id", "size", "volume_type", "availability_zone", "status"}) {
    a[f] = volume.value(f, Value());
  }
  a["name"] = StrAt(volume, "name");
  a["description"] = StrAt(volume, "description");
  Value meta = volume.value("metadata", Value::object());
  a["metadata"] = UserMetadata(meta);
  a["owned"] = HasMarkMetadata(meta, ctx);
  Value bootable = volume.value("bootable", Value());
  a["bootable"] = bootable == true || bootable == "true";
  std::string image = StrAt(volume.value("volume_image_metadata", Value::object()), "image_id");
  a["image_id"] = image.empty() ? k.value("image_id", Value()) : Value(image);
  a["shrink_count"] = HasValue(k, "shrink_count") ? k["shrink_count"] : Value(0);
  return a;
}

Value PlanShrinkCount(const Value& props, const Value* prior) {
  if (prior == nullptr || !prior->is_object()) return 0;
  Value count = HasValue(*prior, "shrink_count") ? (*prior)["shrink_count"] : Value(0);
  if (!HasValue(props, "size") || IsUnknown(props["size"])) return Unknown();
  const Value& was = prior->value("size", Value());
  if (was.is_number() && props["size"].is_number() &&
      props["size"].get<double>() < was.get<double>()) {
    return count.get<int64_t>() + 1;
  }
  return count;
}

Value VolumeCreateBody(const Value& props, const CallContext& ctx) {
  Value body = {{"name", StrAt(props, "name")},
                {"size", props.value("size", Value())},
                {"description", StrAt(props, "description")}};
  for (const char* k : {"volume_type", "availability_zone"}) {
    if (HasValue(props, k)) body[k] = props[k];
  }
  if (HasValue(props, "image_id")) body["imageRef"] = props["image_id"];
  Value meta = props.value("metadata", Value::object());
  if (!meta.is_object()) meta = Value::object();
  meta.update(MarkMetadata(ctx));
  body["metadata"] = meta;
  return body;
}

}  // namespace capstan::openstack
