// Lifecycle settings of a resource: how the engine may change or remove it.
//
/// Evaluated at load time (values may come from variables, unlike Terraform's literal-
/// only rule, terraform#3116). `ignore_changes` names top-level attributes whose
/// differences never cause an update; "all" ignores every attribute after creation.
#pragma once

#include <string>
#include <vector>

namespace capstan {

struct Lifecycle {
  bool prevent_destroy = false;
  bool create_before_destroy = false;
  bool ignore_all_changes = false;
  std::vector<std::string> ignore_changes;

  bool Ignores(const std::string& attr) const;
};

}  // namespace capstan
