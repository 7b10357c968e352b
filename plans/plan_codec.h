// Lossless JSON encoding of a Plan, with a hook for protecting secret values.
//
/// The plan file (plans/plan_file.h) must bring back exactly the plan that was shown —
/// every field, unknown markers included — because apply executes it without
/// re-planning. This codec does the structural part; the caller decides what happens to
/// each sensitive value (the plan file seals it with SecretBox). Unlike PlanToJson it
/// masks nothing, so its output must never be printed.
#pragma once

#include <functional>

#include "engine/result.h"
#include "engine/value.h"
#include "plans/plan.h"

namespace capstan {

/// Called for every sensitive value on the way out; returns what is stored instead.
using ProtectFn = std::function<Value(const Value&)>;
/// Called for every sensitive value on the way in; undoes ProtectFn.
using RevealFn = std::function<Result<Value>(const Value&)>;

Value EncodePlan(const Plan& plan, const ProtectFn& protect);

/// Errors name the offending field; `doc` is never trusted to be well-formed.
Result<Plan> DecodePlan(const Value& doc, const RevealFn& reveal);

}  // namespace capstan
