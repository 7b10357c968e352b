// The identity resource types of the `openstack` provider (Keystone).
#include "providers/openstack/application_credential.h"
#include "providers/openstack/types.h"

namespace capstan::openstack {

void AddIdentityTypes(TypeTable& table, Session& session) {
  table["openstack.application_credential"] = NewApplicationCredentialType(session);
}

}  // namespace capstan::openstack
