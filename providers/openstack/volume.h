// openstack.volume: the Cinder v3 type, and the pieces of it that need no cloud.
//
/// The mapping of Cinder's volume object to attributes (marks hidden from `metadata`,
/// "true"/"false" strings as booleans, null names and descriptions as "") and the rule
/// that makes shrinking plan as a replacement are pure functions, unit tested in
/// tests/providers/openstack/storage_volume_test.cc without Cinder.
#pragma once

#include <memory>
#include <string>

#include "engine/value.h"
#include "providers/openstack/session.h"
#include "providers/provider.h"

namespace capstan::openstack {

/// Attributes from a Cinder volume object; `known` (properties or prior attributes)
/// supplies what Cinder does not report back (image_id when it has no image metadata,
/// shrink_count).
Value VolumeAttributes(const Value& volume, const Value& known, const CallContext& ctx);

/// The planned `shrink_count`: the prior count, plus one when `size` goes below the
/// prior size (Cinder cannot shrink; the changed force_new count plans a replacement).
/// 0 on create; unknown while the size is unknown.
Value PlanShrinkCount(const Value& props, const Value* prior_attributes);

/// The inner POST /volumes body for `props`, marks in the metadata.
Value VolumeCreateBody(const Value& props, const CallContext& ctx);

/// The schema of openstack.volume.
ResourceSchema VolumeSchema();

/// The list query selecting this stack's volumes (and this address's, if `with_address`)
/// by Cinder's metadata filter: metadata={"capstan-stack": ...}.
std::string VolumeMetadataQuery(const CallContext& ctx, bool with_address);

std::unique_ptr<ResourceType> NewVolumeType(Session& session);

}  // namespace capstan::openstack
