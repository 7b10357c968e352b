// What a plan says about a k8s.addon before anything is fetched: planned attributes and remarks.
//
/// Pure functions on attribute values, so the plan's promises are unit-tested:
///  - `resolved_version` and `cni` are known at plan time (the catalog and the SCS table
///    are data); `manifest_sha256` is known when every file is pinned (by the `sha256`
///    property or by the prior state), else "known after apply"; `objects` stays as in
///    state while nothing that shapes them changes;
///  - the remark on a replacement from one CNI to another says it is disruptive, and an
///    update names the version change ("calico v3.27.3 -> v3.28.0").
/// A CNI removed from one resource and added in another is two unrelated changes to the
/// engine (ReviewChange sees one instance and its prior), so that case gets no remark.
#pragma once

#include <string>

#include "engine/value.h"

namespace capstan::kube {

/// Completes `planned` (the default PlanAttributes result for `props`) as described.
/// `prior_attrs` is null on create.
Value PlanAddonAttributes(Value planned, const Value& props, const Value* prior_attrs);

/// The remark for an update or replacement from `prior_attrs` to `planned`; "" for none.
std::string AddonChangeNote(const Value& prior_attrs, const Value& planned);

/// `attrs` without the attributes capstan reports (resolved_version, in_sync, cni,
/// objects, manifest_sha256): the inputs ConfigFromProps reads.
Value AddonInputs(const Value& attrs);

}  // namespace capstan::kube
