// Finding existing OpenStack objects by name or id: flavors, images, external networks,
// projects.
//
/// One resolver per kind, shared by the read-only lookup types (openstack.flavor, ...)
/// and by openstack.server, which accepts a flavor or image by name. Every resolver
/// fails the same way when the answer is not exactly one object: the error names what was
/// searched and lists what exists, so a typo is fixed from the message alone.
#pragma once

#include <string>
#include <vector>

#include "engine/result.h"
#include "engine/value.h"
#include "providers/openstack/session.h"
#include "providers/provider.h"

namespace capstan::openstack {

/// The Nova flavor whose id or name is `name_or_id` (the flavor object of GET /flavors/x).
Result<Value> FindFlavor(Session& s, const CallContext& ctx, const std::string& name_or_id);

/// The active Glance image with id or name `name_or_id`; several images sharing the
/// name are an error unless `most_recent` (then the newest by created_at).
Result<Value> FindImage(Session& s, const CallContext& ctx, const std::string& name_or_id,
                        bool most_recent);

/// The router:external network called `name`, or the only one when `name` is empty.
Result<Value> FindExternalNetwork(Session& s, const CallContext& ctx, const std::string& name);

/// The Keystone project called `name` (or with that id), or the token's project when
/// `name` is empty.
Result<Value> FindProject(Session& s, const CallContext& ctx, const std::string& name);

// ---- Pure pieces, unit-tested. ----

/// Exactly one of `matches`, else an error: `what` ("flavor"), `searched` ("named
/// \"m1.huge\""), and the names of `all` objects that exist (key `name_key`).
Result<Value> ExactlyOne(const std::string& what, const std::string& searched,
                         const std::vector<Value>& matches, const std::vector<Value>& all,
                         const std::string& name_key = "name");

/// Among images `matches` (one name), the single one, or the newest by created_at when
/// `most_recent`; otherwise an error listing their ids and creation times.
Result<Value> PickImage(const std::string& name, const std::vector<Value>& matches,
                        bool most_recent);

}  // namespace capstan::openstack
