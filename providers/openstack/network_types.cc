// The Neutron resource types of the `openstack` provider.
#include "providers/openstack/types.h"

namespace capstan::openstack {

std::unique_ptr<ResourceType> NewNetworkType(Session& s);
std::unique_ptr<ResourceType> NewSubnetType(Session& s);
std::unique_ptr<ResourceType> NewRouterType(Session& s);
std::unique_ptr<ResourceType> NewSecurityGroupType(Session& s);
std::unique_ptr<ResourceType> NewSecurityGroupRuleType(Session& s);
std::unique_ptr<ResourceType> NewPortType(Session& s);
std::unique_ptr<ResourceType> NewFloatingIpType(Session& s);

void AddNetworkTypes(TypeTable& table, Session& session) {
  table["openstack.network"] = NewNetworkType(session);
  table["openstack.subnet"] = NewSubnetType(session);
  table["openstack.router"] = NewRouterType(session);
  table["openstack.security_group"] = NewSecurityGroupType(session);
  table["openstack.security_group_rule"] = NewSecurityGroupRuleType(session);
  table["openstack.port"] = NewPortType(session);
  table["openstack.floating_ip"] = NewFloatingIpType(session);
}

}  // namespace capstan::openstack
