// JSON forms of schemas, diagnostics and object states.
//
/// The plugin protocol sends schemas, diagnostics and objects over JSON lines, and the
/// CLI's `--json` views and plan files want the same shapes, so the converters live here
/// once. The forms mirror the C++ structs field by field (docs/plugin-protocol.md):
///   attribute: {"name","type","description","required","computed","optional",
///               "force_new","sensitive","default"}  (false/empty fields may be omitted)
///   schema:    {"type","description","attributes":[...],"controller_owned":[...]}
///   diagnostic:{"severity":"error|warning","summary","detail","key","address"}
///   object:    {"id","attributes":{...}}
#pragma once

#include <optional>
#include <string>

#include "engine/result.h"
#include "engine/value.h"
#include "providers/provider.h"
#include "resources/schema.h"

namespace capstan {

/// "string" → kString, ...; nullopt for an unknown name.
std::optional<AttrType> AttrTypeFromName(const std::string& name);

Value AttrSchemaToJson(const AttrSchema& a);
Result<AttrSchema> AttrSchemaFromJson(const Value& j);

Value ResourceSchemaToJson(const ResourceSchema& s);
Result<ResourceSchema> ResourceSchemaFromJson(const Value& j);

Value DiagnosticToJson(const Diagnostic& d);
/// Lenient: missing fields stay empty; a missing summary becomes "(no summary)".
Diagnostic DiagnosticFromJson(const Value& j);
Value DiagnosticsToJson(const Diagnostics& d);
Diagnostics DiagnosticsFromJson(const Value& j);

Value ObjectStateToJson(const ObjectState& o);
Result<ObjectState> ObjectStateFromJson(const Value& j);

}  // namespace capstan
