// Import: read an existing object and record it in state.
#include "engine/ops/importer.h"

namespace capstan {

Result<InstanceState> ImportResource(Workspace& ws, const Address& address, const std::string& id) {
  const StackConfig* config = ws.config();
  std::string addr = address.ToString();
  int v = config ? config->FindResource(address) : -1;
  if (v < 0) {
    return Result<InstanceState>::Fail(
        "Cannot import to " + addr + ": no such resource in the configuration",
        "Declare the resource in the stack first, then import the existing object into it.");
  }
  const Vertex& vx = config->vertices()[v];
  auto state = ws.state().Load(ws.stack());
  if (!state.ok()) return state.diags();
  if (state->Find(address)) {
    return Result<InstanceState>::Fail(
        addr + " is already managed",
        "Remove it with `capstan state rm " + addr + "` first if you mean to re-import it.");
  }
  auto type = ws.GetType(vx.provider, vx.type);
  if (!type.ok()) return type.diags();
  auto lock = ws.state().Lock(ws.stack(), "import", 60);
  if (!lock.ok()) return lock.diags();
  CallContext ctx;
  ctx.stack = ws.stack();
  ctx.address = address;
  auto obj = type.value()->Import(ctx, id);
  if (!obj.ok()) {
    ws.state().Unlock(lock.value());
    Diagnostics d;
    for (auto item : obj.diags().items()) {
      item.address = addr;
      d.Add(item);
    }
    return d;
  }
  InstanceState inst;
  inst.address = address;
  inst.type = vx.type;
  inst.provider = vx.provider;
  inst.id = obj->id.empty() ? id : obj->id;
  inst.attributes = obj->attributes;
  for (const auto& a : type.value()->schema().attributes) {
    if (a.sensitive) inst.sensitive.insert(a.name);
  }
  auto run = ws.state().BeginRun(ws.stack(), "import");
  Status st = ws.state().PutInstance(ws.stack(), inst);
  if (run.ok()) {
    RunRecord r = run.value();
    r.finished_at = static_cast<int64_t>(std::time(nullptr));
    r.status = st.HasErrors() ? "error" : "ok";
    r.summary = "imported " + addr + " (id " + inst.id + ")";
    ws.state().EndRun(r);
  }
  ws.state().Unlock(lock.value());
  if (st.HasErrors()) return st;
  return inst;
}

}  // namespace capstan
