// The storage resource types of the `openstack` provider (Glance images, Cinder volumes).
#include "providers/openstack/image.h"
#include "providers/openstack/types.h"
#include "providers/openstack/volume.h"

namespace capstan::openstack {

void AddStorageTypes(TypeTable& table, Session& session) {
  table["openstack.image"] = NewImageType(session);
  table["openstack.volume"] = NewVolumeType(session);
}

}  // namespace capstan::openstack
