// Kubernetes version table, `.x` resolution and the upgrade rule (see versions.h).
#include "providers/capi/versions.h"

namespace capstan::capi {

std::string KubeVersion::ToString() const {
  return "v" + std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

const std::vector<KubeVersion>& VersionTable() {
  /// SCS openstack-kube-versions.inc (HEAD) up to 1.29, then the Cluster Stacks
  /// versions.yaml for 1.30-1.32. Adding a row is the whole of supporting a new minor.
  static const std::vector<KubeVersion> table = {
      {1, 25, 15}, {1, 26, 14}, {1, 27, 12}, {1, 28, 11},
      {1, 29, 3},  {1, 30, 13}, {1, 31, 9},  {1, 32, 5},
  };
  return table;
}

namespace {

/// Parses a non-negative decimal number of at most 4 digits from `s` at `pos`.
bool Number(const std::string& s, size_t& pos, int& out) {
  size_t start = pos;
  out = 0;
  while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9' && pos - start < 4) {
    out = out * 10 + (s[pos] - '0');
    ++pos;
  }
  return pos > start;
}

std::string TableText() {
  std::string t;
  for (const auto& v : VersionTable()) t += (t.empty() ? "" : ", ") + v.ToString();
  return t;
}

}  // namespace

std::optional<KubeVersion> ParseVersion(const std::string& text) {
  KubeVersion v;
  size_t pos = 1;
  if (text.empty() || text[0] != 'v') return std::nullopt;
  if (!Number(text, pos, v.major) || pos >= text.size() || text[pos++] != '.') return std::nullopt;
  if (!Number(text, pos, v.minor) || pos >= text.size() || text[pos++] != '.') return std::nullopt;
  if (!Number(text, pos, v.patch) || pos != text.size()) return std::nullopt;
  return v;
}

Result<KubeVersion> ResolveVersion(const std::string& text) {
  const std::string hint =
      "Write vMAJOR.MINOR.PATCH or vMAJOR.MINOR.x; known: " + TableText() + ".";
  if (text.size() > 2 && text.compare(text.size() - 2, 2, ".x") == 0) {
    auto base = ParseVersion(text.substr(0, text.size() - 2) + ".0");
    if (!base)
      return Result<KubeVersion>::Fail("kubernetes_version \"" + text + "\" is not a version",
                                       hint);
    for (const auto& v : VersionTable()) {
      if (v.major == base->major && v.minor == base->minor) return v;
    }
    return Result<KubeVersion>::Fail(
        "kubernetes_version \"" + text + "\": no known patch release for this minor",
        "The version table covers " + TableText() + "; give a full version to use another.");
  }
  auto v = ParseVersion(text);
  if (!v) {
    std::string extra = !text.empty() && text[0] != 'v' ? " (it needs the leading \"v\")" : "";
    return Result<KubeVersion>::Fail("kubernetes_version \"" + text + "\" is not a version" + extra,
                                     hint);
  }
  return *v;
}

std::string UpgradeProblem(const KubeVersion& from, const KubeVersion& to) {
  if (to < from) return "a downgrade, which kubeadm does not support";
  if (to.major != from.major) return "a change of major version";
  int skipped = to.minor - from.minor - 1;
  if (skipped > 0) {
    return "skips " + std::to_string(skipped) + " minor version" + (skipped > 1 ? "s" : "") +
           "; upgrade one minor version at a time";
  }
  return "";
}

}  // namespace capstan::capi
