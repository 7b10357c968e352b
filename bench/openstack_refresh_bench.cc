// openstack_refresh_bench: HTTP requests and wall time to refresh N security-group rules
// and N ports against a real cloud (the test bed), batched (capstan's ReadMany: one list
// per page) versus one GET per object (what Terraform's refresh does).
//
//   build/bench/openstack_refresh_bench [--cloud ostb-demo] [--counts 10,100,500]
//   (clouds.yaml from OS_CLIENT_CONFIG_FILE, default the test bed's)
//
// Creates a network, a security group, N ports and N rules (tagged with a throw-away
// stack), measures, and deletes everything again. Prints figures; never pass/fail.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <future>
#include <tuple>
#include <sstream>
#include <string>
#include <vector>

#include "providers/openstack/cloud_config.h"
#include "providers/openstack/session.h"
#include "providers/openstack/types.h"

namespace {

using namespace capstan;
using Clock = std::chrono::steady_clock;

CallContext Ctx(const std::string& stack, const std::string& addr) {
  CallContext c;
  c.stack = stack;
  if (!addr.empty()) c.address = Address::Parse(addr).value();
  return c;
}

/// Runs fn(i) for i in [0, n) on `threads` threads; returns the failures' text.
template <typename Fn>
std::string Parallel(int n, int threads, Fn fn) {
  std::vector<std::future<std::string>> fs;
  std::atomic<int> next{0};
  for (int t = 0; t < threads; ++t) {
    fs.push_back(std::async(std::launch::async, [&] {
      std::string errs;
      for (int i = next++; i < n; i = next++) errs += fn(i);
      return errs;
    }));
  }
  std::string all;
  for (auto& f : fs) all += f.get();
  return all;
}

struct Measured {
  uint64_t requests = 0;
  double seconds = 0;
};

}  // namespace

int main(int argc, char** argv) {
  std::string cloud = "ostb-demo";
  std::vector<int> counts = {10, 100, 500};
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--cloud") cloud = argv[i + 1];
    if (a == "--counts") {
      counts.clear();
      std::stringstream ss(argv[i + 1]);
      std::string part;
      while (std::getline(ss, part, ',')) counts.push_back(std::stoi(part));
    }
  }
  if (!getenv("OS_CLIENT_CONFIG_FILE")) setenv("OS_CLIENT_CONFIG_FILE", "/tmp/openstack-testbed/clouds.yaml", 1);
  auto resolved = openstack::ResolveCloud(cloud, openstack::Environment::FromProcess());
  if (!resolved.ok()) {
    fprintf(stderr, "%s\n", resolved.diags().ToString().c_str());
    return 1;
  }
  // The types on a session of our own, so its HTTP counters are the figures.
  openstack::Session session(*resolved);
  openstack::TypeTable types;
  openstack::AddNetworkTypes(types, session);
  auto type = [&](const char* name) -> ResourceType* {
    auto it = types.find(name);
    return it == types.end() ? nullptr : it->second.get();
  };
  ResourceType* net_t = type("openstack.network");
  ResourceType* sg_t = type("openstack.security_group");
  ResourceType* rule_t = type("openstack.security_group_rule");
  ResourceType* port_t = type("openstack.port");
  if (!net_t || !sg_t || !rule_t || !port_t) {
    fprintf(stderr, "the openstack provider lacks network/security_group/rule/port types\n");
    return 1;
  }
  printf("%-22s %6s %10s %10s %10s %10s\n", "kind", "N", "batched_rq", "batched_s", "per_obj_rq",
         "per_obj_s");
  for (int n : counts) {
    std::string stack = "bench-" + std::to_string(getpid()) + "-" + std::to_string(n);
    auto net = net_t->Create(Ctx(stack, "openstack.network.net"),
                             ApplyDefaults(net_t->schema(), Value{{"name", stack}}));
    auto sg = sg_t->Create(Ctx(stack, "openstack.security_group.sg"),
                           ApplyDefaults(sg_t->schema(), Value{{"name", stack}}));
    if (!net.ok() || !sg.ok()) {
      fprintf(stderr, "setup failed: %s%s\n", net.diags().ToString().c_str(),
              sg.diags().ToString().c_str());
      return 1;
    }
    std::vector<ObjectState> ports(n), rules(n);
    std::vector<Address> port_addrs(n), rule_addrs(n);
    std::string errs = Parallel(n, 8, [&](int i) -> std::string {
      std::string pa = "openstack.port.p[" + std::to_string(i) + "]";
      std::string ra = "openstack.security_group_rule.r[" + std::to_string(i) + "]";
      port_addrs[i] = Address::Parse(pa).value();
      rule_addrs[i] = Address::Parse(ra).value();
      auto p = port_t->Create(Ctx(stack, pa),
                              ApplyDefaults(port_t->schema(),
                                            Value{{"name", stack + "-" + std::to_string(i)},
                                                  {"network_id", net->id}}));
      Value rp = {{"security_group_id", sg->id}, {"direction", "ingress"}, {"protocol", "tcp"},
                  {"port_range_min", 1000 + i}, {"port_range_max", 1000 + i}};
      auto r = rule_t->Create(Ctx(stack, ra), ApplyDefaults(rule_t->schema(), rp));
      if (p.ok()) ports[i] = *p;
      if (r.ok()) rules[i] = *r;
      return (p.ok() ? "" : p.diags().ToString()) + (r.ok() ? "" : r.diags().ToString());
    });
    if (!errs.empty()) fprintf(stderr, "create errors: %s\n", errs.substr(0, 2000).c_str());

    auto measure = [&](ResourceType* t, const std::vector<ObjectState>& priors,
                       const std::vector<Address>& addrs, bool batched) {
      Measured m;
      uint64_t before = session.http().stats().requests;
      auto t0 = Clock::now();
      CallContext ctx = Ctx(stack, "");
      if (batched) {
        ctx.addresses = addrs;
        t->ReadMany(ctx, priors);
      } else {
        for (size_t i = 0; i < priors.size(); ++i) t->Read(ctx.ForInstance(i), priors[i]);
      }
      m.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
      m.requests = session.http().stats().requests - before;
      return m;
    };
    for (auto [kind, t, priors, addrs] :
         {std::tuple{"security_group_rule", rule_t, &rules, &rule_addrs},
          std::tuple{"port", port_t, &ports, &port_addrs}}) {
      Measured b = measure(t, *priors, *addrs, true);
      Measured o = measure(t, *priors, *addrs, false);
      printf("%-22s %6d %10llu %10.3f %10llu %10.3f\n", kind, n,
             static_cast<unsigned long long>(b.requests), b.seconds,
             static_cast<unsigned long long>(o.requests), o.seconds);
    }

    Parallel(n, 8, [&](int i) -> std::string {
      if (!rules[i].id.empty()) rule_t->Delete(Ctx(stack, ""), rules[i]);
      if (!ports[i].id.empty()) port_t->Delete(Ctx(stack, ""), ports[i]);
      return "";
    });
    sg_t->Delete(Ctx(stack, ""), *sg);
    net_t->Delete(Ctx(stack, ""), *net);
  }
  return 0;
}
