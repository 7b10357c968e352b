// The compute (Nova) resource types of the `openstack` provider: keypair, server_group,
// server. Each lives in its own file; this only puts them in the provider's table.
#include "providers/openstack/types.h"

namespace capstan::openstack {

std::unique_ptr<ResourceType> NewKeypairType(Session& s);
std::unique_ptr<ResourceType> NewServerGroupType(Session& s);
std::unique_ptr<ResourceType> NewServerType(Session& s);

void AddComputeTypes(TypeTable& table, Session& session) {
  table["openstack.keypair"] = NewKeypairType(session);
  table["openstack.server_group"] = NewServerGroupType(session);
  table["openstack.server"] = NewServerType(session);
}

}  // namespace capstan::openstack
