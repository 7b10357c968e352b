// The SCS wait protocol and the workload teardown of a capi.cluster (see cluster_ops.h).
#include "providers/capi/cluster_ops.h"

#include <thread>

#include "providers/capi/render.h"
#include "providers/kubernetes/kubeconfig.h"

namespace capstan::capi {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kPoll{500};

bool Pause(const CallContext& ctx) {
  auto until = Clock::now() + kPoll;
  while (Clock::now() < until) {
    if (ctx.cancelled()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return !ctx.cancelled();
}

int Int(const Value& obj, const char* part, const char* key) {
  const Value& p = obj.value(part, Value::object());
  return p.is_object() && p.contains(key) && p[key].is_number() ? p[key].get<int>() : 0;
}

/// "" when every desired replica is updated and ready, else what is missing.
std::string ReplicasProblem(const Value& obj) {
  int want = Int(obj, "spec", "replicas");
  int ready = Int(obj, "status", "readyReplicas");
  int updated = Int(obj, "status", "updatedReplicas");
  int64_t gen = obj["metadata"].value("generation", 0);
  int64_t seen = obj.value("status", Value::object()).value("observedGeneration", 0);
  if (seen < gen) return "the controller has not seen the latest spec yet";
  if (ready != want || updated != want) {
    return std::to_string(ready) + " of " + std::to_string(want) + " machines ready, " +
           std::to_string(updated) + " up to date";
  }
  return "";
}

/// What the cluster still lacks, or "" when it is ready.
Result<std::string> NotReadyYet(kube::Client& c, const ClusterSpec& s,
                                const std::atomic<bool>* cancel) {
  auto get = [&](const char* api, const char* kind, const std::string& name) {
    return c.Get(kube::ObjectRef{api, kind, s.ns, name}, cancel);
  };
  auto cluster = get(kClusterApi, "Cluster", s.name);
  if (!cluster.ok()) return cluster.diags();
  if (!cluster->has_value())
    return std::string("Cluster " + s.ns + "/" + s.name + " does not exist");
  for (const char* cond : {"InfrastructureReady", "ControlPlaneReady"}) {
    if (!kube::ConditionTrue(**cluster, cond)) {
      return "Cluster " + s.ns + "/" + s.name + " waiting for " + cond + "=True";
    }
  }
  struct Part {
    const char *api, *kind;
    std::string name;
  };
  for (const Part& p : {Part{kControlPlaneApi, "KubeadmControlPlane", ControlPlaneName(s)},
                        Part{kClusterApi, "MachineDeployment", MachineDeploymentName(s)}}) {
    auto obj = get(p.api, p.kind, p.name);
    if (!obj.ok()) return obj.diags();
    if (!obj->has_value()) return std::string(p.kind) + " " + p.name + " does not exist";
    std::string problem = ReplicasProblem(**obj);
    if (!problem.empty()) return std::string(p.kind) + " " + p.name + ": " + problem;
  }
  auto kubeconfig = get("v1", "Secret", s.name + "-kubeconfig");
  if (!kubeconfig.ok()) return kubeconfig.diags();
  if (!kubeconfig->has_value()) return "Secret " + s.name + "-kubeconfig does not exist yet";
  return std::string();
}

}  // namespace

Result<std::unique_ptr<kube::Client>> ConnectKubeconfig(const std::string& kubeconfig,
                                                        const std::string& context,
                                                        const std::string& what) {
  Result<kube::Connection> conn = kubeconfig.find('\n') != std::string::npos
                                      ? kube::ParseKubeconfig(kubeconfig, "", context)
                                      : kube::LoadKubeconfig(kubeconfig, context);
  if (!conn.ok()) {
    Diagnostics d;
    for (auto item : conn.diags().items()) {
      item.summary = what + ": " + item.summary;
      d.Add(item);
    }
    return d;
  }
  return std::make_unique<kube::Client>(*conn);
}

Status WaitClusterReady(kube::Client& mgmt, const ClusterSpec& s, std::chrono::seconds timeout,
                        const CallContext& ctx) {
  auto start = Clock::now();
  for (;;) {
    auto missing = NotReadyYet(mgmt, s, ctx.cancel);
    if (!missing.ok()) return missing.diags();
    if (missing->empty()) return {};
    auto secs = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - start);
    ctx.Progress(*missing + ", " + std::to_string(secs.count()) + "s");
    Status st;
    if (Clock::now() - start >= timeout) {
      st.Error("cluster " + s.ns + "/" + s.name + " not ready after " +
                   std::to_string(secs.count()) + "s: " + *missing,
               "Raise ready_timeout if the cloud is slow; `kubectl describe` the object named "
               "above on the management cluster for the controller's reason.");
      return st;
    }
    if (!Pause(ctx)) {
      st.Error("cancelled while waiting for cluster " + s.ns + "/" + s.name + " to be ready");
      return st;
    }
  }
}

Result<std::optional<std::string>> ReadWorkloadKubeconfig(kube::Client& mgmt, const ClusterSpec& s,
                                                          const std::atomic<bool>* cancel) {
  using R = Result<std::optional<std::string>>;
  auto secret = mgmt.Get(kube::ObjectRef{"v1", "Secret", s.ns, s.name + "-kubeconfig"}, cancel);
  if (!secret.ok()) return secret.diags();
  if (!secret->has_value()) return R(std::optional<std::string>());
  const Value& data = (**secret).value("data", Value::object());
  if (!data.is_object() || !data.contains("value") || !data["value"].is_string()) {
    return R::Fail("Secret " + s.ns + "/" + s.name + "-kubeconfig has no data.value");
  }
  auto text = kube::DecodeBase64(data["value"].get<std::string>());
  if (!text.ok()) return text.diags();
  return R(std::optional<std::string>(*text));
}

Status TeardownWorkload(kube::Client& workload, std::chrono::seconds timeout,
                        const CallContext& ctx) {
  std::vector<kube::ObjectRef> doomed;
  auto services = workload.List("v1", "Service", "", "", ctx.cancel);
  if (!services.ok()) return services.diags();
  for (const Value& svc : *services) {
    if (svc.value("spec", Value::object()).value("type", "") != "LoadBalancer") continue;
    doomed.push_back({"v1", "Service", svc["metadata"].value("namespace", ""),
                      svc["metadata"].value("name", "")});
  }
  auto claims = workload.List("v1", "PersistentVolumeClaim", "", "", ctx.cancel);
  if (!claims.ok()) return claims.diags();
  for (const Value& pvc : *claims) {
    doomed.push_back({"v1", "PersistentVolumeClaim", pvc["metadata"].value("namespace", ""),
                      pvc["metadata"].value("name", "")});
  }
  for (const auto& ref : doomed) {
    ctx.Progress("workload cluster: deleting " + ref.kind + " " + ref.ns + "/" + ref.name);
    Status st = workload.Delete(ref, "Background", ctx.cancel);
    if (st.HasErrors()) return st;
  }
  auto deadline = Clock::now() + timeout;
  for (const auto& ref : doomed) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    Status st = workload.WaitGone(ref, std::max(left, std::chrono::milliseconds(0)), ctx);
    if (st.HasErrors()) return st;
  }
  return {};
}

}  // namespace capstan::capi
