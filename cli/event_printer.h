// Event sinks of the CLI: plain progress lines for people, JSON lines for machines.
//
/// The engine reports progress as Events from worker threads (engine/ops/events.h). The
/// human printer writes one line per step, Terraform-style, so logs of CI runs read the
/// same as a terminal: `local.file.a: Creating...`, `local.file.a: Creation complete
/// after 3s [id=abc]`, and for long operations a `Still creating... [30s elapsed]` line
/// every 30 seconds from a ticker thread, so a silent wait never looks like a hang. The
/// latest provider sub-step rides on that line (`... [30s elapsed] (server: BUILD,
/// 28s)`); a sub-step is printed on its own line only when it says something new (the
/// same status with a new seconds count is not new), so polling never floods a log.
/// The JSON printer writes one object per line (`--json`), with a "type" field, the
/// wall-clock `@timestamp` and `run_seconds` since the run started (docs/events.md).
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <thread>

#include "engine/ops/events.h"

namespace capstan::cli {

class HumanEventPrinter : public EventSink {
 public:
  /// `tick` is the interval of "Still ..." lines (30 s; tests may shorten it).
  HumanEventPrinter(std::ostream& out, std::ostream& err, bool color,
                    std::chrono::milliseconds tick = std::chrono::seconds(30));
  ~HumanEventPrinter() override;
  HumanEventPrinter(const HumanEventPrinter&) = delete;
  HumanEventPrinter& operator=(const HumanEventPrinter&) = delete;

  void OnEvent(const Event& e) override;

 private:
  struct InFlight {
    std::string action;
    std::chrono::steady_clock::time_point started;
    std::chrono::steady_clock::time_point next_tick;
    std::string progress;       ///< Latest provider sub-step.
    std::string progress_gist;  ///< It without its trailing seconds count.
  };
  void Ticker();
  void Line(const std::string& address, const std::string& text, const char* sgr = nullptr);

  std::ostream& out_;
  std::ostream& err_;
  bool color_;
  std::chrono::milliseconds tick_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::map<std::string, InFlight> in_flight_;
  std::thread ticker_;
};

class JsonEventPrinter : public EventSink {
 public:
  explicit JsonEventPrinter(std::ostream& out)
      : out_(out), started_(std::chrono::steady_clock::now()) {}
  void OnEvent(const Event& e) override;
  /// Writes any other JSON line (plan, summary, diagnostics) under the same lock.
  void Emit(const nlohmann::json& line);

 private:
  std::ostream& out_;
  std::mutex mu_;
  std::chrono::steady_clock::time_point started_;
  /// Start of each operation in flight, for the elapsed_seconds of progress events.
  std::map<std::string, std::chrono::steady_clock::time_point> op_started_;
};

/// A progress message without a trailing ", 12s" / " 12s" count, to tell a new sub-step
/// from the same one polled again.
std::string ProgressGist(const std::string& message);

/// "Creating", "Modifying", "Destroying", "Reading" for an action name.
std::string ActionVerb(const std::string& action);
/// "Creation", "Modifications", "Destruction", "Read" (as in "Creation complete").
std::string ActionNoun(const std::string& action);
/// "creating", "modifying", ... (as in "Still creating...").
std::string ActionProgressive(const std::string& action);
/// "3s", "1m5s".
std::string FormatElapsed(double seconds);

}  // namespace capstan::cli
