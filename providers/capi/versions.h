// Kubernetes versions of a capi.cluster: the patch table, `.x` resolution, upgrade rules.
//
/// The SCS scripts resolved `v1.28.x` to "the newest patch we know has node images" from
/// a table in a shell include, and told users in a comment that only +1 minor upgrades
/// work. Here both are code: the table is data (kVersionTable, documented in
/// docs/providers/capi.md), resolution is a pure function, and the upgrade rule is checked
/// at plan time so a forbidden jump (1.28 -> 1.30, or any downgrade) never reaches the
/// management cluster, where kubeadm would fail halfway through a rollout.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/result.h"

namespace capstan::capi {

struct KubeVersion {
  int major = 0, minor = 0, patch = 0;
  std::string ToString() const;  ///< "v1.30.13"
  auto operator<=>(const KubeVersion&) const = default;
};

/// The newest patch per supported minor (node images exist for these).
const std::vector<KubeVersion>& VersionTable();

/// Parses "v1.30.13" (the "v" is required, as image names and kubeadm expect it).
std::optional<KubeVersion> ParseVersion(const std::string& text);

/// "v1.30.x" -> the table's patch for 1.30; "v1.30.2" -> itself. Errors for malformed
/// text, a missing "v", and `.x` of a minor outside the table (naming the table).
Result<KubeVersion> ResolveVersion(const std::string& text);

/// Empty when `from` -> `to` is allowed (same, a newer patch, or the next minor);
/// otherwise the reason ("a downgrade", "skips 1 minor version").
std::string UpgradeProblem(const KubeVersion& from, const KubeVersion& to);

}  // namespace capstan::capi
