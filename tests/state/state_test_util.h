// Shared fixtures for the state tests: a scratch directory and sample instances.
#pragma once

#include <sqlite3.h>
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "state/bulk.h"
#include "state/store.h"
#include "tests/temp_dir.h"

namespace capstan::testing {

inline SecretBox TestBox(const std::string& passphrase = "test passphrase") {
  return SecretBox::FromPassphrase(passphrase);
}

inline std::unique_ptr<StateStore> OpenOrDie(const std::string& path, SecretBox box = TestBox()) {
  auto r = StateStore::Open(path, std::move(box));
  INFO(r.diags().ToString());
  REQUIRE(r.ok());
  return std::move(r.value());
}

inline Address Addr(const std::string& text) {
  auto a = Address::Parse(text);
  INFO(text << ": " << a.diags().ToString());
  REQUIRE(a.ok());
  return *a;
}

inline InstanceState MakeInstance(const std::string& address, const std::string& id) {
  InstanceState inst;
  inst.address = Addr(address);
  inst.type = inst.address.type;
  inst.provider = inst.address.Provider();
  inst.id = id;
  inst.attributes = Value{{"id", id}, {"name", address}};
  return inst;
}

inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Runs `sql` on the database file directly (a hand edit, a bad restore, an old schema),
/// bypassing the store; fails the test case with SQLite's message if it does not run.
inline void ExecSql(const std::string& db, const std::string& sql) {
  sqlite3* h = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
  char* msg = nullptr;
  int rc = sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &msg);
  INFO((msg ? msg : ""));
  sqlite3_free(msg);
  sqlite3_close(h);
  REQUIRE(rc == SQLITE_OK);
}

}  // namespace capstan::testing
