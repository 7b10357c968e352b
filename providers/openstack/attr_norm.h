// Attribute normalisation shared by the identity and storage types.
//
/// Clouds hand back some values in a form that differs from what the user wrote without
/// meaning anything different: sets returned in another order (Glance tags, Keystone
/// roles), timestamps with another precision or zone ("2030-01-01T00:00:00Z" comes back
/// as "2030-01-01T00:00:00.000000"). Reporting the cloud's form would show a change on
/// every plan, so these helpers keep the user's (prior) form whenever the meaning is the
/// same. Pure functions, pinned by tests/providers/openstack/storage_norm_test.cc.
#pragma once

#include <string>

#include "engine/value.h"

namespace capstan::openstack {

/// `actual` (an array), or `prior` when both hold the same elements in another order.
Value KeepOrderIfSameSet(const Value& actual, const Value& prior);

/// `actual` (an ISO-8601 string or null), or `prior` when both name the same instant.
Value KeepTimestampIfSameInstant(const Value& actual, const Value& prior);

/// The string at `key`, or "" when absent, null or not a string.
std::string StrAt(const Value& object, const std::string& key);

/// True when `object` has `key` with a non-null value.
bool HasValue(const Value& object, const std::string& key);

}  // namespace capstan::openstack
