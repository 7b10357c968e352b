// Events: what the engine reports while it plans and applies.
//
/// The engine never prints. It emits Events to an EventSink; the CLI renders them as a
/// live view, plain log lines, or JSON lines (`--json`). Sinks are called from worker
/// threads and must be thread-safe.
#pragma once

#include <string>
#include <utility>

namespace capstan {

struct Event {
  enum class Kind {
    kRefreshStart,  ///< address: refreshing one instance
    kRefreshDone,   ///< address
    kOpStart,       ///< address + action ("create", "update", "delete", ...)
    kOpProgress,    ///< address + message (provider sub-step)
    kOpDone,        ///< address + action + elapsed_seconds + id
    kOpFailed,      ///< address + action + message (the error) + elapsed_seconds
    kOpSkipped,     ///< address + action + message ("a dependency failed")
    kWarning,       ///< message
    kInterrupted,   ///< message: first Ctrl-C received, draining
  };
  Kind kind = Kind::kWarning;
  std::string address;
  std::string action;
  std::string message;
  std::string id;
  double elapsed_seconds = 0;

  static Event Of(Kind k, std::string address = {}, std::string action = {},
                  std::string message = {}) {
    Event e;
    e.kind = k;
    e.address = std::move(address);
    e.action = std::move(action);
    e.message = std::move(message);
    return e;
  }
};

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void OnEvent(const Event& e) = 0;
};

/// Discards everything.
class NullSink : public EventSink {
 public:
  void OnEvent(const Event&) override {}
};

}  // namespace capstan
