// A local host whose PATH starts with the stub kind/helm/clusterctl (tests/fakes/bin/).
//
/// The stubs keep their records in a per-test state directory ($CAPSTAN_FAKE_STATE) and
/// their "clusters" are fake kube-apiservers; the destructor deletes every kind cluster
/// still recorded there, so no fake API server outlives its test.
#pragma once

#include <stdlib.h>

#include <string>

#include "engine/value.h"
#include "providers/provider.h"
#include "tests/fakes/kube_fake.h"
#include "tests/providers/temp_dir.h"

namespace capstan::testing {

inline std::string StubBin() { return std::string(CAPSTAN_SOURCE_DIR) + "/tests/fakes/bin"; }

class StubHost {
 public:
  StubHost() = default;
  ~StubHost() {
    RunShell(Env() +
             " sh -c 'for c in $(kind get clusters 2>/dev/null); do kind delete cluster "
             "--name $c >/dev/null 2>&1; done'");
  }
  StubHost(const StubHost&) = delete;
  StubHost& operator=(const StubHost&) = delete;

  std::string path_var() const {
    const char* p = getenv("PATH");
    return StubBin() + ":" + (p ? p : "/usr/bin:/bin");
  }
  const std::string& state() const { return dir_.path(); }
  /// A `local` connection map with the stubs first on PATH.
  Value connection() const {
    return Value{{"type", "local"},
                 {"env", {{"PATH", path_var()}, {"CAPSTAN_FAKE_STATE", state()}}}};
  }
  /// Shell prefix that sets the same environment (for checks from the test).
  std::string Env() const {
    return "env PATH=" + ShellQuote(path_var()) + " CAPSTAN_FAKE_STATE=" + ShellQuote(state());
  }
  CommandResult Sh(const std::string& cmd) const { return RunShell(Env() + " " + cmd); }

 private:
  TempDir dir_;
};

inline CallContext HostCtx(const std::string& addr, std::vector<std::string>* progress = nullptr) {
  CallContext c;
  c.stack = "st";
  c.address = *Address::Parse(addr);
  if (progress) c.progress = [progress](const std::string& s) { progress->push_back(s); };
  return c;
}

}  // namespace capstan::testing
