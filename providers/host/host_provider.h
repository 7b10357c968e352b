// The built-in host providers: `host` (host.node) and the tools run on a host.
//
/// One provider class offers every type that runs on a host — host.node, kind.cluster,
/// helm.release and capi.management — and is registered under the names `host`, `kind`
/// and `helm`, so a type's prefix finds it without a `provider:` key. capi.management is
/// also served by the `capi` provider (its prefix), so it needs none either; `provider:
/// host` keeps working, and state written that way stays readable. No
/// configuration. Every instance holds the shared transport pool (connection.h), so ssh
/// control masters and port forwards live exactly as long as a provider does.
#pragma once

#include <memory>
#include <string>

#include "providers/provider.h"

namespace capstan {

std::unique_ptr<Provider> NewHostProvider(const std::string& name);

namespace host {
std::unique_ptr<ResourceType> NewNodeType();
std::unique_ptr<ResourceType> NewKindClusterType();
std::unique_ptr<ResourceType> NewHelmReleaseType();
std::unique_ptr<ResourceType> NewCapiManagementType();
}  // namespace host

}  // namespace capstan
