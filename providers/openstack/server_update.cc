// openstack.server's in-place update: rename, metadata, tags, security groups, resize.
//
/// Used by Update and by adoption (a server an interrupted run booted is brought to the
/// configuration the same way), so it lives apart from the life cycle in server.cc.
#include <algorithm>

#include "providers/openstack/compute_util.h"
#include "providers/openstack/fields.h"
#include "providers/openstack/lookups.h"
#include "providers/openstack/marks.h"
#include "providers/openstack/server_parts.h"

namespace capstan::openstack {
namespace {

Status Action(Session& session, const CallContext& ctx, const std::string& id, const Value& body) {
  ApiCall call = ApiCall::Post("compute", "/servers/" + id + "/action", body);
  call.microversion = kNovaMicroversion;
  call.retry_409 = true;
  auto resp = session.Send(call, ctx.cancel);
  return resp.ok() ? Status() : resp.diags();
}

}  // namespace

Status ConvergeServer(Session& session, const CallContext& ctx, const Value& server,
                      const Value& props, Value& carry) {
  const std::string id = Str(server, "id");
  auto send = [&](ApiCall call) -> Status {
    call.microversion = kNovaMicroversion;
    call.retry_409 = true;
    auto resp = session.Send(call, ctx.cancel);
    return resp.ok() ? Status() : resp.diags();
  };
  Status st;
  if (Str(server, "name") != Str(props, "name")) {
    st = send(ApiCall::Put("compute", "/servers/" + id, {{"server", {{"name", props["name"]}}}}));
    if (st.HasErrors()) return st;
  }
  Value md = MarkMetadata(ctx);
  const Value user_md = props.value("metadata", Value::object());
  for (const auto& [k, v] : user_md.items()) md[k] = v;
  if (server.value("metadata", Value::object()) != md) {
    st = send(ApiCall::Put("compute", "/servers/" + id + "/metadata", {{"metadata", md}}));
    if (st.HasErrors()) return st;
  }
  std::vector<std::string> tags = MarkTags(ctx, 60);
  for (const std::string& t : Strings(props.value("tags", Value::array()))) tags.push_back(t);
  std::vector<std::string> have = Strings(server.value("tags", Value::array()));
  std::sort(tags.begin(), tags.end());
  std::sort(have.begin(), have.end());
  if (tags != have) {
    st = send(ApiCall::Put("compute", "/servers/" + id + "/tags", {{"tags", tags}}));
    if (st.HasErrors()) return st;
  }
  if (IsSet(props, "security_groups")) {
    std::vector<std::string> now;
    for (const Value& g : server.value("security_groups", Value::array())) {
      now.push_back(Str(g, "name"));
    }
    NameDelta delta = Delta(now, Strings(props["security_groups"]));
    for (const std::string& g : delta.add) {
      st = Action(session, ctx, id, {{"addSecurityGroup", {{"name", g}}}});
      if (st.HasErrors()) return st;
    }
    for (const std::string& g : delta.remove) {
      st = Action(session, ctx, id, {{"removeSecurityGroup", {{"name", g}}}});
      if (st.HasErrors()) return st;
    }
    carry["security_groups"] = props["security_groups"];
  }
  // The plan only gets here with a changed flavor when allow_resize (or boot_flavor
  // already equal): resize to it and confirm.
  const std::string want = Str(props, "flavor");
  if (want != Str(carry, "flavor")) {
    auto flavor = FindFlavor(session, ctx, want);
    if (!flavor.ok()) return flavor.diags();
    std::string fname = Str(*flavor, "name");
    if (fname != Str(server.value("flavor", Value::object()), "original_name")) {
      ctx.Progress("resizing server to " + fname);
      st = Action(session, ctx, id, {{"resize", {{"flavorRef", Str(*flavor, "id")}}}});
      if (!st.HasErrors()) st = WaitForServerStatus(session, ctx, id, "VERIFY_RESIZE");
      if (!st.HasErrors()) st = Action(session, ctx, id, {{"confirmResize", nullptr}});
      if (!st.HasErrors()) st = WaitForServerStatus(session, ctx, id, "ACTIVE");
      if (st.HasErrors()) return st;
    }
    carry["flavor"] = want;
    carry["flavor_name"] = fname;
  }
  carry["allow_resize"] = props.value("allow_resize", false);
  if (!IsSet(carry, "boot_flavor")) carry["boot_flavor"] = want;
  return st;
}

}  // namespace capstan::openstack
