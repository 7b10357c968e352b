// `capstan state check|rekey`: audit the state database, and replace its secret key.
//
/// `check` is what an operator runs after a crash, a restore or a full disk: it never
/// writes (beyond a schema migration on open) and lists every problem at once, exit 0
/// when there is none and 1 otherwise, so it fits a cron job or a CI step. `rekey`
/// replaces the key that seals the secrets (a leaked CAPSTAN_STATE_KEY, a rotation
/// policy) in one transaction, holding every stack's lock so no run writes with the old
/// key meanwhile. Both act on the whole database, not one stack.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <optional>

#include "cli/cmd_state.h"

namespace capstan::cli {
namespace {

struct DbArgs {
  StackOptions stack;
  std::string new_key_file;
  bool json = false;
};

bool FileExists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

bool EnvSet(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0';
}

Status MissingDatabase(const std::string& path) {
  Status st;
  st.Error("No state database at " + path,
           "Pass --state DB, or run the command where .capstan/state.db is.");
  return st;
}

/// The current key: CAPSTAN_STATE_KEY, else the key file. Never creates a key file: a
/// missing key is a finding, not something to paper over with a new random key.
Result<SecretBox> CurrentKey(const std::string& db) {
  const std::string key_file = db + ".key";
  if (EnvSet("CAPSTAN_STATE_KEY") || FileExists(key_file)) {
    return SecretBox::FromEnvironmentOrFile(key_file);
  }
  return Result<SecretBox>::Fail(
      "No state key: CAPSTAN_STATE_KEY is not set and " + key_file + " does not exist",
      "Set CAPSTAN_STATE_KEY to the key the state was written with, or restore the key file.");
}

int RunCheck(const DbArgs& args, Context& ctx) {
  const std::string& db = args.stack.state_path;
  if (!FileExists(db)) return Report(ctx.global, MissingDatabase(db));
  Diagnostics problems;
  auto key = CurrentKey(db);
  // Without a key the rest is still worth checking; a random key makes every sealed
  // value (and the recorded key id) show up as a problem, which is the truth.
  SecretBox box = key ? *key : SecretBox::Random();
  if (!key) problems.Append(key.diags());
  auto store = StateStore::Open(db, box);
  if (!store) return Report(ctx.global, store.diags());
  std::vector<std::string> stacks;
  if (auto s = (*store)->Stacks(); s) {
    stacks = *s;
  } else {
    problems.Append(s.diags());
  }
  problems.Append((*store)->Check());
  const bool ok = !problems.HasErrors();
  if (args.json) {
    std::cout << nlohmann::json{{"ok", ok},
                                {"database", db},
                                {"schema_version", (*store)->SchemaVersion()},
                                {"stacks", stacks},
                                {"problems", DiagnosticsToJson(problems)}}
                     .dump(2)
              << "\n";
    return ok ? kExitOk : kExitError;
  }
  std::cout << "State database " << db << ": schema version " << (*store)->SchemaVersion() << ", "
            << stacks.size() << (stacks.size() == 1 ? " stack" : " stacks") << ".\n";
  if (ok) {
    std::cout << "No problems found: integrity, foreign keys, journal, serials and secrets "
                 "are consistent.\n";
    PrintDiagnostics(ctx.global, problems);  // warnings, if any
    return kExitOk;
  }
  size_t n = 0;
  for (const Diagnostic& d : problems.items()) n += d.severity == Severity::kError ? 1 : 0;
  std::cout << n << (n == 1 ? " problem" : " problems") << " found (details on stderr).\n";
  PrintDiagnostics(ctx.global, problems);
  return kExitError;
}

/// Where the new key comes from, and whether it must replace the default key file.
struct NewKey {
  std::optional<SecretBox> box;
  std::string source;  ///< For the message: "CAPSTAN_NEW_STATE_KEY", a file, "a random key".
};

Result<NewKey> ChooseNewKey(const DbArgs& args, bool old_from_file) {
  NewKey out;
  if (EnvSet("CAPSTAN_NEW_STATE_KEY")) {
    if (!args.new_key_file.empty()) {
      return Result<NewKey>::Fail("Both CAPSTAN_NEW_STATE_KEY and --new-key-file are given",
                                  "Use one of them.");
    }
    out.box = SecretBox::FromPassphrase(std::getenv("CAPSTAN_NEW_STATE_KEY"));
    out.source = "CAPSTAN_NEW_STATE_KEY";
    return out;
  }
  if (!args.new_key_file.empty()) {
    auto box = SecretBox::FromKeyFile(args.new_key_file);  // created if missing
    if (!box) return box.diags();
    out.box = *box;
    out.source = "the key file " + args.new_key_file;
    return out;
  }
  if (!old_from_file) {
    return Result<NewKey>::Fail(
        "No new key: set CAPSTAN_NEW_STATE_KEY or pass --new-key-file FILE",
        "The current key comes from CAPSTAN_STATE_KEY, so capstan cannot store a random new "
        "key for you.");
  }
  out.box = SecretBox::Random();
  out.source = "a new random key";
  return out;
}

int RunRekey(const DbArgs& args, Context& ctx) {
  const std::string& db = args.stack.state_path;
  const std::string key_file = db + ".key";
  if (!FileExists(db)) return Report(ctx.global, MissingDatabase(db));
  const bool old_from_file = !EnvSet("CAPSTAN_STATE_KEY");
  auto old_key = CurrentKey(db);
  if (!old_key) return Report(ctx.global, old_key.diags());
  auto new_key = ChooseNewKey(args, old_from_file);
  if (!new_key) return Report(ctx.global, new_key.diags());
  const SecretBox& fresh = *new_key->box;
  if (fresh.KeyId() == old_key->KeyId()) {
    Diagnostics d;
    d.Error("The new key is the current key", "Nothing to do: choose a different key.");
    return Report(ctx.global, d);
  }
  auto store = StateStore::Open(db, *old_key);
  if (!store) return Report(ctx.global, store.diags());
  auto stacks = (*store)->Stacks();
  if (!stacks) return Report(ctx.global, stacks.diags());

  // Every stack's lock: a run holding one would keep writing with the old key.
  Status st;
  std::vector<LockInfo> locks;
  for (const std::string& stack : *stacks) {
    auto lock = (*store)->Lock(stack, "state rekey", 60);
    if (!lock) {
      st.Append(lock.diags());
      break;
    }
    PrintDiagnostics(ctx.global, lock.diags());
    locks.push_back(*lock);
  }
  int resealed = 0;
  // With the key in the default key file, the new key goes there: written aside first
  // and renamed over the old file only once the database commit succeeded, so no crash
  // leaves a database whose key exists nowhere.
  const std::string staged = key_file + ".new";
  if (!st.HasErrors() && old_from_file) st.Append(fresh.WriteKeyFile(staged));
  if (!st.HasErrors()) {
    auto n = (*store)->Rekey(fresh);
    if (n) {
      resealed = *n;
      if (old_from_file && std::rename(staged.c_str(), key_file.c_str()) != 0) {
        st.Error("The database now uses the new key, but " + staged + " could not be renamed to " +
                     key_file,
                 std::string(std::strerror(errno)) + ". Move it there by hand now.");
      }
    } else {
      st.Append(n.diags());
      if (old_from_file) ::unlink(staged.c_str());
    }
  }
  for (const LockInfo& l : locks) st.Append((*store)->Unlock(l));
  if (st.HasErrors()) return Report(ctx.global, st);
  PrintDiagnostics(ctx.global, st);

  std::string next;
  if (old_from_file) {
    next = key_file + " now holds the new key (back it up).";
  } else if (new_key->source == "CAPSTAN_NEW_STATE_KEY") {
    next = "Set CAPSTAN_STATE_KEY to the value of CAPSTAN_NEW_STATE_KEY from now on.";
  } else {
    next = "Set CAPSTAN_STATE_KEY=$(cat " + args.new_key_file + ") from now on.";
  }
  if (args.json) {
    std::cout
        << nlohmann::json{{"ok", true},        {"database", db},          {"resealed", resealed},
                          {"stacks", *stacks}, {"key_id", fresh.KeyId()}, {"next", next}}
               .dump(2)
        << "\n";
    return kExitOk;
  }
  std::cout << "Re-sealed " << resealed << (resealed == 1 ? " secret" : " secrets") << " in "
            << stacks->size() << (stacks->size() == 1 ? " stack" : " stacks") << " with "
            << new_key->source << " (key id " << fresh.KeyId()
            << "). The old key no longer opens this database, nor plan files saved before.\n"
            << next << "\n";
  return kExitOk;
}

}  // namespace

void AddStateCheckCommands(CLI::App* state, Context& ctx) {
  auto check = std::make_shared<DbArgs>();
  CLI::App* cmd = state->add_subcommand("check", "");
  Describe(cmd,
           "Check the whole state database: SQLite integrity and foreign keys, journal rows "
           "(open ones belong to a recorded run, closed ones have a result), serials against "
           "the history, and every secret opening with the current key. Exit 0 when "
           "consistent, 1 when a problem is found.",
           "  capstan state check\n  capstan state check --json | jq '.problems'");
  cmd->add_option("--state", check->stack.state_path, "State database (default: .capstan/state.db)")
      ->type_name("DB");
  cmd->add_flag("--json", check->json, "Machine-readable output (JSON)");
  cmd->callback([check, &ctx] { ctx.exit_code = RunCheck(*check, ctx); });

  auto rekey = std::make_shared<DbArgs>();
  cmd = state->add_subcommand("rekey", "");
  Describe(cmd,
           "Re-seal every secret of every stack under a new key, in one transaction; the old "
           "key stops working. The new key is CAPSTAN_NEW_STATE_KEY, or --new-key-file FILE "
           "(created with a random key if missing), or — when the current key is the key "
           "file <db>.key — a random key written to that file. Takes every stack's lock.",
           "  CAPSTAN_NEW_STATE_KEY=$(openssl rand -hex 32) capstan state rekey\n"
           "  capstan state rekey   # key file: rotates <db>.key");
  cmd->add_option("--state", rekey->stack.state_path, "State database (default: .capstan/state.db)")
      ->type_name("DB");
  cmd->add_option("--new-key-file", rekey->new_key_file,
                  "Key file with the new key (64 hex characters; created if missing)")
      ->type_name("FILE");
  cmd->add_flag("--json", rekey->json, "Machine-readable output (JSON)");
  cmd->callback([rekey, &ctx] { ctx.exit_code = RunRekey(*rekey, ctx); });
}

}  // namespace capstan::cli
