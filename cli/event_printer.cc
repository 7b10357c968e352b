// Event sinks of the CLI (see event_printer.h).
//
/// One mutex per sink serialises lines from worker threads, so lines never interleave.
#include "cli/event_printer.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <ctime>

namespace capstan::cli {
namespace {

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

std::string Timestamp() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

const char* KindName(Event::Kind k) {
  switch (k) {
    case Event::Kind::kRefreshStart:
      return "refresh_start";
    case Event::Kind::kRefreshDone:
      return "refresh_complete";
    case Event::Kind::kOpStart:
      return "apply_start";
    case Event::Kind::kOpProgress:
      return "apply_progress";
    case Event::Kind::kOpDone:
      return "apply_complete";
    case Event::Kind::kOpFailed:
      return "apply_errored";
    case Event::Kind::kOpSkipped:
      return "apply_skipped";
    case Event::Kind::kWarning:
      return "warning";
    case Event::Kind::kInterrupted:
      return "interrupted";
  }
  return "unknown";
}

}  // namespace

std::string ActionVerb(const std::string& a) {
  if (StartsWith(a, "create")) return "Creating";
  if (StartsWith(a, "update")) return "Modifying";
  if (StartsWith(a, "delete") || StartsWith(a, "destroy")) return "Destroying";
  if (StartsWith(a, "read")) return "Reading";
  if (StartsWith(a, "import")) return "Importing";
  return "Running " + a;
}

std::string ActionNoun(const std::string& a) {
  if (StartsWith(a, "create")) return "Creation";
  if (StartsWith(a, "update")) return "Modifications";
  if (StartsWith(a, "delete") || StartsWith(a, "destroy")) return "Destruction";
  if (StartsWith(a, "read")) return "Read";
  if (StartsWith(a, "import")) return "Import";
  return a;
}

std::string ActionProgressive(const std::string& a) {
  std::string verb = ActionVerb(a);
  if (!verb.empty()) verb[0] = static_cast<char>(std::tolower(verb[0]));
  return verb;
}

std::string FormatElapsed(double seconds) {
  long s = std::lround(seconds);
  if (s < 60) return std::to_string(s) + "s";
  return std::to_string(s / 60) + "m" + std::to_string(s % 60) + "s";
}

std::string ProgressGist(const std::string& message) {
  size_t end = message.size();
  if (end > 0 && message[end - 1] == 's') {
    size_t digits = end - 1;
    while (digits > 0 && std::isdigit(static_cast<unsigned char>(message[digits - 1]))) --digits;
    if (digits < end - 1) {
      end = digits;
      while (end > 0 && (message[end - 1] == ' ' || message[end - 1] == ',')) --end;
    }
  }
  return message.substr(0, end);
}

HumanEventPrinter::HumanEventPrinter(std::ostream& out, std::ostream& err, bool color,
                                     std::chrono::milliseconds tick)
    : out_(out), err_(err), color_(color), tick_(tick) {
  ticker_ = std::thread([this] { Ticker(); });
}

HumanEventPrinter::~HumanEventPrinter() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  ticker_.join();
}

void HumanEventPrinter::Line(const std::string& address, const std::string& text, const char* sgr) {
  std::string head = color_ ? "\033[1m" + address + ":\033[0m" : address + ":";
  std::string body = (color_ && sgr) ? std::string("\033[") + sgr + "m" + text + "\033[0m" : text;
  out_ << head << " " << body << "\n" << std::flush;
}

void HumanEventPrinter::OnEvent(const Event& e) {
  std::lock_guard<std::mutex> lock(mu_);
  auto now = std::chrono::steady_clock::now();
  switch (e.kind) {
    case Event::Kind::kRefreshStart:
      Line(e.address, "Refreshing state..." + (e.id.empty() ? "" : " [id=" + e.id + "]"));
      break;
    case Event::Kind::kRefreshDone:
      break;
    case Event::Kind::kOpStart:
      in_flight_[e.address] = InFlight{e.action, now, now + tick_, "", ""};
      Line(e.address, ActionVerb(e.action) + "...");
      cv_.notify_all();  // the ticker's next deadline may now be earlier
      break;
    case Event::Kind::kOpProgress: {
      if (e.message.empty()) break;
      auto it = in_flight_.find(e.address);
      const std::string gist = ProgressGist(e.message);
      if (it == in_flight_.end()) {
        Line(e.address, e.message, "2");
        break;
      }
      const bool news = gist != it->second.progress_gist;
      it->second.progress = e.message;
      it->second.progress_gist = gist;
      if (news) Line(e.address, e.message, "2");
      break;
    }
    case Event::Kind::kOpDone: {
      in_flight_.erase(e.address);
      std::string text =
          ActionNoun(e.action) + " complete after " + FormatElapsed(e.elapsed_seconds);
      if (!e.id.empty()) text += " [id=" + e.id + "]";
      Line(e.address, text, "32");
      break;
    }
    case Event::Kind::kOpFailed:
      in_flight_.erase(e.address);
      Line(e.address,
           ActionNoun(e.action) + " failed after " + FormatElapsed(e.elapsed_seconds) +
               (e.message.empty() ? "" : ": " + e.message),
           "31");
      break;
    case Event::Kind::kOpSkipped:
      Line(e.address, "Skipped" + (e.message.empty() ? "" : " (" + e.message + ")"), "33");
      break;
    case Event::Kind::kWarning:
      err_ << (color_ ? "\033[1;33mWarning:\033[0m " : "Warning: ") << e.message << "\n"
           << std::flush;
      break;
    case Event::Kind::kInterrupted:
      err_ << (color_ ? "\033[1;33mInterrupt received.\033[0m " : "Interrupt received. ")
           << (e.message.empty()
                   ? "Finishing operations in flight and saving state; press Ctrl-C again to "
                     "abort them."
                   : e.message)
           << "\n"
           << std::flush;
      break;
  }
}

void HumanEventPrinter::Ticker() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    // Sleep until the earliest "Still ..." deadline (or until an operation starts).
    auto next = std::chrono::steady_clock::now() + std::chrono::hours(1);
    for (const auto& [address, op] : in_flight_) next = std::min(next, op.next_tick);
    cv_.wait_until(lock, next);
    if (stop_) break;
    auto now = std::chrono::steady_clock::now();
    for (auto& [address, op] : in_flight_) {
      if (now < op.next_tick) continue;
      // Every tick_ after the start, not tick_ after a late wake-up: no drift over time.
      while (op.next_tick <= now) op.next_tick += tick_;
      auto elapsed = std::chrono::duration<double>(now - op.started).count();
      Line(address, "Still " + ActionProgressive(op.action) + "... [" + FormatElapsed(elapsed) +
                        " elapsed]" + (op.progress.empty() ? "" : " (" + op.progress + ")"));
    }
  }
}

void JsonEventPrinter::OnEvent(const Event& e) {
  nlohmann::json j = {{"type", KindName(e.kind)}};
  if (!e.address.empty()) j["address"] = e.address;
  if (!e.action.empty()) j["action"] = e.action;
  if (!e.message.empty()) j["message"] = e.message;
  if (!e.id.empty()) j["id"] = e.id;
  if (e.kind == Event::Kind::kOpDone || e.kind == Event::Kind::kOpFailed) {
    j["elapsed_seconds"] = e.elapsed_seconds;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto now = std::chrono::steady_clock::now();
    if (e.kind == Event::Kind::kOpStart) {
      op_started_[e.address] = now;
    } else if (e.kind == Event::Kind::kOpProgress) {
      auto it = op_started_.find(e.address);
      if (it != op_started_.end()) {
        j["elapsed_seconds"] = std::chrono::duration<double>(now - it->second).count();
      }
    } else if (e.kind == Event::Kind::kOpDone || e.kind == Event::Kind::kOpFailed) {
      op_started_.erase(e.address);
    }
  }
  Emit(j);
}

void JsonEventPrinter::Emit(const nlohmann::json& line) {
  nlohmann::json j = line;
  j["@timestamp"] = Timestamp();
  std::lock_guard<std::mutex> lock(mu_);
  const double run =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  j["run_seconds"] = std::round(run * 1000) / 1000;
  out_ << j.dump() << "\n" << std::flush;
}

}  // namespace capstan::cli
