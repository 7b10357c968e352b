// The `openstack` provider: one Session per configured provider, and its types.
#pragma once

#include <memory>

#include "providers/provider.h"

namespace capstan {

std::unique_ptr<Provider> NewOpenStackProvider();

}  // namespace capstan
