// StateKey: the key that seals a state database's secrets, found without ever silently
// replacing a lost one.
//
/// SecretBox::FromEnvironmentOrFile creates a random key file when none exists. That is
/// right for a new database, and wrong for one that already holds sealed values: a new
/// key cannot open them, and the first write would leave the database with values under
/// two keys. So the CLI asks here: CAPSTAN_STATE_KEY when set, else `<db>.key` when it
/// exists, else a new key file only if the database has no sealed value yet; otherwise an
/// error naming the database and the key file.
#pragma once

#include <string>

#include "engine/result.h"
#include "state/secret_box.h"

namespace capstan {

/// The key for the database at `db_path` (see the header comment).
Result<SecretBox> StateKey(const std::string& db_path);

/// Whether the database at `db_path` holds at least one sealed value (an instance's
/// secrets or a sensitive output). False for a missing file or a database without the
/// tables; an error when the file exists but cannot be read.
Result<bool> HasSealedValues(const std::string& db_path);

}  // namespace capstan
