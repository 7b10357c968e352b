// SQLite C API helpers (see sqlite.h).
#include "state/sqlite.h"

#include <sys/statvfs.h>

namespace capstan::sqlite {
namespace {

/// True when the file system holding the database `db` is mounted read-only.
bool OnReadOnlyFileSystem(sqlite3* db) {
  const char* file = sqlite3_db_filename(db, "main");
  if (file == nullptr || *file == '\0') return false;
  std::string dir = file;
  size_t slash = dir.rfind('/');
  dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : dir.substr(0, slash));
  struct statvfs vfs {};
  return ::statvfs(dir.c_str(), &vfs) == 0 && (vfs.f_flag & ST_RDONLY) != 0;
}

}  // namespace

Diagnostic Error(sqlite3* db, const std::string& what) {
  Diagnostic d;
  d.summary = what;
  if (db != nullptr) {
    d.detail = std::string(sqlite3_errmsg(db)) + " (sqlite error " +
               std::to_string(sqlite3_extended_errcode(db)) + ")";
    int code = sqlite3_errcode(db);
    if (code == SQLITE_FULL) d.detail += "\nthe disk (or the database's size limit) is full";
    if (code == SQLITE_READONLY || code == SQLITE_CANTOPEN || code == SQLITE_PERM ||
        code == SQLITE_IOERR) {
      d.detail += OnReadOnlyFileSystem(db)
                      ? "\nthe file system holding the state is mounted read-only; nothing was "
                        "written"
                      : "\ncheck that the state directory and database are writable by this user";
    }
    if (code == SQLITE_BUSY) {
      d.detail += "\nanother capstan process held the database for more than 5 seconds";
    }
  }
  return d;
}

Stmt::~Stmt() {
  if (stmt_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

Stmt& Stmt::Bind(int i, std::string_view text) {
  sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Stmt& Stmt::Bind(int i, int64_t v) {
  sqlite3_bind_int64(stmt_, i, v);
  return *this;
}

Stmt& Stmt::BindNull(int i) {
  sqlite3_bind_null(stmt_, i);
  return *this;
}

Stmt& Stmt::BindOptional(int i, const std::optional<std::string>& text) {
  return text ? Bind(i, *text) : BindNull(i);
}

bool Stmt::Step(Diagnostics* err, const std::string& what) {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) err->Add(Error(db_, what));
  return false;
}

bool Stmt::Run(Diagnostics* err, const std::string& what) {
  int rc;
  while ((rc = sqlite3_step(stmt_)) == SQLITE_ROW) {
  }
  if (rc != SQLITE_DONE) {
    err->Add(Error(db_, what));
    return false;
  }
  return true;
}

std::string Stmt::Text(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  if (p == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(p),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}

Stmt StmtCache::Get(const char* sql, Diagnostics* err) {
  auto it = cache_.find(std::string_view(sql));
  if (it != cache_.end()) return Stmt(db_, it->second);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
    err->Add(Error(db_, std::string("cannot prepare statement: ") + sql));
    return Stmt(db_, nullptr);
  }
  cache_.emplace(sql, stmt);
  return Stmt(db_, stmt);
}

void StmtCache::Clear() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  cache_.clear();
}

bool Exec(sqlite3* db, const std::string& sql, Diagnostics* err, const std::string& what) {
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    err->Add(Error(db, what));
    return false;
  }
  return true;
}

Transaction::Transaction(sqlite3* db, Diagnostics* err, const std::string& what, Mode mode)
    : db_(db), what_(what) {
  active_ = Exec(db, mode == kWrite ? "BEGIN IMMEDIATE" : "BEGIN", err,
                 what + ": cannot begin transaction");
}

Transaction::~Transaction() {
  if (active_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

bool Transaction::Commit(Diagnostics* err) {
  if (!active_) return false;
  if (!Exec(db_, "COMMIT", err, what_ + ": cannot commit")) return false;  // dtor rolls back
  active_ = false;
  return true;
}

}  // namespace capstan::sqlite
