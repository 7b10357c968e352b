// Rolling replacement and version-jump review of a capi.cluster update (see change_review.h).
#include "providers/capi/change_review.h"

namespace capstan::capi {
namespace {

const Value* Find(const RenderedCluster& r, const std::string& kind) {
  for (const Value& o : r.objects) {
    if (o.value("kind", "") == kind) return &o;
  }
  return nullptr;
}

Value KcpWithoutReplicas(const RenderedCluster& r) {
  const Value* kcp = Find(r, "KubeadmControlPlane");
  if (kcp == nullptr) return Value();
  Value spec = (*kcp)["spec"];
  spec.erase("replicas");
  return spec;
}

Value MachineDeploymentTemplate(const RenderedCluster& r) {
  const Value* md = Find(r, "MachineDeployment");
  return md == nullptr ? Value() : (*md)["spec"]["template"];
}

int Count(const RenderedCluster& r, const std::string& kind) {
  const Value* o = Find(r, kind);
  return o == nullptr ? 0 : (*o)["spec"].value("replicas", 0);
}

std::string Machines(int n, const std::string& what) { return std::to_string(n) + " " + what; }

}  // namespace

Rollout PlannedRollout(const RenderedCluster& before, const RenderedCluster& after) {
  Rollout r;
  if (KcpWithoutReplicas(before) != KcpWithoutReplicas(after)) {
    r.control_plane = Count(after, "KubeadmControlPlane");
  }
  if (MachineDeploymentTemplate(before) != MachineDeploymentTemplate(after)) {
    r.workers = Count(after, "MachineDeployment");
  }
  return r;
}

std::string RolloutNote(const Rollout& r) {
  if (r.control_plane == 0 && r.workers == 0) return "";
  std::string parts;
  if (r.control_plane > 0) parts = Machines(r.control_plane, "control-plane");
  if (r.workers > 0) parts += (parts.empty() ? "" : " / ") + Machines(r.workers, "worker");
  int total = r.control_plane + r.workers;
  return "rolling replacement of " + parts + (total == 1 ? " machine" : " machines");
}

Review ReviewUpdate(const Value& prior, const Value& planned) {
  Review review;
  // Judge what is known: a kubeconfig from another resource may be unknown until apply.
  Value known = planned;
  if (known.is_object()) {
    for (auto it = known.begin(); it != known.end();) {
      it = IsUnknown(*it) ? known.erase(it) : std::next(it);
    }
  }
  if (ContainsUnknown(known)) return review;
  auto before = SpecFromProps(prior);
  auto after = SpecFromProps(known);
  if (!before.ok() || !after.ok()) return review;
  std::string problem = UpgradeProblem(before->version, after->version);
  if (!problem.empty()) {
    review.diags
        .Error("capi.cluster " + after->name + ": kubernetes_version " +
                   before->version.ToString() + " -> " + after->version.ToString() +
                   " is refused: " + problem,
               "Kubernetes upgrades go one minor version at a time (kubeadm's skew policy), "
               "and never down. Apply " +
                   before->version.ToString() +
                   " -> the next minor "
                   "first, then the one after.")
        .key = "properties.kubernetes_version";
    return review;
  }
  review.note = RolloutNote(PlannedRollout(Render(*before), Render(*after)));
  return review;
}

}  // namespace capstan::capi
