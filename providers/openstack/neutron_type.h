// NeutronType: the shared life cycle of every Neutron resource (networks, subnets,
// routers, ports, security groups and rules, floating IPs).
//
/// Neutron's collections all work alike — POST /v2.0/<plural> {<singular>: {...}},
/// GET/PUT/DELETE /v2.0/<plural>/<id>, list filters, tags via /tags — so the protocol,
/// ownership marks, adoption and batched refresh live here once and each resource type
/// only says how its properties map to the API body and back.
///
/// Marks: the description always starts with "capstan-stack=S capstan-addr=A" (set in the
/// same POST that creates the object, so there is no window in which a crash leaves an
/// unmarked object); taggable kinds also get both marks as tags right after, which is
/// what refresh and cleanup filter on. Adoption before a create lists objects with the
/// same name and takes the one carrying this address's marks (never ctx.replacing_id).
///
/// Attributes: `id`, every schema attribute copied from the API field of the same name
/// (override ToAttributes for others), `description`/`tags` without the marks, and
/// `owned` (computed, planned true): false when someone removed the marks, which shows as
/// drift and the next apply restores them.
#pragma once

#include <string>
#include <vector>

#include "providers/openstack/session.h"
#include "providers/provider.h"

namespace capstan::openstack {

struct NeutronKind {
  std::string plural;     ///< URL collection: "networks", "security-group-rules".
  std::string singular;   ///< Body key: "network", "security_group_rule".
  std::string list_key;   ///< List response key: "networks", "security_group_rules".
  bool taggable = true;   ///< Supports /tags (not security-group rules).
  bool updatable = true;  ///< Supports PUT (rules do not: every change replaces).
};

class NeutronType : public ResourceType {
 public:
  NeutronType(Session& session, NeutronKind kind, ResourceSchema schema);

  const ResourceSchema& schema() const override { return schema_; }
  Value PlanAttributes(const Value& props, const ObjectState* prior) const override;
  Result<std::optional<ObjectState>> Read(const CallContext& ctx,
                                          const ObjectState& prior) override;
  std::vector<Result<std::optional<ObjectState>>> ReadMany(
      const CallContext& ctx, const std::vector<ObjectState>& priors) override;
  Result<ObjectState> Create(const CallContext& ctx, const Value& props) override;
  Result<ObjectState> Update(const CallContext& ctx, const ObjectState& prior,
                             const Value& props) override;
  Status Delete(const CallContext& ctx, const ObjectState& prior) override;
  bool SupportsList() const override { return true; }
  Result<std::vector<ObjectState>> List(const CallContext& ctx) override;

 protected:
  /// The inner POST body (no description/tags: the base adds them).
  virtual Result<Value> CreateBody(const CallContext& ctx, const Value& props);
  /// The inner PUT body for a change from `prior` to `props`; empty = nothing to send.
  /// Default: every changed input that is not force_new, description, tags or owned.
  virtual Value UpdateBody(const CallContext& ctx, const Value& prior, const Value& props);
  /// Attributes from an API object (see the header comment for the default).
  virtual Value ToAttributes(const CallContext& ctx, const Value& object);
  /// Query string (without '?') listing adoption candidates; default "name=<name>".
  virtual std::string AdoptQuery(const CallContext& ctx, const Value& props);
  /// Query string listing this stack's objects for refresh/List.
  virtual std::string ListQuery(const CallContext& ctx);
  /// Runs after a create or adoption (router gateway, interfaces). Default: nothing.
  virtual Status AfterCreate(const CallContext& ctx, const Value& object, const Value& props);
  /// Runs after the PUT of an update. Default: nothing.
  virtual Status AfterUpdate(const CallContext& ctx, const Value& object, const Value& prior,
                             const Value& props);
  /// Runs before the DELETE (router interfaces). Default: nothing.
  virtual Status BeforeDelete(const CallContext& ctx, const ObjectState& prior);
  /// False when a candidate carrying this address's marks must not be adopted for
  /// `props` (a security-group rule whose content differs). Default: true.
  virtual bool Adoptable(const CallContext& ctx, const Value& candidate, const Value& props);
  /// Finishes objects just read from the API, once per batch: extra lookups (router
  /// interfaces) and reshaping like shapes[i] — the props on create/update, the prior
  /// attributes on refresh, null on List — so a value equal in meaning to what the user
  /// wrote reads back equal in form (set order, keys the user left out). Default: nothing.
  virtual Status Complete(const CallContext& ctx, const std::vector<ObjectState*>& objects,
                          const std::vector<const Value*>& shapes);

  /// GET /v2.0/<plural>/<id>; nullopt on 404.
  Result<std::optional<Value>> Fetch(const CallContext& ctx, const std::string& id);
  /// Reads back after create/update.
  Result<ObjectState> Reread(const CallContext& ctx, const std::string& id);
  std::string Path(const std::string& id = {}) const;
  bool Owned(const CallContext& ctx, const Value& object) const;

  Session& session_;
  NeutronKind kind_;
  ResourceSchema schema_;

 private:
  /// Complete() for one object.
  Result<ObjectState> Finish(const CallContext& ctx, ObjectState object, const Value& shape);
  Status EnsureTags(const CallContext& ctx, const Value& object, const Value& props);
};

/// `schema` with the attributes every Neutron type shares appended: id, description,
/// tags (when `taggable`), owned.
ResourceSchema WithNeutronCommon(ResourceSchema schema, bool taggable);

}  // namespace capstan::openstack
