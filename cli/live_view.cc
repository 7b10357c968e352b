// The live view of a run on a terminal (see live_view.h).
//
/// Drawing: move the cursor up over the block drawn last time ("\x1b[NA"), clear to the
/// end of the screen ("\x1b[J"), print the finished lines gathered since, then the block
/// again. Everything is written in one go under the lock, so lines never interleave.
#include "cli/live_view.h"

#include <algorithm>

#include "cli/event_printer.h"

namespace capstan::cli {
namespace {

std::string Sgr(bool on, const char* code, const std::string& s) {
  return on ? std::string("\x1b[") + code + "m" + s + "\x1b[0m" : s;
}

}  // namespace

LiveView::LiveView(std::ostream& out, std::ostream& err, bool color, int width,
                   std::chrono::milliseconds min_redraw)
    : out_(out),
      err_(err),
      color_(color),
      width_(width),
      min_redraw_(min_redraw),
      started_(std::chrono::steady_clock::now()),
      last_draw_(started_) {
  thread_ = std::thread([this] { Loop(); });
}

LiveView::~LiveView() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  std::lock_guard<std::mutex> lock(mu_);
  DrawLocked(/*final=*/true);
}

void LiveView::SetTotal(int total) {
  std::lock_guard<std::mutex> lock(mu_);
  total_ = total;
  done_ = failed_ = skipped_ = 0;
  started_ = std::chrono::steady_clock::now();
}

void LiveView::OnEvent(const Event& e) {
  std::lock_guard<std::mutex> lock(mu_);
  auto now = std::chrono::steady_clock::now();
  const std::string head = Sgr(color_, "1", e.address + ":") + " ";
  switch (e.kind) {
    case Event::Kind::kRefreshStart:
      running_[e.address] = Running{"read", now, ""};
      break;
    case Event::Kind::kRefreshDone:
      running_.erase(e.address);
      break;
    case Event::Kind::kOpStart:
      running_[e.address] = Running{e.action, now, ""};
      break;
    case Event::Kind::kOpProgress: {
      auto it = running_.find(e.address);
      if (it != running_.end()) it->second.progress = e.message;
      break;
    }
    case Event::Kind::kOpDone: {
      running_.erase(e.address);
      ++done_;
      std::string text =
          ActionNoun(e.action) + " complete after " + FormatElapsed(e.elapsed_seconds);
      if (!e.id.empty()) text += " [id=" + e.id + "]";
      finished_lines_.push_back(head + Sgr(color_, "32", text));
      break;
    }
    case Event::Kind::kOpFailed:
      running_.erase(e.address);
      ++failed_;
      finished_lines_.push_back(head + Sgr(color_, "31",
                                           ActionNoun(e.action) + " failed after " +
                                               FormatElapsed(e.elapsed_seconds) +
                                               (e.message.empty() ? "" : ": " + e.message)));
      break;
    case Event::Kind::kOpSkipped:
      ++skipped_;
      finished_lines_.push_back(
          head + Sgr(color_, "33", "Skipped" + (e.message.empty() ? "" : " (" + e.message + ")")));
      break;
    case Event::Kind::kWarning:
    case Event::Kind::kInterrupted: {
      // stderr is usually the same terminal: take the block away, print, draw again.
      DrawLocked(/*final=*/true);
      const bool warning = e.kind == Event::Kind::kWarning;
      err_ << Sgr(color_, "1;33", warning ? "Warning:" : "Interrupt received.") << " "
           << (e.message.empty() && !warning
                   ? "Finishing operations in flight and saving state; press Ctrl-C again to "
                     "abort them."
                   : e.message)
           << "\n"
           << std::flush;
      break;
    }
  }
  dirty_ = true;
  cv_.notify_all();
}

void LiveView::Settle() {
  std::lock_guard<std::mutex> lock(mu_);
  running_.clear();
  DrawLocked(/*final=*/true);
}

void LiveView::Redraw() {
  std::lock_guard<std::mutex> lock(mu_);
  DrawLocked(/*final=*/false);
}

std::string LiveView::Fit(const std::string& s) const {
  if (width_ <= 0 || static_cast<int>(s.size()) < width_) return s;
  return s.substr(0, std::max(0, width_ - 2)) + "…";
}

void LiveView::DrawLocked(bool final) {
  auto now = std::chrono::steady_clock::now();
  std::string frame;
  if (drawn_ > 0) frame += "\x1b[" + std::to_string(drawn_) + "A";
  frame += "\r\x1b[J";
  for (const std::string& line : finished_lines_) frame += line + "\n";
  finished_lines_.clear();
  drawn_ = 0;
  if (!final && !running_.empty()) {
    // Longest-running first: the one to worry about is on top.
    std::vector<std::pair<std::string, const Running*>> rows;
    for (const auto& [address, r] : running_) rows.emplace_back(address, &r);
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
      return a.second->started < b.second->started;
    });
    for (const auto& [address, r] : rows) {
      const double secs = std::chrono::duration<double>(now - r->started).count();
      std::string line = "  " + address + ": " + ActionVerb(r->action) + "... " +
                         FormatElapsed(secs) +
                         (r->progress.empty() ? "" : " (" + r->progress + ")");
      frame += Sgr(color_, "2", Fit(line)) + "\n";
      ++drawn_;
    }
    std::string footer = std::to_string(running_.size()) + " running, " + std::to_string(done_) +
                         (total_ > 0 ? "/" + std::to_string(total_) : "") + " done";
    if (failed_ > 0) footer += ", " + std::to_string(failed_) + " failed";
    if (skipped_ > 0) footer += ", " + std::to_string(skipped_) + " skipped";
    footer +=
        " — " + FormatElapsed(std::chrono::duration<double>(now - started_).count()) + " elapsed";
    frame += Sgr(color_, "1", Fit(footer)) + "\n";
    ++drawn_;
  }
  out_ << frame << std::flush;
  dirty_ = false;
  last_draw_ = now;
}

void LiveView::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    // At most one frame per min_redraw_; at least one a second while something runs
    // (the elapsed times move).
    cv_.wait_until(lock, last_draw_ + std::max(min_redraw_, std::chrono::milliseconds(1000)),
                   [this] { return stop_ || dirty_; });
    if (stop_) break;
    auto earliest = last_draw_ + min_redraw_;
    if (std::chrono::steady_clock::now() < earliest) {
      cv_.wait_until(lock, earliest, [this] { return stop_; });
      if (stop_) break;
    }
    if (dirty_ || !running_.empty()) DrawLocked(/*final=*/false);
  }
}

}  // namespace capstan::cli
