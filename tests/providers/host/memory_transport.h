// An in-memory Transport for unit tests of code above the transport seam.
//
/// Records every command and upload and answers commands from a script of canned
/// results (the last one repeats), so waits and error paths can be tested without a
/// host.
#pragma once

#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "providers/host/transport.h"

namespace capstan::testing {

class MemoryTransport : public host::Transport {
 public:
  std::string Name() const override { return "memory"; }

  Result<host::CommandResult> Run(const host::Command& cmd, const host::RunOptions&) override {
    std::lock_guard<std::mutex> lock(mu_);
    commands.push_back(cmd);
    if (answers.empty()) return host::CommandResult{0, false, "", "", "exited with status 0"};
    host::CommandResult r = answers.front();
    if (answers.size() > 1) answers.pop_front();
    return r;
  }

  Status Upload(const std::string& path, std::string_view content, int mode) override {
    std::lock_guard<std::mutex> lock(mu_);
    files[path] = {std::string(content), mode};
    return {};
  }

  Result<std::unique_ptr<host::PortForward>> Forward(int, const std::string&, int) override {
    return Result<std::unique_ptr<host::PortForward>>::Fail("no forwards in memory");
  }

  Result<std::string> HostKey() override { return std::string(); }

  /// Queues an answer with exit code `code` and stdout `out`.
  void Answer(int code, std::string out, std::string err = "") {
    answers.push_back({code, false, std::move(out), std::move(err),
                       "exited with status " + std::to_string(code)});
  }

  std::deque<host::CommandResult> answers;
  std::vector<host::Command> commands;
  std::map<std::string, std::pair<std::string, int>> files;

 private:
  std::mutex mu_;
};

}  // namespace capstan::testing
