// Thin RAII over the SQLite C API: statements, transactions and error text.
//
/// Private to state/. The store keeps one connection and a cache of prepared statements;
/// Stmt borrows a cached sqlite3_stmt and resets it when it goes out of scope, so no
/// code path can leave a statement half-stepped (which would keep a read transaction
/// open and block WAL checkpoints). Every failure is turned into a Diagnostic that says
/// which operation failed and carries sqlite3_errmsg.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "engine/result.h"

namespace capstan::sqlite {

/// s in double quotes, as stack names appear in the store's error messages.
inline std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

/// "what: errmsg (code)" as an error diagnostic.
Diagnostic Error(sqlite3* db, const std::string& what);

/// A prepared statement borrowed from a StmtCache; reset and unbound on destruction.
class Stmt {
 public:
  Stmt(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt();

  bool valid() const { return stmt_ != nullptr; }

  /// Binds by 1-based index.
  Stmt& Bind(int i, std::string_view text);
  Stmt& Bind(int i, int64_t v);
  Stmt& BindNull(int i);
  Stmt& BindOptional(int i, const std::optional<std::string>& text);

  /// Steps once: true on SQLITE_ROW, false on SQLITE_DONE; on error sets *err.
  bool Step(Diagnostics* err, const std::string& what);
  /// Steps to completion (for INSERT/UPDATE/DELETE).
  bool Run(Diagnostics* err, const std::string& what);

  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  std::string Text(int col) const;
  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

/// Owns the prepared statements of one connection, keyed by their SQL text.
class StmtCache {
 public:
  explicit StmtCache(sqlite3* db) : db_(db) {}
  ~StmtCache() { Clear(); }
  StmtCache(const StmtCache&) = delete;
  StmtCache& operator=(const StmtCache&) = delete;

  /// The cached statement for `sql`, preparing it on first use. On a prepare error
  /// returns an invalid Stmt and adds the error to *err.
  Stmt Get(const char* sql, Diagnostics* err);
  void Clear();

 private:
  sqlite3* db_;
  std::map<std::string, sqlite3_stmt*, std::less<>> cache_;
};

/// Runs one or more statements without results (DDL, PRAGMA, BEGIN/COMMIT).
bool Exec(sqlite3* db, const std::string& sql, Diagnostics* err, const std::string& what);

/// BEGIN IMMEDIATE (or a deferred BEGIN for reads) on construction; ROLLBACK on
/// destruction unless Commit() succeeded.
class Transaction {
 public:
  enum Mode { kWrite, kRead };
  Transaction(sqlite3* db, Diagnostics* err, const std::string& what, Mode mode = kWrite);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  bool active() const { return active_; }
  bool Commit(Diagnostics* err);

 private:
  sqlite3* db_;
  std::string what_;
  bool active_ = false;
};

}  // namespace capstan::sqlite
