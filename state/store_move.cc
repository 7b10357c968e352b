// MoveInstance: `state mv`, renaming an instance without touching the cloud.
//
/// A rename must keep the graph honest: other instances that recorded the old address
/// in their dependencies are rewritten in the same transaction, or a later destroy of an
/// orphan would be ordered against an address that no longer exists.
#include "state/sqlite_store.h"

namespace capstan {

Status SqliteStore::MoveInstance(const std::string& stack, const Address& from, const Address& to) {
  std::lock_guard lock(mu_);
  const std::string src = from.ToString(), dst = to.ToString();
  const std::string what = "cannot move " + src + " to " + dst + " in stack \"" + stack + "\"";
  if (from.type != to.type) {
    Status st;
    st.Error(what, "the resource type differs (" + from.type + " vs " + to.type +
                       "); an object cannot change type, remove and import it instead");
    return st;
  }
  return Mutate(stack, what, [&](int64_t serial, Diagnostics* err) {
    {
      auto st = stmts_.Get("SELECT 1 FROM instances WHERE stack = ? AND address = ? LIMIT 1", err);
      if (!st.valid()) return;
      if (st.Bind(1, stack).Bind(2, dst).Step(err, what)) {
        err->Error(what, dst + " already exists in state");
        return;
      }
      if (err->HasErrors()) return;
    }
    {
      auto st = stmts_.Get(
          "UPDATE instances SET address = ?, updated_serial = ? WHERE stack = ? AND address = ?",
          err);
      if (!st.valid() ||
          !st.Bind(1, dst).Bind(2, serial).Bind(3, stack).Bind(4, src).Run(err, what)) {
        return;
      }
      if (sqlite3_changes(db_) == 0) {
        err->Error(what, src + " is not in state");
        return;
      }
    }
    // Rewrite dependency lists naming `src`. instr() on the JSON text narrows the rows;
    // the parse below decides exactly.
    struct Row {
      std::string address, deposed_key;
      Value deps;
    };
    std::vector<Row> rows;
    {
      auto st = stmts_.Get(
          "SELECT address, deposed_key, dependencies FROM instances "
          "WHERE stack = ? AND instr(dependencies, ?) > 0",
          err);
      if (!st.valid()) return;
      st.Bind(1, stack).Bind(2, Value(src).dump());
      while (st.Step(err, what)) {
        Row r{st.Text(0), st.Text(1), Value()};
        try {
          r.deps = Value::parse(st.Text(2));
        } catch (const Value::exception& e) {
          err->Error(what + ": dependencies of " + r.address + " are not valid JSON", e.what());
          return;
        }
        rows.push_back(std::move(r));
      }
      if (err->HasErrors()) return;
    }
    for (Row& r : rows) {
      if (!r.deps.is_array()) continue;
      for (Value& d : r.deps) {
        if (d == src) d = dst;
      }
      auto st = stmts_.Get(
          "UPDATE instances SET dependencies = ? "
          "WHERE stack = ? AND address = ? AND deposed_key = ?",
          err);
      if (!st.valid() || !st.Bind(1, r.deps.dump())
                              .Bind(2, stack)
                              .Bind(3, r.address)
                              .Bind(4, r.deposed_key)
                              .Run(err, what)) {
        return;
      }
    }
  });
}

}  // namespace capstan
