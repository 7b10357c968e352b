// The OpenStack resource types, grouped by the service that serves them.
//
/// Each group lives in its own files and adds its types to the provider's table through
/// one function, so the provider never needs editing when a type is added.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "providers/openstack/session.h"
#include "providers/provider.h"

namespace capstan::openstack {

using TypeTable = std::map<std::string, std::unique_ptr<ResourceType>>;

/// openstack.network, subnet, router, security_group, security_group_rule, port,
/// floating_ip (Neutron).
void AddNetworkTypes(TypeTable& table, Session& session);
/// openstack.keypair, server_group, server (Nova).
void AddComputeTypes(TypeTable& table, Session& session);
/// openstack.application_credential (Keystone).
void AddIdentityTypes(TypeTable& table, Session& session);
/// openstack.image (Glance) and openstack.volume (Cinder).
void AddStorageTypes(TypeTable& table, Session& session);
/// Read-only lookups: openstack.external_network, flavor, image_lookup, project.
void AddLookupTypes(TypeTable& table, Session& session);

}  // namespace capstan::openstack
