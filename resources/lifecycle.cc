// Lifecycle helpers.
#include "resources/lifecycle.h"

#include <algorithm>

namespace capstan {

bool Lifecycle::Ignores(const std::string& attr) const {
  return ignore_all_changes ||
         std::find(ignore_changes.begin(), ignore_changes.end(), attr) != ignore_changes.end();
}

}  // namespace capstan
