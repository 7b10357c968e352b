// The state database schema and its forward-only migrations.
//
/// Private to state/. The schema version lives in meta('schema_version'). Migrate runs
/// every step newer than the database's version, in order, inside one BEGIN IMMEDIATE
/// transaction, so an interrupted upgrade leaves the old schema intact. A database whose
/// version is newer than kSchemaVersion is refused: an older binary must not write rows
/// it does not understand.
#pragma once

#include <sqlite3.h>

#include "engine/result.h"

namespace capstan::schema {

/// The version this binary writes.
inline constexpr int kSchemaVersion = 3;

/// Brings the database at `db` (described as `path` in messages) up to kSchemaVersion.
/// Returns the resulting version.
Result<int> Migrate(sqlite3* db, const std::string& path);

}  // namespace capstan::schema
