// The built-in `local` provider: files and commands on the machine running capstan.
//
/// `local.file` writes a file atomically and notices out-of-band edits as drift;
/// `local.command` is the null_resource/local-exec equivalent: shell commands run on
/// create, update, destroy and (optionally) read. See docs/providers/local.md.
#pragma once

#include <memory>

#include "providers/provider.h"

namespace capstan {

std::unique_ptr<Provider> NewLocalProvider();

/// The two resource types, exposed for tests.
std::unique_ptr<ResourceType> NewLocalFileType();
std::unique_ptr<ResourceType> NewLocalCommandType();

}  // namespace capstan
