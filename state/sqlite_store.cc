// SqliteStore: opening the database, loading a stack, and the instance/output writes.
//
/// Load is one SELECT per table, so a stack of 100,000 instances costs three statements
/// and a JSON parse per row, never a query per row. Every write runs through Mutate,
/// which owns the transaction and the serial/lineage bookkeeping, so no write can forget
/// to bump the serial or leave half its rows behind.
#include "state/sqlite_store.h"

#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string_view>

#include "engine/hash.h"
#include "state/schema.h"

namespace capstan {
namespace {

using sqlite::Quoted;

Result<InstanceStatus> ParseStatus(const std::string& s) {
  if (s == "ok") return InstanceStatus::kOk;
  if (s == "tainted") return InstanceStatus::kTainted;
  if (s == "deposed") return InstanceStatus::kDeposed;
  return Result<InstanceStatus>::Fail("unknown instance status " + Quoted(s));
}

/// mkdir -p with mode 0700 for the directories that do not exist yet.
Status MakeParentDirs(const std::string& path) {
  Status st;
  size_t slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0) return st;
  std::string dir = path.substr(0, slash);
  for (size_t i = 1; i <= dir.size(); ++i) {
    if (i != dir.size() && dir[i] != '/') continue;
    std::string part = dir.substr(0, i);
    if (::mkdir(part.c_str(), 0700) != 0 && errno != EEXIST) {
      st.Error("cannot create state directory " + part, std::strerror(errno));
      return st;
    }
  }
  return st;
}

/// Restores the process umask when the scope ends (umask is per process; Open is
/// called once at start-up, before worker threads exist).
class UmaskGuard {
 public:
  explicit UmaskGuard(mode_t mask) : old_(::umask(mask)) {}
  ~UmaskGuard() { ::umask(old_); }

 private:
  mode_t old_;
};

template <typename T>
bool ParseJson(const std::string& text, const std::string& what, T* out, Diagnostics* err) {
  try {
    *out = Value::parse(text);
    return true;
  } catch (const Value::exception& e) {
    err->Error(what, e.what());
    return false;
  }
}

/// Parses a JSON array of plain strings — what the store writes for sensitive names and
/// dependencies — straight into `out` without building a Value (a plan loads one of
/// each per instance). False, with `out` cleared, when the text needs the full parser:
/// escapes, whitespace, non-ASCII bytes or anything that is not a string.
template <typename Out>
bool ParseStringListFast(std::string_view text, Out* out) {
  out->clear();
  if (text.size() < 2 || text.front() != '[' || text.back() != ']') return false;
  if (text.size() == 2) return true;
  size_t i = 1;
  while (true) {
    if (text[i] != '"') break;
    size_t end = i + 1;
    while (end < text.size() && text[end] != '"' && text[end] != '\\' &&
           static_cast<unsigned char>(text[end]) >= 0x20 &&
           static_cast<unsigned char>(text[end]) < 0x80) {
      ++end;
    }
    if (end + 1 >= text.size() || text[end] != '"') break;
    out->insert(out->end(), std::string(text.substr(i + 1, end - i - 1)));
    i = end + 1;
    if (text[i] == ']') {
      if (i + 1 == text.size()) return true;
      break;
    }
    if (text[i] != ',') break;
    ++i;
  }
  out->clear();
  return false;
}

}  // namespace

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string IsoTime(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Result<std::unique_ptr<StateStore>> StateStore::Open(const std::string& path, SecretBox box) {
  auto r = SqliteStore::OpenSqlite(path, std::move(box));
  if (!r) return r.diags();
  Result<std::unique_ptr<StateStore>> out(std::unique_ptr<StateStore>(std::move(r.value())));
  out.diags().Append(r.diags());
  return out;
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::OpenSqlite(const std::string& path,
                                                             SecretBox box) {
  using R = Result<std::unique_ptr<SqliteStore>>;
  if (Status st = MakeParentDirs(path); st.HasErrors()) return st;
  UmaskGuard umask_guard(077);  // the db, -wal and -shm are created below: 0600
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  Diagnostics err;
  auto fail = [&](const std::string& what) {
    err.Add(sqlite::Error(db, what));
    sqlite3_close(db);
    return R(err);
  };
  const std::string what = "cannot open state database " + path;
  if (rc != SQLITE_OK) return fail(what);
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, 5000);
  if (!sqlite::Exec(db, "PRAGMA foreign_keys = ON", &err, what)) return fail(what);
  {
    sqlite3_stmt* stmt = nullptr;
    std::string mode;
    if (sqlite3_prepare_v2(db, "PRAGMA journal_mode = WAL", -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      mode = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    if (mode != "wal") return fail(what + " (cannot switch to WAL mode)");
  }
  // WAL + synchronous=NORMAL: every commit is in the WAL before COMMIT returns, so a
  // killed process loses nothing; only an OS crash or power loss can drop the last
  // commits (never corrupt the file), and the journal + adoption recover from that too.
  // FULL would fsync every per-node commit and cap apply at a few hundred nodes/s.
  // CAPSTAN_STATE_SYNC=full restores it.
  const char* sync = std::getenv("CAPSTAN_STATE_SYNC");
  std::string pragma = sync && std::string(sync) == "full" ? "PRAGMA synchronous = FULL"
                                                           : "PRAGMA synchronous = NORMAL";
  if (!sqlite::Exec(db, pragma.c_str(), &err, what)) return fail(what);
  auto version = schema::Migrate(db, path);
  if (!version) {
    sqlite3_close(db);
    return version.diags();
  }
  R out(std::unique_ptr<SqliteStore>(new SqliteStore(path, db, std::move(box), *version)));
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::string file = path + suffix;
    struct stat st {};
    if (::stat(file.c_str(), &st) == 0 && (st.st_mode & 077) != 0 &&
        ::chmod(file.c_str(), 0600) != 0) {
      out.diags().Warning("cannot restrict " + file + " to mode 0600", std::strerror(errno));
    }
  }
  return out;
}

SqliteStore::SqliteStore(std::string path, sqlite3* db, SecretBox box, int schema_version)
    : path_(std::move(path)),
      db_(db),
      box_(std::move(box)),
      schema_version_(schema_version),
      stmts_(db),
      queue_([this](const std::vector<CommitRequest*>& batch) { RunBatch(batch); }) {}

SqliteStore::~SqliteStore() {
  queue_.Stop();
  stmts_.Clear();
  sqlite3_close(db_);
}

bool SqliteStore::EnsureStack(const std::string& stack, Diagnostics* err) {
  auto st = stmts_.Get("INSERT OR IGNORE INTO stacks(name) VALUES (?)", err);
  return st.valid() && st.Bind(1, stack).Run(err, "cannot register stack " + Quoted(stack));
}

bool SqliteStore::CheckKey(Diagnostics* err, bool fresh) {
  if (key_verified_ && !fresh) return true;
  auto st = stmts_.Get("SELECT value FROM meta WHERE key = 'key_id'", err);
  if (!st.valid()) return false;
  std::string stored;
  if (st.Step(err, "cannot read the state key id")) stored = st.Text(0);
  if (err->HasErrors()) return false;
  if (stored.empty()) return true;
  if (stored != box_.KeyId()) {
    key_verified_ = false;
    err->Error(
        "state key does not match the key this database was written with; set "
        "CAPSTAN_STATE_KEY or restore " +
            path_ + ".key",
        "database " + path_ + " was written with key id " + stored + ", the current key has id " +
            box_.KeyId());
    return false;
  }
  key_verified_ = true;
  return true;
}

Status SqliteStore::Mutate(const std::string& stack, const std::string& what,
                           const std::function<void(int64_t, Diagnostics*)>& body) {
  Diagnostics err;
  sqlite::Transaction txn(db_, &err, what);
  if (!txn.active()) return err;
  BatchScope rows(this);
  MutateInTransaction(stack, what, body, &err);
  if (!err.HasErrors() && FlushBatchStacks(&err)) txn.Commit(&err);
  return err;
}

void SqliteStore::MutateInTransaction(const std::string& stack, const std::string& what,
                                      const std::function<void(int64_t, Diagnostics*)>& body,
                                      Diagnostics* err) {
  // The row is read by the transaction's first write to the stack and written once, by
  // FlushBatchStacks before the commit (a BatchScope of Mutate's or RunBatch's is open).
  auto it = batch_stacks_->find(stack);
  if (it == batch_stacks_->end()) {
    BatchStack row;
    row.since = batch_write_;
    if (!ReadStackRow(stack, what, &row, err)) return;
    it = batch_stacks_->emplace(stack, std::move(row)).first;
  }
  body(it->second.serial + 1, err);
  if (!err->HasErrors()) ++it->second.serial;
}

bool SqliteStore::ReadStackRow(const std::string& stack, const std::string& what, BatchStack* row,
                               Diagnostics* err) {
  if (!EnsureStack(stack, err)) return false;
  auto st = stmts_.Get("SELECT lineage, serial FROM stacks WHERE name = ?", err);
  if (!st.valid()) return false;
  if (st.Bind(1, stack).Step(err, what)) {
    row->lineage = st.Text(0);
    row->serial = st.Int(1);
  }
  if (err->HasErrors()) return false;
  if (row->lineage.empty()) row->lineage = NewUuid();
  auto key = stmts_.Get("INSERT OR IGNORE INTO meta(key, value) VALUES ('key_id', ?)", err);
  return key.valid() && key.Bind(1, box_.KeyId()).Run(err, what);
}

bool SqliteStore::FlushBatchStacks(Diagnostics* err) {
  for (const auto& [stack, row] : *batch_stacks_) {
    auto st = stmts_.Get("UPDATE stacks SET lineage = ?, serial = ? WHERE name = ?", err);
    if (!st.valid() || !st.Bind(1, row.lineage)
                            .Bind(2, row.serial)
                            .Bind(3, stack)
                            .Run(err, "cannot store the serial of stack " + Quoted(stack))) {
      return false;
    }
  }
  return true;
}

Result<std::vector<std::string>> SqliteStore::Stacks() {
  std::lock_guard lock(mu_);
  Diagnostics err;
  std::vector<std::string> out;
  auto st = stmts_.Get("SELECT name FROM stacks ORDER BY name", &err);
  if (!st.valid()) return err;
  while (st.Step(&err, "cannot list stacks in " + path_)) out.push_back(st.Text(0));
  if (err.HasErrors()) return err;
  return out;
}

Result<StackState> SqliteStore::Load(const std::string& stack) { return Read(stack, true); }

Result<StackState> SqliteStore::LoadHead(const std::string& stack) { return Read(stack, false); }

Result<StackState> SqliteStore::Read(const std::string& stack, bool instances) {
  std::lock_guard lock(mu_);
  Diagnostics err;
  const std::string what = "cannot load stack " + Quoted(stack) + " from " + path_;
  sqlite::Transaction txn(db_, &err, what, sqlite::Transaction::kRead);
  if (!txn.active()) return err;
  StackState out;
  out.stack = stack;
  {
    auto st = stmts_.Get("SELECT lineage, serial FROM stacks WHERE name = ?", &err);
    if (!st.valid()) return err;
    if (st.Bind(1, stack).Step(&err, what)) {
      out.lineage = st.Text(0);
      out.serial = st.Int(1);
    }
    if (err.HasErrors()) return err;
  }
  auto st = stmts_.Get(
      "SELECT address, deposed_key, type, provider, object_id, attributes, sensitive, secrets, "
      "dependencies, status, create_before_destroy, updated_serial "
      "FROM instances WHERE stack = ? ORDER BY address, deposed_key",
      &err);
  if (!st.valid()) return err;
  st.Bind(1, stack);
  while (instances && st.Step(&err, what)) {
    InstanceState inst;
    std::string addr_text = st.Text(0);
    const std::string row = what + ": instance " + addr_text;
    auto addr = Address::Parse(addr_text);
    if (!addr) {
      err.Error(row + " has an unparsable address", addr.diags().ToString());
      break;
    }
    inst.address = std::move(*addr);
    inst.deposed_key = st.Text(1);
    inst.type = st.Text(2);
    inst.provider = st.Text(3);
    inst.id = st.Text(4);
    std::optional<std::string> secrets;
    if (!st.IsNull(7)) secrets = st.Text(7);
    if (secrets && !CheckKey(&err)) break;
    if (!OpenAttributes(row, st.Text(5), secrets, &inst.attributes, &err)) break;
    const std::string sensitive_text = st.Text(6), deps_text = st.Text(8);
    if (!ParseStringListFast(sensitive_text, &inst.sensitive) ||
        !ParseStringListFast(deps_text, &inst.dependencies)) {
      Value sensitive, deps;
      if (!ParseJson(sensitive_text, row + ": bad sensitive list", &sensitive, &err) ||
          !ParseJson(deps_text, row + ": bad dependency list", &deps, &err)) {
        break;
      }
      try {
        inst.sensitive = sensitive.get<std::set<std::string>>();
        inst.dependencies = deps.get<std::vector<std::string>>();
      } catch (const Value::exception& e) {
        err.Error(row + ": malformed sensitive or dependency list", e.what());
        break;
      }
    }
    auto status = ParseStatus(st.Text(9));
    if (!status) {
      err.Append(status.diags());
      break;
    }
    inst.status = *status;
    inst.create_before_destroy = st.Int(10) != 0;
    inst.updated_serial = st.Int(11);
    out.instances.push_back(std::move(inst));
  }
  if (err.HasErrors()) return err;
  auto so = stmts_.Get(
      "SELECT name, value, secret, sensitive FROM outputs WHERE stack = ? ORDER BY name", &err);
  if (!so.valid()) return err;
  so.Bind(1, stack);
  while (so.Step(&err, what)) {
    OutputState o;
    o.name = so.Text(0);
    o.sensitive = so.Int(3) != 0;
    const std::string row = what + ": output " + o.name;
    std::string text = so.Text(1);
    if (!so.IsNull(2)) {
      if (!CheckKey(&err)) break;
      auto plain = box_.Open(so.Text(2));
      if (!plain) {
        err.Error(row + ": " + plain.diags().items().front().summary,
                  plain.diags().items().front().detail);
        break;
      }
      text = std::move(*plain);
    }
    if (!ParseJson(text, row + ": bad JSON", &o.value, &err)) break;
    out.outputs.push_back(std::move(o));
  }
  if (err.HasErrors()) return err;
  txn.Commit(&err);
  if (err.HasErrors()) return err;
  return out;
}

bool SqliteStore::WriteInstance(const std::string& stack, const InstanceState& inst, int64_t serial,
                                Diagnostics* err) {
  const std::string addr = inst.address.ToString();
  SealedAttributes sealed;
  if (!SealAttributes(inst, &sealed, err)) return false;
  Value sensitive(inst.sensitive);
  Value deps(inst.dependencies);
  auto st = stmts_.Get(
      "INSERT OR REPLACE INTO instances(stack, address, deposed_key, type, provider, "
      "object_id, attributes, sensitive, secrets, dependencies, status, "
      "create_before_destroy, updated_serial) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
      err);
  if (!st.valid()) return false;
  st.Bind(1, stack)
      .Bind(2, addr)
      .Bind(3, inst.deposed_key)
      .Bind(4, inst.type.empty() ? inst.address.type : inst.type)
      .Bind(5, inst.provider.empty() ? inst.address.Provider() : inst.provider)
      .Bind(6, inst.id)
      .Bind(7, sealed.plain)
      .Bind(8, sensitive.dump())
      .BindOptional(9, sealed.secrets)
      .Bind(10, deps.dump())
      .Bind(11, InstanceStatusName(inst.status))
      .Bind(12, int64_t{inst.create_before_destroy ? 1 : 0})
      .Bind(13, serial);
  return st.Run(err, "cannot store " + addr + " in stack " + Quoted(stack));
}

bool SqliteStore::DeleteInstance(const std::string& stack, const std::string& address,
                                 const std::string& deposed_key, Diagnostics* err) {
  auto st =
      stmts_.Get("DELETE FROM instances WHERE stack = ? AND address = ? AND deposed_key = ?", err);
  const std::string what = "cannot remove " + address +
                           (deposed_key.empty() ? "" : " (deposed " + deposed_key + ")") +
                           " from stack " + Quoted(stack);
  if (!st.valid() || !st.Bind(1, stack).Bind(2, address).Bind(3, deposed_key).Run(err, what)) {
    return false;
  }
  if (sqlite3_changes(db_) == 0) {
    err->Error(what, "no such instance in state");
    return false;
  }
  return true;
}

Status SqliteStore::PutInstance(const std::string& stack, const InstanceState& inst) {
  std::lock_guard lock(mu_);
  return Mutate(stack, "cannot store " + inst.address.ToString() + " in stack " + Quoted(stack),
                [&](int64_t serial, Diagnostics* err) { WriteInstance(stack, inst, serial, err); });
}

Status SqliteStore::RemoveInstance(const std::string& stack, const Address& addr,
                                   const std::string& deposed_key) {
  std::lock_guard lock(mu_);
  return Mutate(
      stack, "cannot remove " + addr.ToString() + " from stack " + Quoted(stack),
      [&](int64_t, Diagnostics* err) { DeleteInstance(stack, addr.ToString(), deposed_key, err); });
}

Status SqliteStore::SetOutputs(const std::string& stack, const std::vector<OutputState>& outs) {
  std::lock_guard lock(mu_);
  const std::string what = "cannot store the outputs of stack " + Quoted(stack);
  return Mutate(stack, what, [&](int64_t, Diagnostics* err) {
    auto del = stmts_.Get("DELETE FROM outputs WHERE stack = ?", err);
    if (!del.valid() || !del.Bind(1, stack).Run(err, what)) return;
    for (const OutputState& o : outs) {
      std::optional<std::string> value, secret;
      if (o.sensitive) {
        if (!CheckKey(err, /*fresh=*/true)) return;
        secret = box_.Seal(o.value.dump());
      } else {
        value = o.value.dump();
      }
      auto st = stmts_.Get(
          "INSERT INTO outputs(stack, name, value, secret, sensitive) VALUES (?,?,?,?,?)", err);
      if (!st.valid() || !st.Bind(1, stack)
                              .Bind(2, o.name)
                              .BindOptional(3, value)
                              .BindOptional(4, secret)
                              .Bind(5, int64_t{o.sensitive ? 1 : 0})
                              .Run(err, what + ": output " + o.name)) {
        return;
      }
    }
  });
}

}  // namespace capstan
