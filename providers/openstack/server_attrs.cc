// openstack.server's schema and its mapping to and from Nova (see server_parts.h).
//
/// The mapping decides what a refresh can see: Nova reports name, flavor (by name since
/// microversion 2.47), image id, key, metadata, tags, security groups, availability
/// zone and server group, so changes to those show as drift. User data, the network
/// list and boot volume settings are not reported back the way they were asked for;
/// they are carried over from state (ServerCarry).
#include <algorithm>
#include <set>

#include "providers/attr_builder.h"
#include "providers/openstack/compute_util.h"
#include "providers/openstack/fields.h"
#include "providers/openstack/marks.h"
#include "providers/openstack/server_parts.h"

namespace capstan::openstack {
namespace {}  // namespace

ResourceSchema ServerSchema() {
  ResourceSchema s;
  s.type = "openstack.server";
  s.description = "A Nova server.";
  s.attributes = {
      Attr("name", "Server name (renaming is an in-place update).").Required(),
      Attr("flavor", "Flavor name or id; a change replaces the server unless allow_resize.")
          .Required(),
      Attr("allow_resize", "Apply a flavor change by resize + confirm instead of replacing.",
           AttrType::kBool)
          .Optional()
          .Default(false),
      Attr("boot_flavor",
           "Set by capstan: the flavor the server must keep when allow_resize is false, so a "
           "flavor change forces replacement. Do not set it.")
          .Optional()
          .Computed()
          .ForceNew(),
      Attr("image", "Image name or id to boot from (also the boot volume's source).")
          .Required()
          .ForceNew(),
      Attr("networks", "NICs: a list of {uuid: <network id>} or {port: <port id>}.",
           AttrType::kList)
          .Optional()
          .Default(Value::array())
          .ForceNew(),
      Attr("security_groups", "Security group names; Nova uses \"default\" when unset.",
           AttrType::kList)
          .Optional()
          .Computed(),
      Attr("server_group_id", "Server group (scheduler hint).").Optional().ForceNew(),
      Attr("key_name", "Nova keypair name.").Optional().ForceNew(),
      Attr("user_data", "cloud-init user data; kept in state as its sha256 digest.")
          .Optional()
          .ForceNew(),
      Attr("metadata", "Metadata map (capstan adds its marks as well).", AttrType::kMap)
          .Optional()
          .Default(Value::object()),
      Attr("tags", "Your own tags (capstan adds its marks as well).", AttrType::kList)
          .Optional()
          .Default(Value::array()),
      Attr("availability_zone", "Availability zone; the scheduler picks one when unset.")
          .Optional()
          .Computed()
          .ForceNew(),
      Attr("config_drive", "Attach a config drive.", AttrType::kBool)
          .Optional()
          .Default(false)
          .ForceNew(),
      Attr("boot_volume_size", "Boot from a new volume of this many GiB made from the image.",
           AttrType::kNumber)
          .Optional()
          .ForceNew(),
      Attr("boot_volume_delete_on_termination", "Delete the boot volume with the server.",
           AttrType::kBool)
          .Optional()
          .Default(true)
          .ForceNew(),
      Attr("id", "The server's UUID.").Computed(),
      Attr("status", "Nova status (ACTIVE, SHUTOFF, ERROR, ...).").Computed(),
      Attr("access_ipv4", "accessIPv4, if set.").Computed(),
      Attr("ip_address", "The first fixed IPv4 address (else any fixed address).").Computed(),
      Attr("addresses", "Nova's addresses map (network name → addresses).", AttrType::kMap)
          .Computed(),
      Attr("host_id", "Opaque id of the compute host (equal ids: same host).").Computed(),
      Attr("flavor_name", "The flavor's name as Nova reports it.").Computed(),
      Attr("image_id", "The image's UUID.").Computed(),
      Attr("owned", "True while the server carries capstan's ownership marks.", AttrType::kBool)
          .Computed(),
  };
  // Nova changes these itself (a floating IP associated elsewhere, a live migration).
  s.controller_owned = {"addresses", "host_id", "status"};
  return s;
}

Value ServerCarry(const Value& props, const std::string& flavor_name, const std::string& image_id) {
  Value c = Value::object();
  for (const char* k : {"flavor", "image", "networks", "boot_volume_size", "security_groups"}) {
    c[k] = props.value(k, Value());
  }
  c["allow_resize"] = props.value("allow_resize", false);
  c["boot_volume_delete_on_termination"] = props.value("boot_volume_delete_on_termination", true);
  c["user_data"] =
      IsSet(props, "user_data") ? Value(UserDataDigest(Str(props, "user_data"))) : Value();
  c["flavor_name"] = flavor_name;
  c["image_id"] = image_id;
  c["boot_flavor"] = props.value("flavor", Value());
  return c;
}

Value ServerAttributes(const CallContext& ctx, const Value& server, const Value& carry) {
  Value a = Value::object();
  a["id"] = Str(server, "id");
  a["name"] = Str(server, "name");
  a["status"] = Str(server, "status");

  std::string fname = Str(server.value("flavor", Value::object()), "original_name");
  bool same_flavor = fname == Str(carry, "flavor_name");
  a["flavor"] = same_flavor ? carry.value("flavor", Value(fname)) : Value(fname);
  a["flavor_name"] = fname;
  a["allow_resize"] = carry.value("allow_resize", false);
  a["boot_flavor"] = carry.value("boot_flavor", a["flavor"]);

  // Booted from a volume, Nova reports image "" and the carried image stays.
  std::string image_id =
      server.contains("image") && server["image"].is_object() ? Str(server["image"], "id") : "";
  bool same_image = image_id.empty() || image_id == Str(carry, "image_id");
  a["image"] = same_image ? carry.value("image", Value(image_id)) : Value(image_id);
  a["image_id"] = image_id.empty() ? carry.value("image_id", Value()) : Value(image_id);

  for (const char* k : {"networks", "user_data", "boot_volume_size"}) {
    a[k] = carry.value(k, Value());
  }
  if (a["networks"].is_null()) a["networks"] = Value::array();
  a["boot_volume_delete_on_termination"] = carry.value("boot_volume_delete_on_termination", true);

  // Nova lists a group per port: deduplicate; keep the configured order when equal.
  std::set<std::string> groups;
  for (const Value& g : server.value("security_groups", Value::array()))
    groups.insert(Str(g, "name"));
  std::vector<std::string> prior = Strings(carry.value("security_groups", Value::array()));
  bool same = std::set<std::string>(prior.begin(), prior.end()) == groups;
  a["security_groups"] =
      same ? Value(prior) : Value(std::vector<std::string>(groups.begin(), groups.end()));

  Value sg = server.value("server_groups", Value::array());
  a["server_group_id"] = sg.is_array() && !sg.empty() ? sg[0] : Value();
  a["key_name"] = server.value("key_name", Value());
  a["metadata"] = UserMetadata(server.value("metadata", Value::object()));
  a["tags"] = UserTags(server.value("tags", Value::array()));
  a["availability_zone"] = server.value("OS-EXT-AZ:availability_zone", Value());
  Value cd = server.value("config_drive", Value());
  a["config_drive"] =
      cd.is_boolean() ? cd : Value(cd.is_string() && Str(server, "config_drive") == "True");
  a["access_ipv4"] = Str(server, "accessIPv4");
  a["addresses"] = server.value("addresses", Value::object());
  a["ip_address"] = FirstFixedIp(a["addresses"]);
  a["host_id"] = Str(server, "hostId");
  a["owned"] = HasMarkMetadata(server.value("metadata", Value::object()), ctx) ||
               HasMarkTags(server.value("tags", Value::array()), ctx);
  return a;
}

Value ServerBootBody(const CallContext& ctx, const Value& props, const std::string& flavor_id,
                     const std::string& image_id) {
  Value s = {{"name", Str(props, "name")}, {"flavorRef", flavor_id}};
  Value nets = props.value("networks", Value::array());
  s["networks"] = nets.is_array() && !nets.empty() ? nets : Value("auto");
  if (IsSet(props, "boot_volume_size")) {
    Value bdm = {{"boot_index", 0},
                 {"uuid", image_id},
                 {"source_type", "image"},
                 {"destination_type", "volume"},
                 {"volume_size", props["boot_volume_size"]},
                 {"delete_on_termination", props.value("boot_volume_delete_on_termination", true)}};
    s["block_device_mapping_v2"] = Value::array({bdm});
  } else {
    s["imageRef"] = image_id;
  }
  if (IsSet(props, "security_groups")) {
    Value groups = Value::array();
    for (const Value& g : props["security_groups"]) groups.push_back({{"name", g}});
    s["security_groups"] = groups;
  }
  if (IsSet(props, "key_name")) s["key_name"] = props["key_name"];
  if (IsSet(props, "user_data")) s["user_data"] = Base64Encode(Str(props, "user_data"));
  Value md = MarkMetadata(ctx);
  const Value user_md = props.value("metadata", Value::object());
  for (const auto& [k, v] : user_md.items()) md[k] = v;
  s["metadata"] = md;
  Value tags = Value::array();
  for (const std::string& t : MarkTags(ctx, 60)) tags.push_back(t);
  for (const Value& t : props.value("tags", Value::array())) tags.push_back(t);
  s["tags"] = tags;
  if (IsSet(props, "availability_zone")) s["availability_zone"] = props["availability_zone"];
  if (props.value("config_drive", false)) s["config_drive"] = true;

  Value body = {{"server", s}};
  if (IsSet(props, "server_group_id")) {
    body["os:scheduler_hints"] = {{"group", props["server_group_id"]}};
  }
  return body;
}

}  // namespace capstan::openstack
