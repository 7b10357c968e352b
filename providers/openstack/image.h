// openstack.image: the Glance v2 type, and the pieces of it that need no cloud.
//
/// Which of an image's fields are the user's own properties, and which JSON-patch
/// operations turn the image into what the configuration says, are pure functions so
/// they are unit tested (tests/providers/openstack/storage_image_test.cc) without Glance.
/// Getting the image data in (a local file, a web-download import, or a download and
/// upload when the cloud cannot import from the URL) lives in image_data.cc.
#pragma once

#include <memory>
#include <string>

#include "engine/result.h"
#include "engine/value.h"
#include "providers/openstack/session.h"
#include "providers/provider.h"

namespace capstan::openstack {

/// The image's extra properties that belong to the user: everything Glance does not
/// define itself, without capstan's marks, Glance's internal os_glance_* keys and the
/// owner_specified.* keys clients add on upload.
Value ImageUserProperties(const Value& image);

/// The JSON-patch operations (application/openstack-images-v2.1-json-patch) that bring
/// `image` to `props`: name, visibility, min_disk, min_ram, the properties (added,
/// replaced, removed), the tags (marks + the user's), and the mark properties. Empty
/// when nothing differs.
Value ImagePatch(const Value& image, const Value& props, const CallContext& ctx);

/// The body of POST /v2/images for `props`, marks included.
Value ImageCreateBody(const Value& props, const CallContext& ctx);

/// True when the image carries this address's marks (tags or properties).
bool ImageOwned(const Value& image, const CallContext& ctx);

/// The sha256 of a local file as hex, or an error naming the path.
Result<std::string> FileSha256(const std::string& path);

/// Puts the image data in: `source_file` (uploaded), or `source_url` (Glance's
/// web-download import when offered and allowed, else downloaded here and uploaded);
/// then waits for `active`. Returns the sha256 of the data when capstan saw it ("" for a
/// web-download import).
Result<std::string> LoadImageData(Session& session, const CallContext& ctx, const std::string& id,
                                  const Value& props);

/// Waits until the image is active; killed or deleted is an error with the status.
Status WaitImageActive(Session& session, const CallContext& ctx, const std::string& id);

/// The schema of openstack.image.
ResourceSchema ImageSchema();

/// True for a field Glance (or capstan's marks) defines, which no user property may use.
bool IsReservedImageField(const std::string& key);

std::unique_ptr<ResourceType> NewImageType(Session& session);

}  // namespace capstan::openstack
