// The execution graph: the ordered operations apply runs for a list of changes.
//
/// Every ordering decision — replace order, create_before_destroy, destroy order — is
/// taken here, once, at plan time, and written into the plan as ExecNodes with explicit
/// `after` edges (OpenTofu's execution-graph idea). Apply schedules these nodes and never
/// works out an order of its own.
///
/// Nodes per change: create -> kCreate; update -> kUpdate; delete -> kDelete (or
/// kDeleteDeposed for a deposed object); delete-then-create -> kDelete, then kCreate;
/// create-then-delete -> kCreate, then kDeleteDeposed of the old object. No-ops and reads
/// have no node. Ordering edges (dependencies name addresses; one without a node imposes
/// nothing):
///   (a) create/update of X after create/update of every Y in X.dependencies;
///   (b) every delete of Y after every delete of X when Y is in X.prior_dependencies
///       (dependents are destroyed first); this also orders a delete-then-create of Y
///       after the deletion of its replaced or deleted dependents;
///   (c) the deposed delete of a create-then-delete Y after the create/update of every X
///       that depends on Y in the new configuration (they must move to the new object);
///   (d) the delete of a Y that leaves the configuration after the update of every X that
///       depended on it in state (X lets go of Y first).
/// The result is checked for cycles (e.g. a create_before_destroy resource depending on a
/// destroy-then-create one): the error names the operations on the cycle.
#pragma once

#include <string>
#include <vector>

#include "engine/result.h"
#include "plans/plan.h"

namespace capstan {

/// Nodes in a topological order; node ids equal their index; `change` indexes `changes`;
/// every `after` list is sorted and free of duplicates. O(V+E).
Result<std::vector<ExecNode>> BuildExecGraph(const std::vector<ResourceChange>& changes);

/// "create openstack.network.main", "delete openstack.port.p (deposed 1a2b)": the label
/// used in cycle errors, logs and the rendered execution order.
std::string DescribeNode(const ExecNode& node, const std::vector<ResourceChange>& changes);

}  // namespace capstan
