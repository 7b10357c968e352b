// Client waits (see client.h): poll until gone or until a condition is True.
//
/// Polling, not watch: a GET every poll interval is simple, survives API server restarts
/// and proxies that cut long streams, and costs little for the handful of objects one
/// resource waits on. Each poll reports "<kind> <name>: <what>, <n>s" through
/// ctx.Progress and a cancelled context stops the wait at once.
#include <thread>

#include "providers/kubernetes/client.h"

namespace capstan::kube {
namespace {

using Clock = std::chrono::steady_clock;

/// Sleeps `d` in short slices; false when cancelled.
bool Pause(std::chrono::milliseconds d, const CallContext& ctx) {
  auto until = Clock::now() + d;
  while (Clock::now() < until) {
    if (ctx.cancelled()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return !ctx.cancelled();
}

std::string Seconds(Clock::time_point start) {
  auto s = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - start).count();
  return std::to_string(s) + "s";
}

std::string Short(const ObjectRef& ref) {
  return ref.kind + " " + (ref.ns.empty() ? ref.name : ref.ns + "/" + ref.name);
}

}  // namespace

Status Client::WaitGone(const ObjectRef& ref, std::chrono::milliseconds timeout,
                        const CallContext& ctx) {
  auto start = Clock::now();
  for (;;) {
    auto got = Get(ref, ctx.cancel);
    if (!got.ok()) return got.diags();
    if (!got->has_value()) return {};
    ctx.Progress(Short(ref) + ": waiting until deleted, " + Seconds(start));
    Status st;
    if (Clock::now() - start >= timeout) {
      const Value& md = (**got)["metadata"];
      std::string fins = md.contains("finalizers") ? md["finalizers"].dump() : "none";
      st.Error(
          "timed out after " + Seconds(start) + " waiting for " + ref.ToString() + " to be deleted",
          "It still exists; finalizers: " + fins + ".");
      return st;
    }
    if (!Pause(poll_, ctx)) {
      st.Error("cancelled while waiting for " + ref.ToString() + " to be deleted");
      return st;
    }
  }
}

Status Client::WaitCondition(const ObjectRef& ref, const std::string& condition,
                             std::chrono::milliseconds timeout, const CallContext& ctx) {
  auto start = Clock::now();
  for (;;) {
    auto got = Get(ref, ctx.cancel);
    if (!got.ok()) return got.diags();
    Status st;
    if (!got->has_value()) {
      st.Error("waiting for " + condition + "=True on " + ref.ToString() + ": the object is gone");
      return st;
    }
    if (ConditionTrue(**got, condition)) return {};
    ctx.Progress(Short(ref) + ": waiting for " + condition + "=True, " + Seconds(start));
    if (Clock::now() - start >= timeout) {
      std::string now = "no such condition yet";
      const Value& status = (**got).value("status", Value::object());
      if (status.is_object()) {
        for (const Value& c : status.value("conditions", Value::array())) {
          if (c.is_object() && c.value("type", "") == condition) now = c.dump();
        }
      }
      st.Error("timed out after " + Seconds(start) + " waiting for " + condition + "=True on " +
                   ref.ToString(),
               "Current condition: " + now + ".");
      return st;
    }
    if (!Pause(poll_, ctx)) {
      st.Error("cancelled while waiting for " + condition + "=True on " + ref.ToString());
      return st;
    }
  }
}

}  // namespace capstan::kube
