// The read-only lookup types of the `openstack` provider: external_network, flavor,
// image_lookup, project.
//
/// Stacks need ids of objects they do not own (the external network, a flavor, an image,
/// their project). These are resource types whose Create only resolves, whose Read
/// resolves again (so a re-pointed name shows as drift) and whose Delete does nothing.
/// Every input forces "replacement", which for a lookup just means resolving anew, so a
/// changed name never keeps the old id. Resolution itself is in lookups.cc.
#include <functional>

#include "providers/attr_builder.h"
#include "providers/openstack/fields.h"
#include "providers/openstack/lookups.h"
#include "providers/openstack/types.h"

namespace capstan::openstack {
namespace {

/// Resolves `props` to the looked-up object's attributes (including "id").
using Resolver = std::function<Result<Value>(Session&, const CallContext&, const Value& props)>;

class LookupType : public ResourceType {
 public:
  LookupType(Session& s, ResourceSchema schema, Resolver resolve)
      : session_(s), schema_(std::move(schema)), resolve_(std::move(resolve)) {}

  const ResourceSchema& schema() const override { return schema_; }

  Result<std::optional<ObjectState>> Read(const CallContext& ctx,
                                          const ObjectState& prior) override {
    auto st = Create(ctx, prior.attributes);
    if (!st.ok()) return st.diags();
    return std::optional<ObjectState>(std::move(*st));
  }

  Result<ObjectState> Create(const CallContext& ctx, const Value& props) override {
    auto attrs = resolve_(session_, ctx, props);
    if (!attrs.ok()) return attrs.diags();
    return ObjectState{Str(*attrs, "id"), *attrs};
  }

  Result<ObjectState> Update(const CallContext& ctx, const ObjectState& /*prior*/,
                             const Value& props) override {
    return Create(ctx, props);
  }

  Status Delete(const CallContext& /*ctx*/, const ObjectState& /*prior*/) override { return {}; }

 private:
  Session& session_;
  ResourceSchema schema_;
  Resolver resolve_;
};

Value Pick(const Value& object, std::initializer_list<const char*> keys) {
  Value out = Value::object();
  for (const char* k : keys) out[k] = object.contains(k) ? object[k] : Value(nullptr);
  return out;
}

std::unique_ptr<ResourceType> ExternalNetwork(Session& s) {
  ResourceSchema sc;
  sc.type = "openstack.external_network";
  sc.description = "Looks up an external (router:external) network; never creates one.";
  sc.attributes = {
      Attr("name", "Name or id; when unset, the only external network.")
          .Optional()
          .Computed()
          .ForceNew(),
      Attr("id", "The network's UUID.").Computed(),
      Attr("subnets", "Ids of its subnets.", AttrType::kList).Computed(),
      Attr("mtu", "Its MTU.", AttrType::kNumber).Computed(),
  };
  return std::make_unique<LookupType>(
      s, sc, [](Session& ss, const CallContext& ctx, const Value& p) -> Result<Value> {
        auto n = FindExternalNetwork(ss, ctx, Str(p, "name"));
        if (!n.ok()) return n;
        Value a = Pick(*n, {"name", "id", "subnets", "mtu"});
        if (!Str(p, "name").empty()) a["name"] = Str(p, "name");  // As written (name or id).
        return a;
      });
}

std::unique_ptr<ResourceType> Flavor(Session& s) {
  ResourceSchema sc;
  sc.type = "openstack.flavor";
  sc.description = "Looks up a Nova flavor by name or id.";
  sc.attributes = {
      Attr("name", "Flavor name or id.").Required().ForceNew(),
      Attr("id", "The flavor's id.").Computed(),
      Attr("flavor_name", "The flavor's name.").Computed(),
      Attr("vcpus", "Virtual CPUs.", AttrType::kNumber).Computed(),
      Attr("ram", "Memory in MiB.", AttrType::kNumber).Computed(),
      Attr("disk", "Root disk in GiB (0: the image's size, boot from volume).", AttrType::kNumber)
          .Computed(),
      Attr("ephemeral", "Ephemeral disk in GiB.", AttrType::kNumber).Computed(),
      Attr("is_public", "Visible to all projects.", AttrType::kBool).Computed(),
  };
  return std::make_unique<LookupType>(
      s, sc, [](Session& ss, const CallContext& ctx, const Value& p) -> Result<Value> {
        auto f = FindFlavor(ss, ctx, Str(p, "name"));
        if (!f.ok()) return f;
        Value a = Pick(*f, {"id", "vcpus", "ram", "disk"});
        a["name"] = Str(p, "name");
        a["flavor_name"] = Str(*f, "name");
        a["ephemeral"] = f->value("OS-FLV-EXT-DATA:ephemeral", 0);
        a["is_public"] = f->value("os-flavor-access:is_public", true);
        return a;
      });
}

std::unique_ptr<ResourceType> ImageLookup(Session& s) {
  ResourceSchema sc;
  sc.type = "openstack.image_lookup";
  sc.description = "Looks up an active Glance image by name or id.";
  sc.attributes = {
      Attr("name", "Image name or id.").Required().ForceNew(),
      Attr("most_recent", "Take the newest when several active images share the name.",
           AttrType::kBool)
          .Optional()
          .Default(false)
          .ForceNew(),
      Attr("id", "The image's UUID.").Computed(),
      Attr("image_name", "The image's name.").Computed(),
      Attr("status", "Glance status (active).").Computed(),
      Attr("created_at", "Creation time (UTC).").Computed(),
      Attr("size", "Size in bytes.", AttrType::kNumber).Computed(),
      Attr("min_disk", "Minimum disk in GiB.", AttrType::kNumber).Computed(),
      Attr("min_ram", "Minimum memory in MiB.", AttrType::kNumber).Computed(),
      Attr("disk_format", "raw, qcow2, ...").Computed(),
      Attr("visibility", "public, private, shared or community.").Computed(),
  };
  return std::make_unique<LookupType>(
      s, sc, [](Session& ss, const CallContext& ctx, const Value& p) -> Result<Value> {
        auto i = FindImage(ss, ctx, Str(p, "name"), p.value("most_recent", false));
        if (!i.ok()) return i;
        Value a = Pick(*i, {"id", "status", "created_at", "size", "min_disk", "min_ram",
                            "disk_format", "visibility"});
        a["name"] = Str(p, "name");
        a["most_recent"] = p.value("most_recent", false);
        a["image_name"] = Str(*i, "name");
        return a;
      });
}

std::unique_ptr<ResourceType> Project(Session& s) {
  ResourceSchema sc;
  sc.type = "openstack.project";
  sc.description = "Looks up a Keystone project; the current token's project by default.";
  sc.attributes = {
      Attr("name", "Name or id; when unset, the project capstan is authenticated to.")
          .Optional()
          .Computed()
          .ForceNew(),
      Attr("id", "The project's id.").Computed(),
      Attr("domain_id", "Its domain.").Computed(),
      Attr("enabled", "Whether it is enabled.", AttrType::kBool).Computed(),
      Attr("description", "Its description.").Computed(),
  };
  return std::make_unique<LookupType>(
      s, sc, [](Session& ss, const CallContext& ctx, const Value& p) -> Result<Value> {
        auto pr = FindProject(ss, ctx, Str(p, "name"));
        if (!pr.ok()) return pr;
        Value a = Pick(*pr, {"name", "id", "domain_id", "enabled", "description"});
        if (!Str(p, "name").empty()) a["name"] = Str(p, "name");  // As written (name or id).
        return a;
      });
}

}  // namespace

void AddLookupTypes(TypeTable& table, Session& session) {
  table["openstack.external_network"] = ExternalNetwork(session);
  table["openstack.flavor"] = Flavor(session);
  table["openstack.image_lookup"] = ImageLookup(session);
  table["openstack.project"] = Project(session);
}

}  // namespace capstan::openstack
