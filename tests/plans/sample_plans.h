// Hand-built plans shared by the rendering, JSON and plan-file tests.
//
/// Built directly (not through the planner) so that each test pins exactly one layer.
/// The secret "s3cr3t-marker-xyz" appears in sensitive places only: any test that finds
/// it in rendered output or file bytes has found a leak.
#pragma once

#include <string>

#include "plans/diff.h"
#include "plans/exec_graph.h"
#include "plans/plan.h"

namespace capstan::testing {

inline constexpr const char* kSecret = "s3cr3t-marker-xyz";

inline ResourceChange MakeChange(const std::string& addr, Action action, Value before,
                                 Value after) {
  ResourceChange c;
  c.address = Address::Parse(addr).value();
  c.type = c.address.type;
  c.provider = c.address.Provider();
  c.action = action;
  c.before = std::move(before);
  c.after = std::move(after);
  return c;
}

inline void Finish(ResourceChange& c) {
  c.attributes = DiffAttributes(c.before, c.after, c.sensitive);
  for (AttributeChange& a : c.attributes) {
    for (const std::string& r : c.replace_because) a.forces_replacement |= a.path == r;
  }
}

/// Every kind of change: create, replace (both orders), update, destroy, secrets,
/// unknown values, outputs and drift.
inline Plan FullPlan() {
  Plan p;
  p.capstan_version = "0.1.0";
  p.stack = "demo";
  p.lineage = "8d5b0c1e-0000-4000-8000-000000000001";
  p.serial = 7;
  p.config_hash = "abc123";
  p.variables = {{"cidr", "10.0.1.0/24"}, {"os_password", kSecret}};
  p.sensitive_variables = {"os_password"};
  p.targets = {"openstack.network.main"};

  ResourceChange cred = MakeChange(
      "openstack.application_credential.capi", Action::kCreate, Value(),
      {{"name", "capi"}, {"id", Unknown()}, {"secret", Unknown()}, {"roles", {"member"}}});
  cred.sensitive = {"secret"};
  Finish(cred);

  ResourceChange net =
      MakeChange("openstack.network.main", Action::kUpdate,
                 {{"id", "net-1"}, {"name", "main"}, {"mtu", 1500}, {"admin_state_up", true}},
                 {{"id", "net-1"}, {"name", "main-net"}, {"mtu", 1500}, {"admin_state_up", true}});
  net.id = "net-1";
  net.ignored = {"tags (lifecycle.ignore_changes)"};
  Finish(net);

  ResourceChange sub = MakeChange("openstack.subnet.main", Action::kDeleteThenCreate,
                                  {{"id", "sub-1"},
                                   {"cidr", "10.0.0.0/24"},
                                   {"network_id", "net-1"},
                                   {"name", "main"},
                                   {"ip_version", 4},
                                   {"enable_dhcp", true}},
                                  {{"id", Unknown()},
                                   {"cidr", "10.0.1.0/24"},
                                   {"network_id", "net-1"},
                                   {"name", "main"},
                                   {"ip_version", 4},
                                   {"enable_dhcp", true}});
  sub.id = "sub-1";
  sub.replace_because = {"cidr"};
  sub.dependencies = {"openstack.network.main"};
  sub.prior_dependencies = {"openstack.network.main"};
  Finish(sub);

  ResourceChange user = MakeChange(
      "module.cluster[\"prod\"].openstack.server.mgmt", Action::kCreateThenDelete,
      {{"id", "srv-1"}, {"name", "mgmt"}, {"admin_pass", kSecret}, {"flavor", "SCS-2V-4"}},
      {{"id", Unknown()}, {"name", "mgmt"}, {"admin_pass", kSecret}, {"flavor", "SCS-2V-4"}});
  user.id = "srv-1";
  user.sensitive = {"admin_pass"};
  user.reason = "tainted";
  user.create_before_destroy = true;
  Finish(user);

  ResourceChange vol =
      MakeChange("openstack.volume.old", Action::kDelete, {{"id", "vol-9"}, {"size", 10}}, Value());
  vol.id = "vol-9";
  vol.reason = "removed from configuration";
  Finish(vol);

  ResourceChange keep = MakeChange("openstack.keypair.admin", Action::kNoOp, {{"name", "admin"}},
                                   {{"name", "admin"}});

  p.changes = {user, cred, keep, net, sub, vol};
  p.exec = BuildExecGraph(p.changes).value();
  p.outputs = {
      {.name = "kubeconfig", .before = Value(), .after = kSecret, .sensitive = true},
      {.name = "mgmt_ip", .before = "10.0.0.5", .after = Unknown()},
      {.name = "network_id", .before = "net-1", .after = "net-1"},
      {.name = "old", .before = "x", .after = Value(), .removed = true},
  };
  DriftEntry d;
  d.address = Address::Parse("openstack.network.main").value();
  d.type = "openstack.network";
  d.attributes = {{.path = "description", .before = "", .after = "edited by hand"},
                  {.path = "secret_note", .before = "a", .after = kSecret, .sensitive = true}};
  d.ignored = {"tags (lifecycle.ignore_changes)"};
  DriftEntry gone;
  gone.address = Address::Parse("openstack.floating_ip.fip").value();
  gone.type = "openstack.floating_ip";
  gone.deleted = true;
  p.drift = {d, gone};
  return p;
}

/// Three objects in state, all matching the configuration.
inline Plan QuietPlan() {
  Plan p;
  p.stack = "demo";
  for (const char* a : {"openstack.network.main", "openstack.subnet.main", "local.file.f"}) {
    p.changes.push_back(MakeChange(a, Action::kNoOp, {{"name", "x"}}, {{"name", "x"}}));
  }
  p.outputs = {{.name = "network_id", .before = "net-1", .after = "net-1"}};
  return p;
}

}  // namespace capstan::testing
