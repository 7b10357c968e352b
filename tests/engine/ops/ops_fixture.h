// Test fixture for engine operations: a temp directory with a stack file, a state
// database and the in-memory provider, plus helpers to plan and apply in one call.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "engine/ops/applier.h"
#include "engine/ops/planner.h"
#include "engine/ops/workspace.h"
#include "tests/fakes/memory_provider.h"

namespace capstan::testing {

class OpsFixture {
 public:
  OpsFixture() {
    char tmpl[] = "/tmp/capstan-ops-XXXXXX";
    dir_ = mkdtemp(tmpl);
    setenv("CAPSTAN_STATE_KEY", "ops-test-key", 1);
    cloud_ = std::make_shared<MemoryCloud>();
    RegisterMemoryProvider(registry_, cloud_);
  }
  ~OpsFixture() { std::filesystem::remove_all(dir_); }

  void WriteStack(const std::string& yaml) { std::ofstream(dir_ + "/stack.yaml") << yaml; }

  /// A fresh workspace (reloads the stack file, reopens the state).
  std::unique_ptr<Workspace> Open(std::vector<std::pair<std::string, std::string>> vars = {}) {
    WorkspaceOptions o;
    o.state_path = dir_ + "/state.db";
    o.load.paths = {dir_ + "/stack.yaml"};
    o.load.vars = std::move(vars);
    o.registry = &registry_;
    auto ws = Workspace::Open(o);
    if (!ws.ok()) FAIL("workspace: " << ws.diags().ToString());
    return std::move(ws.value());
  }

  Plan MustPlan(Workspace& ws, PlanOptions opts = {}) {
    auto p = MakePlan(ws, opts);
    if (!p.ok()) FAIL("plan: " << p.diags().ToString());
    return p.value();
  }

  ApplyReport MustApply(Workspace& ws, const Plan& plan, int parallelism = 10) {
    ApplyOptions o;
    o.parallelism = parallelism;
    auto r = ApplyPlan(ws, plan, o);
    if (!r.ok()) FAIL("apply: " << r.diags().ToString());
    return r.value();
  }

  /// Plans and applies; returns the report.
  ApplyReport PlanAndApply(std::vector<std::pair<std::string, std::string>> vars = {},
                           PlanOptions opts = {}) {
    auto ws = Open(std::move(vars));
    Plan p = MustPlan(*ws, opts);
    return MustApply(*ws, p);
  }

  StackState State() {
    auto ws = Open();
    auto s = ws->state().Load(ws->stack());
    if (!s.ok()) FAIL("load: " << s.diags().ToString());
    return s.value();
  }

  MemoryCloud& cloud() { return *cloud_; }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  std::shared_ptr<MemoryCloud> cloud_;
  ProviderRegistry registry_;
};

inline const ResourceChange* FindChange(const Plan& p, const std::string& addr) {
  for (const auto& c : p.changes) {
    if (c.address.ToString() == addr) return &c;
  }
  return nullptr;
}

}  // namespace capstan::testing
