// The live view of a run on a terminal: what is running now, what finished, how long.
//
/// On a terminal, scrolling "Still creating..." lines bury the one question an operator
/// has — what is running right now, and for how long? The live view keeps a block at the
/// bottom of the screen: one line per running resource (action, elapsed time, latest
/// provider sub-step) and a footer with counts and total elapsed time. Finished steps
/// (complete, failed, skipped) are printed above the block and scroll away like plain
/// lines. The block is redrawn with ANSI cursor movement at most 10 times a second, and
/// only when something changed or a second passed. It is used only when stdout is a
/// terminal (never in logs or pipes); colour follows --no-color / NO_COLOR separately.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "engine/ops/events.h"

namespace capstan::cli {

class LiveView : public EventSink {
 public:
  /// `width` truncates live lines (0 = no limit) so a wrapped line cannot break the
  /// cursor arithmetic; `min_redraw` is the shortest time between redraws.
  LiveView(std::ostream& out, std::ostream& err, bool color, int width,
           std::chrono::milliseconds min_redraw = std::chrono::milliseconds(100));
  ~LiveView() override;
  LiveView(const LiveView&) = delete;
  LiveView& operator=(const LiveView&) = delete;

  void OnEvent(const Event& e) override;

  /// Number of operations the run will perform, for the footer ("3/12 done").
  void SetTotal(int total);
  /// Prints finished lines, erases the block and stops drawing until the next event:
  /// call before the program prints anything itself (plan, prompt, summary).
  void Settle();
  /// Draws now if anything changed (the redraw thread calls it; tests may too).
  void Redraw();

 private:
  struct Running {
    std::string action;
    std::chrono::steady_clock::time_point started;
    std::string progress;
  };
  void DrawLocked(bool final);
  void Loop();
  std::string Fit(const std::string& s) const;

  std::ostream& out_;
  std::ostream& err_;
  bool color_;
  int width_;
  std::chrono::milliseconds min_redraw_;
  std::chrono::steady_clock::time_point started_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool dirty_ = false;
  std::map<std::string, Running> running_;
  std::vector<std::string> finished_lines_;  ///< Not yet printed.
  int drawn_ = 0;                            ///< Lines of the block on screen.
  int total_ = 0, done_ = 0, failed_ = 0, skipped_ = 0;
  std::chrono::steady_clock::time_point last_draw_;
  std::thread thread_;
};

}  // namespace capstan::cli
