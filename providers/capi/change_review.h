// Plan-time judgement of a capi.cluster update: forbidden version jumps and rolling replacements.
//
/// Both answers come from comparing the objects rendered from the prior attributes with
/// those rendered from the planned ones — pure, so the plan can say before anything
/// happens that "rolling replacement of 3 control-plane / 5 worker machines" follows, or
/// refuse an upgrade kubeadm cannot do (more than one minor version, or a downgrade).
#pragma once

#include <string>

#include "engine/result.h"
#include "engine/value.h"
#include "providers/capi/render.h"

namespace capstan::capi {

/// Machines CAPI will replace one by one.
struct Rollout {
  int control_plane = 0;  ///< 0, or all control-plane machines.
  int workers = 0;        ///< 0, or all worker machines.
};

/// The control plane rolls when the KubeadmControlPlane changes anything but replicas
/// (version, machine template, kubeadm config); workers roll when the MachineDeployment's
/// machine template (version, templates, failure domain) changes.
Rollout PlannedRollout(const RenderedCluster& before, const RenderedCluster& after);

/// "rolling replacement of 3 control-plane / 5 worker machines"; "" when nothing rolls.
std::string RolloutNote(const Rollout& r);

struct Review {
  Diagnostics diags;  ///< A refused version change (key properties.kubernetes_version).
  std::string note;   ///< RolloutNote of the change.
};

/// Reviews the update of `prior` attributes to `planned` ones. Properties that are not
/// known yet, or do not parse (Validate reports those), make an empty review.
Review ReviewUpdate(const Value& prior, const Value& planned);

}  // namespace capstan::capi
