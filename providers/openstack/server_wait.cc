// Waiting for Nova servers: boot, resize and delete (see server_parts.h).
//
/// Nova answers a boot or delete at once and does the work in the background, so every
/// server verb ends in a poll. A server that goes to ERROR fails the wait with Nova's
/// fault message (e.g. "No valid host was found"), which is what the user needs to act.
#include "providers/openstack/compute_util.h"
#include "providers/openstack/server_parts.h"
#include "providers/openstack/wait.h"

namespace capstan::openstack {

std::string ServerFault(const Value& server) {
  if (!server.is_object() || !server.contains("fault") || !server["fault"].is_object()) return {};
  const Value& f = server["fault"];
  std::string msg = f.value("message", "");
  std::string details = f.value("details", "");
  if (!details.empty() && details.size() < 300 && details != msg) msg += " (" + details + ")";
  return msg;
}

Result<Value> FetchServer(Session& s, const CallContext& ctx, const std::string& id) {
  ApiCall call = ApiCall::Get("compute", "/servers/" + id);
  call.microversion = kNovaMicroversion;
  call.ok_statuses = {404};
  auto resp = s.Json(call, ctx.cancel);
  if (!resp.ok()) return resp.diags();
  if (!resp->is_object() || !resp->contains("server")) return Value(nullptr);
  Value server = (*resp)["server"];
  if (server.value("status", "") == "DELETED") return Value(nullptr);
  return server;
}

Status WaitForServerStatus(Session& s, const CallContext& ctx, const std::string& id,
                           const std::string& target, int timeout_seconds) {
  WaitSpec spec;
  spec.what = "server " + target;
  spec.timeout_seconds = timeout_seconds;
  spec.max_interval_ms = 3000;
  return WaitUntil(ctx, spec, [&]() -> Result<WaitStep> {
    auto server = FetchServer(s, ctx, id);
    if (!server.ok()) return server.diags();
    if (server->is_null()) {
      return Result<WaitStep>::Fail("server " + id + " disappeared while waiting for " + target);
    }
    std::string status = server->value("status", "");
    if (status == target) return WaitStep{true, status};
    if (status == "ERROR") {
      std::string fault = ServerFault(*server);
      return Result<WaitStep>::Fail(
          "server " + id + " went to ERROR while waiting for " + target,
          fault.empty() ? "Nova gave no fault message." : "Nova says: " + fault);
    }
    std::string task = server->value("OS-EXT-STS:task_state", Value()).is_string()
                           ? server->value("OS-EXT-STS:task_state", "")
                           : "";
    return WaitStep{false, task.empty() ? status : status + " (" + task + ")"};
  });
}

Status WaitForServerGone(Session& s, const CallContext& ctx, const std::string& id) {
  WaitSpec spec;
  spec.what = "server deleted";
  spec.timeout_seconds = 900;
  spec.max_interval_ms = 3000;
  return WaitUntil(ctx, spec, [&]() -> Result<WaitStep> {
    auto server = FetchServer(s, ctx, id);
    if (!server.ok()) return server.diags();
    if (server->is_null()) return WaitStep{true, "gone"};
    std::string status = server->value("status", "");
    // An ERROR server being deleted keeps status ERROR with task_state "deleting";
    // ERROR without a task means the delete itself failed.
    if (status == "ERROR" && !server->value("OS-EXT-STS:task_state", Value()).is_string()) {
      std::string fault = ServerFault(*server);
      return Result<WaitStep>::Fail(
          "server " + id + " went to ERROR while being deleted",
          fault.empty() ? "Nova gave no fault message." : "Nova says: " + fault);
    }
    return WaitStep{false, status};
  });
}

}  // namespace capstan::openstack
