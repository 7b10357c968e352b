// Import: adopt an existing cloud object into state under an address.
#pragma once

#include <string>

#include "engine/ops/workspace.h"
#include "resources/address.h"

namespace capstan {

/// Reads object `id` through the type's provider and stores it at `address`. The address
/// must be declared in the configuration and not already in state.
Result<InstanceState> ImportResource(Workspace& ws, const Address& address, const std::string& id);

}  // namespace capstan
