// The storage resource types of the `openstack` provider (being written).
#include "providers/openstack/types.h"

namespace capstan::openstack {

void AddStorageTypes(TypeTable& /*table*/, Session& /*session*/) {}

}  // namespace capstan::openstack
