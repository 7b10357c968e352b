// Polling with progress, cancellation and a deadline (see wait.h).
#include "providers/openstack/wait.h"

#include <algorithm>
#include <chrono>
#include <thread>

namespace capstan::openstack {

Status WaitUntil(const CallContext& ctx, const WaitSpec& spec,
                 const std::function<Result<WaitStep>()>& poll) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::seconds(spec.timeout_seconds);
  int interval = std::max(spec.first_interval_ms, 10);
  std::string last;
  for (;;) {
    auto step = poll();
    if (!step.ok()) return step.diags();
    if (step->done) return {};
    last = step->status;
    auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - start);
    ctx.Progress(spec.what + ": " + (last.empty() ? "waiting" : last) + ", " +
                 std::to_string(elapsed.count()) + "s");
    if (Clock::now() >= deadline) {
      Status st;
      st.Error(
          "timed out after " + std::to_string(spec.timeout_seconds) + "s waiting for " + spec.what,
          "Last status seen: " + (last.empty() ? std::string("(none)") : last) + ".");
      return st;
    }
    auto wake = std::min(deadline, Clock::now() + std::chrono::milliseconds(interval));
    while (Clock::now() < wake) {
      if (ctx.cancelled()) {
        Status st;
        st.Error("cancelled while waiting for " + spec.what,
                 "Last status seen: " + (last.empty() ? std::string("(none)") : last) + ".");
        return st;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    interval = std::min(interval * 2, std::max(spec.max_interval_ms, interval));
  }
}

}  // namespace capstan::openstack
