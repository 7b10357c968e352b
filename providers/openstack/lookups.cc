// Resolving flavors, images, external networks and projects (see lookups.h).
#include "providers/openstack/lookups.h"

#include <algorithm>
#include <cctype>

#include "providers/openstack/fields.h"

namespace capstan::openstack {
namespace {

/// GET that maps 404 to null instead of an error.
Result<Value> GetOrNull(Session& s, const CallContext& ctx, ApiCall call) {
  call.ok_statuses = {404};
  auto r = s.Json(call, ctx.cancel);
  if (!r.ok()) return r.diags();
  return *r;
}

bool LooksLikeUuid(const std::string& s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

std::vector<Value> Named(const std::vector<Value>& all, const std::string& name) {
  std::vector<Value> out;
  for (const Value& v : all) {
    if (Str(v, "name") == name) out.push_back(v);
  }
  return out;
}

}  // namespace

Result<Value> ExactlyOne(const std::string& what, const std::string& searched,
                         const std::vector<Value>& matches, const std::vector<Value>& all,
                         const std::string& name_key) {
  if (matches.size() == 1) return matches[0];
  if (matches.empty()) {
    std::vector<std::string> names;
    for (const Value& v : all) names.push_back(Str(v, name_key));
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    std::string list;
    for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
    return Result<Value>::Fail("no " + what + " " + searched,
                               names.empty() ? "There is none at all." : "Existing: " + list + ".");
  }
  std::string ids;
  for (const Value& v : matches) ids += (ids.empty() ? "" : ", ") + Str(v, "id");
  return Result<Value>::Fail(std::to_string(matches.size()) + " " + what + "s " + searched,
                             "Their ids: " + ids + ". Use an id to say which one.");
}

Result<Value> PickImage(const std::string& name, const std::vector<Value>& matches,
                        bool most_recent) {
  if (matches.size() <= 1 || !most_recent) {
    if (matches.size() > 1) {
      std::string ids;
      for (const Value& v : matches) {
        ids += (ids.empty() ? "" : ", ") + Str(v, "id") + " (created " + Str(v, "created_at") + ")";
      }
      return Result<Value>::Fail(
          std::to_string(matches.size()) + " active images named \"" + name + "\"",
          "Their ids: " + ids + ". Set most_recent: true to take the newest, or use an id.");
    }
    return ExactlyOne("active image", "named \"" + name + "\"", matches, {});
  }
  // ISO-8601 UTC timestamps of one format compare correctly as strings.
  return *std::max_element(matches.begin(), matches.end(), [](const Value& a, const Value& b) {
    return Str(a, "created_at") < Str(b, "created_at");
  });
}

Result<Value> FindFlavor(Session& s, const CallContext& ctx, const std::string& name_or_id) {
  auto byid = GetOrNull(s, ctx, ApiCall::Get("compute", "/flavors/" + PercentEncode(name_or_id)));
  if (!byid.ok()) return byid.diags();
  if (byid->is_object() && byid->contains("flavor")) return (*byid)["flavor"];
  auto all =
      s.List(ApiCall::Get("compute", "/flavors/detail?is_public=None"), "flavors", ctx.cancel);
  if (!all.ok()) return all.diags();
  return ExactlyOne("flavor", "with name or id \"" + name_or_id + "\"", Named(*all, name_or_id),
                    *all);
}

Result<Value> FindImage(Session& s, const CallContext& ctx, const std::string& name_or_id,
                        bool most_recent) {
  if (LooksLikeUuid(name_or_id)) {
    auto byid = GetOrNull(s, ctx, ApiCall::Get("image", "/v2/images/" + name_or_id));
    if (!byid.ok()) return byid.diags();
    if (byid->is_object() && byid->contains("id")) return *byid;
  }
  auto named =
      s.List(ApiCall::Get("image", "/v2/images?status=active&name=" + PercentEncode(name_or_id)),
             "images", ctx.cancel);
  if (!named.ok()) return named.diags();
  if (named->empty()) {
    auto all = s.List(ApiCall::Get("image", "/v2/images?status=active"), "images", ctx.cancel);
    if (!all.ok()) return all.diags();
    return ExactlyOne("active image", "with name or id \"" + name_or_id + "\"", {}, *all);
  }
  return PickImage(name_or_id, *named, most_recent);
}

Result<Value> FindExternalNetwork(Session& s, const CallContext& ctx, const std::string& name) {
  auto all = s.List(ApiCall::Get("network", "/v2.0/networks?router:external=true"), "networks",
                    ctx.cancel);
  if (!all.ok()) return all.diags();
  if (name.empty()) return ExactlyOne("external network", "(router:external)", *all, *all);
  std::vector<Value> matches = Named(*all, name);
  for (const Value& n : *all) {
    if (Str(n, "id") == name) matches = {n};
  }
  return ExactlyOne("external network", "named \"" + name + "\"", matches, *all);
}

Result<Value> FindProject(Session& s, const CallContext& ctx, const std::string& name) {
  auto token = s.CurrentToken(ctx.cancel);
  if (!token.ok()) return token.diags();
  std::string want = name.empty() ? token->project_id : name;
  // The projects this user may use: readable by members, unlike GET /v3/projects.
  auto mine = s.List(ApiCall::Get("identity", "/auth/projects"), "projects", ctx.cancel);
  if (!mine.ok()) return mine.diags();
  std::vector<Value> matches;
  for (const Value& p : *mine) {
    if (Str(p, "id") == want || (!name.empty() && Str(p, "name") == name)) matches.push_back(p);
  }
  if (matches.empty() && !name.empty()) {
    // Administrators may name projects they are not a member of.
    ApiCall call = ApiCall::Get("identity", "/projects?name=" + PercentEncode(name));
    call.ok_statuses = {403};
    auto admin = s.Json(call, ctx.cancel);
    if (admin.ok() && admin->is_object() && (*admin)["projects"].is_array()) {
      for (const Value& p : (*admin)["projects"]) matches.push_back(p);
    }
  }
  return ExactlyOne("project",
                    name.empty() ? "for the token's project id " + want
                                 : "named \"" + name + "\" that this user can see",
                    matches, *mine);
}

}  // namespace capstan::openstack
