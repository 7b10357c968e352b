// Ownership marks: how an OpenStack object says "stack S made me for address A".
//
/// The marks are what make create resumable (adopt what a crashed run made instead of
/// making a duplicate), what `destroy` and the tests use to prove nothing is orphaned, and
/// what keeps capstan's hands off objects it did not make. Each API has its own place for
/// them: Neutron, Nova server and Glance tags; Nova/Cinder metadata; a description for
/// objects with neither (security-group rules, application credentials). Tags have length
/// and character limits (Nova: 60 characters, no ',' or '/'), so a long address is marked
/// by a digest instead of its text; both forms are recognised when reading.
#pragma once

#include <string>
#include <vector>

#include "engine/value.h"
#include "providers/provider.h"

namespace capstan::openstack {

/// "capstan-stack=<stack>" and "capstan-addr=<address>", each shortened to
/// "<key>=sha256:<16 hex>" when longer than `max_len` or containing ',' or '/'.
std::vector<std::string> MarkTags(const CallContext& ctx, size_t max_len = 255);

/// True when `tags` (a JSON array of strings) carries both marks of `ctx` (either form).
bool HasMarkTags(const Value& tags, const CallContext& ctx);
/// True when `tags` carries the stack mark of `ctx` (any address).
bool HasStackTag(const Value& tags, const CallContext& ctx);
/// `tags` without any capstan-stack= / capstan-addr= entries (the user's own tags).
Value UserTags(const Value& tags);

/// `tags` sorted when it is a known list of strings (tags are a set: clouds return them in
/// their own order, so both the plan and the read use this order); otherwise unchanged.
Value SortedTags(const Value& tags);

/// {"capstan-stack": stack, "capstan-addr": address} for metadata/properties maps.
Value MarkMetadata(const CallContext& ctx);
/// True when the metadata map carries both marks of `ctx`.
bool HasMarkMetadata(const Value& metadata, const CallContext& ctx);
/// `metadata` without the capstan-* keys.
Value UserMetadata(const Value& metadata);

/// "capstan-stack=<stack> capstan-addr=<address>" for description fields; a user's own
/// description, if any, follows after " | ".
std::string MarkDescription(const CallContext& ctx, const std::string& user_description = {});
bool HasMarkDescription(const std::string& description, const CallContext& ctx);
/// The user's part of a marked description ("" when there is none).
std::string UserDescription(const std::string& description);

}  // namespace capstan::openstack
