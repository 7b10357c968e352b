// openstack.application_credential: pieces of the Keystone type that need no cloud.
//
/// The request body and the mapping of Keystone's answer to attributes are pure, so the
/// rules that keep plans stable (roles and access rules in the user's order, expiry in
/// the user's notation, the secret carried over from state) are unit tested
/// (tests/providers/openstack/identity_appcred_test.cc) without a Keystone.
#pragma once

#include <memory>

#include "engine/value.h"
#include "providers/openstack/session.h"
#include "providers/provider.h"
#include "resources/schema.h"

namespace capstan::openstack {

/// The inner POST body ({name, description with marks, roles, ...}) for `props`.
Value AppCredCreateBody(const CallContext& ctx, const Value& props);

/// Attributes from a Keystone application_credential object. `known` holds what capstan
/// already knows (the properties on create, the prior attributes on refresh): the secret
/// comes from there unless the object carries one, and so do the user's spellings of
/// equal values.
Value AppCredAttributes(const Value& object, const Value& known);

/// The schema of openstack.application_credential.
ResourceSchema AppCredSchema();

std::unique_ptr<ResourceType> NewApplicationCredentialType(Session& session);

}  // namespace capstan::openstack
