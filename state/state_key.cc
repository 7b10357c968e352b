// StateKey: key lookup that refuses to invent a key for sealed data (see state_key.h).
#include "state/state_key.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <cstdlib>

namespace capstan {
namespace {

bool Exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace

Result<bool> HasSealedValues(const std::string& db_path) {
  if (!Exists(db_path)) return false;
  sqlite3* db = nullptr;
  // Read-only: this look happens before the store opens (and migrates) the database.
  int rc = sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  auto fail = [&](const std::string& why) {
    Result<bool> r = Result<bool>::Fail(
        "cannot check the state database " + db_path + " for sealed values", why);
    sqlite3_close(db);
    return r;
  };
  if (rc != SQLITE_OK) return fail(db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  sqlite3_busy_timeout(db, 5000);
  bool tables = false;
  {
    sqlite3_stmt* st = nullptr;
    rc = sqlite3_prepare_v2(db,
                            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                            "name IN ('instances', 'outputs')",
                            -1, &st, nullptr);
    if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) tables = sqlite3_column_int(st, 0) == 2;
    rc = sqlite3_finalize(st);
    if (rc != SQLITE_OK) return fail(sqlite3_errmsg(db));
  }
  bool sealed = false;
  if (tables) {
    sqlite3_stmt* st = nullptr;
    rc = sqlite3_prepare_v2(db,
                            "SELECT EXISTS(SELECT 1 FROM instances WHERE secrets IS NOT NULL) OR "
                            "EXISTS(SELECT 1 FROM outputs WHERE secret IS NOT NULL)",
                            -1, &st, nullptr);
    if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) sealed = sqlite3_column_int(st, 0) != 0;
    rc = sqlite3_finalize(st);
    if (rc != SQLITE_OK) return fail(sqlite3_errmsg(db));
  }
  sqlite3_close(db);
  return sealed;
}

Result<SecretBox> StateKey(const std::string& db_path) {
  const std::string key_file = db_path + ".key";
  const char* env = std::getenv("CAPSTAN_STATE_KEY");
  if ((env && *env) || Exists(key_file)) return SecretBox::FromEnvironmentOrFile(key_file);
  auto sealed = HasSealedValues(db_path);
  if (!sealed.ok()) return sealed.diags();
  if (*sealed) {
    return Result<SecretBox>::Fail(
        "the state database " + db_path + " holds encrypted secrets, but its key file " + key_file +
            " is missing and CAPSTAN_STATE_KEY is not set",
        "capstan will not create a new key for a database whose secrets were sealed with "
        "another one. Restore " +
            key_file +
            " from a backup, or set CAPSTAN_STATE_KEY to the key the state was "
            "written with.");
  }
  return SecretBox::FromEnvironmentOrFile(key_file);
}

}  // namespace capstan
