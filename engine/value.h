// Value: the dynamic value type of properties, attributes, variables and outputs.
//
/// capstan values are JSON values (nlohmann::json: null, bool, number, string, array,
/// object with sorted keys, so every rendering is deterministic). One extra notion rides
/// on top: an *unknown* value — something only known after apply, such as the id of a
/// resource not yet created. It is encoded as the object {"__capstan_unknown__": true}
/// so that it survives JSON round trips (plan files) and nests anywhere. Sensitivity is
/// not part of the value: it is tracked per top-level attribute beside it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace capstan {

using Value = nlohmann::json;

/// The marker for "(known after apply)".
Value Unknown();
/// True when `v` itself is the unknown marker.
bool IsUnknown(const Value& v);
/// True when `v` or anything nested in it is unknown.
bool ContainsUnknown(const Value& v);

/// Compact, deterministic rendering used in plans and messages: strings quoted,
/// unknown shown as "(known after apply)".
std::string RenderValue(const Value& v);

}  // namespace capstan
