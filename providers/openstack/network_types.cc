// The Neutron resource types of the `openstack` provider.
#include "providers/openstack/types.h"

namespace capstan::openstack {

std::unique_ptr<ResourceType> NewNetworkType(Session& s);

void AddNetworkTypes(TypeTable& table, Session& session) {
  table["openstack.network"] = NewNetworkType(session);
}

}  // namespace capstan::openstack
