// Resource type schemas: what a type's attributes are and how the engine treats them.
//
/// A provider declares one ResourceSchema per resource type. The engine uses it to
/// validate properties (unknown keys, required keys, types), to fill defaults, to decide
/// between update-in-place and replacement (force_new), to mark values sensitive (never
/// shown, encrypted at rest) and to know which attributes are only known after apply
/// (computed). `controller_owned` lists attributes that something other than capstan
/// changes on its own (CAPI controllers, OCCM): they are never reported as drift.
#pragma once

#include <string>
#include <vector>

#include "engine/diagnostics.h"
#include "engine/value.h"

namespace capstan {

enum class AttrType { kString, kNumber, kBool, kList, kMap, kAny };

/// "string", "number", "bool", "list", "map", "any".
const char* AttrTypeName(AttrType t);

struct AttrSchema {
  std::string name;
  AttrType type = AttrType::kString;
  std::string description;
  bool required = false;   ///< Must be set in properties.
  bool computed = false;   ///< Set by the provider; if not also settable, never in properties.
  bool optional = false;   ///< May be set; with computed: provider fills it when unset.
  bool force_new = false;  ///< A change replaces the object.
  bool sensitive = false;  ///< Never displayed; encrypted in state and plan files.
  Value default_value;     ///< null = no default.
};

struct ResourceSchema {
  std::string type;  ///< "provider.kind"
  std::string description;
  std::vector<AttrSchema> attributes;
  /// Attributes changed by controllers outside capstan; ignored for drift.
  std::vector<std::string> controller_owned;

  const AttrSchema* Find(const std::string& name) const;
  /// True if `name` is an input (required or optional, i.e. may appear in properties).
  bool IsInput(const std::string& name) const;
};

/// Checks `props` (an object, possibly containing unknown values) against the schema:
/// unknown keys (with a "did you mean" hint), missing required keys, type mismatches.
/// Unknown values pass type checks. Diagnostics carry `key` = "properties.<attr>";
/// the caller adds the source location.
Diagnostics ValidateProperties(const ResourceSchema& schema, const Value& props);

/// Returns `props` with schema defaults filled in for unset optional attributes.
Value ApplyDefaults(const ResourceSchema& schema, const Value& props);

}  // namespace capstan
