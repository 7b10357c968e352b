// The per-instance plan decision: what must happen to one resource instance.
//
/// The planner evaluates each instance's configuration to planned attributes, refreshes
/// its prior state, and hands both here. DiffInstance is pure (no provider calls, no
/// state access), so every rule of "create, update in place, replace or delete" lives in
/// one testable function:
///
///   - not in state, in config        -> create
///   - in state, not in config        -> delete ("removed from configuration")
///   - a deposed object               -> delete of that object ("deposed object")
///   - tainted                        -> replace ("tainted")
///   - a differing force_new input    -> replace (create first with create_before_destroy)
///   - any other differing input      -> update in place
///   - nothing differs                -> no-op
///
/// Only schema inputs that appear in the planned attributes are compared; computed
/// attributes keep their prior value unless the object is replaced, when they become
/// unknown. Attributes under lifecycle.ignore_changes, and inputs the schema lists as
/// controller_owned, keep their prior value (noted in `ignored` with the reason).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "engine/value.h"
#include "plans/plan.h"
#include "resources/address.h"
#include "resources/lifecycle.h"
#include "resources/schema.h"
#include "state/model.h"

namespace capstan {

struct DiffInput {
  const ResourceSchema* schema = nullptr;  ///< nullptr: every planned key is an input.
  Address address;
  std::string provider;
  const InstanceState* prior = nullptr;  ///< Refreshed state (nullptr: not in state / gone).
  const Value* planned = nullptr;        ///< Planned attributes (nullptr: not in config).
  std::set<std::string> sensitive;       ///< Sensitive attribute names (schema + expressions).
  Lifecycle lifecycle;
  std::vector<std::string> dependencies;  ///< New-config dependencies (addresses).
  /// Optional hand-over of `prior` (the same object): its attributes and dependencies are
  /// moved into the change instead of copied, and must not be read afterwards. The
  /// planner owns the loaded state and uses this, so a large plan does not hold one more
  /// copy of every object's attributes.
  InstanceState* consume_prior = nullptr;
};

/// Takes the input by value: an rvalue's dependencies and sensitive names are moved.
ResourceChange DiffInstance(DiffInput in);

/// The top-level attributes whose values differ between two attribute objects (null or
/// non-object counts as empty), sorted by name. An unknown value in `after` always
/// differs. Used for `ResourceChange::attributes` and drift entries.
std::vector<AttributeChange> DiffAttributes(const Value& before, const Value& after,
                                            const std::set<std::string>& sensitive);

/// True when an output appears, disappears, changes value or is not known yet.
bool IsOutputChanged(const OutputChange& o);

}  // namespace capstan
