// The pieces openstack.server is built from, shared by its files: the schema, the
// mapping between a Nova server and capstan attributes, the boot request, and the waits.
//
/// server.cc holds the life cycle (adopt, create, update, delete, refresh); this header
/// lets the attribute mapping (server_attrs.cc) and the polling (server_wait.cc) live in
/// files of their own without a class hierarchy.
#pragma once

#include <string>

#include "engine/result.h"
#include "engine/value.h"
#include "providers/openstack/session.h"
#include "providers/provider.h"

namespace capstan::openstack {

ResourceSchema ServerSchema();

/// What capstan knows about a server that Nova does not say back: the flavor and image
/// as the user wrote them and what they resolved to, the user-data digest, the boot
/// volume settings, allow_resize and boot_flavor. Taken from `props` after a create or
/// update, from the prior state on a refresh.
Value ServerCarry(const Value& props, const std::string& flavor_name, const std::string& image_id);

/// Attributes of Nova server `server` (a GET /servers/{id} object) for `ctx`'s address,
/// with `carry` (see ServerCarry, or the prior state) filling what Nova does not return.
Value ServerAttributes(const CallContext& ctx, const Value& server, const Value& carry);

/// The POST /servers body for `props`, with the resolved flavor and image ids.
Value ServerBootBody(const CallContext& ctx, const Value& props, const std::string& flavor_id,
                     const std::string& image_id);

/// Brings `server` to `props` in place (name, metadata and tags with marks, security
/// groups, flavor by resize + confirm) and updates `carry` with what changed.
Status ConvergeServer(Session& session, const CallContext& ctx, const Value& server,
                      const Value& props, Value& carry);

/// GET /servers/{id}: the server object, or null when it is gone (404 or DELETED).
Result<Value> FetchServer(Session& s, const CallContext& ctx, const std::string& id);

/// Polls until the server's status is `target` (ACTIVE, VERIFY_RESIZE); ERROR fails with
/// the server's fault message. Progress: "server ACTIVE: BUILD, 12s".
Status WaitForServerStatus(Session& s, const CallContext& ctx, const std::string& id,
                           const std::string& target, int timeout_seconds = 1800);

/// Polls until the server is gone (404), with progress; ERROR fails with its fault.
Status WaitForServerGone(Session& s, const CallContext& ctx, const std::string& id);

/// "ERROR: <fault.message>" style explanation of a failed server ("" without a fault).
std::string ServerFault(const Value& server);

}  // namespace capstan::openstack
