// PluginConnection: one running plugin process and the calls in flight to it.
//
/// The engine calls providers from many threads at once, so requests are multiplexed
/// over the plugin's stdin with ids, and a single reader thread routes each response
/// line on stdout back to the caller waiting for that id. If the plugin dies, every
/// waiting call (and every later one) fails with the plugin's name and exit status
/// instead of hanging.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "engine/result.h"
#include "engine/value.h"
#include "providers/provider.h"
#include "providers/subprocess.h"

namespace capstan {

/// The outcome of one request: a result, or an error from the plugin or the transport.
struct PluginReply {
  bool ok = false;
  Value result;
  Diagnostics error;
  /// The plugin answered {"error":{"code":"unsupported"}}: the caller may fall back.
  bool unsupported = false;
};

class PluginConnection {
 public:
  /// Starts the plugin and reads its handshake line (at most `handshake_timeout`).
  static Result<std::shared_ptr<PluginConnection>> Start(
      const std::string& name, const std::string& executable,
      std::chrono::milliseconds handshake_timeout = std::chrono::seconds(30));
  ~PluginConnection();
  PluginConnection(const PluginConnection&) = delete;
  PluginConnection& operator=(const PluginConnection&) = delete;

  const std::string& name() const { return name_; }
  /// The handshake object the plugin printed first.
  const Value& handshake() const { return handshake_; }

  /// Sends {"id","method","params"} and waits for the answer. `ctx` (may be null) supplies
  /// progress routing and cancellation: when ctx->cancelled() turns true a cancel
  /// notification is sent, and the call gives up `cancel_grace` later if the plugin has
  /// not answered by then.
  PluginReply Call(const std::string& method, Value params, const CallContext* ctx);

  std::chrono::milliseconds cancel_grace{std::chrono::seconds(30)};

 private:
  struct Pending;
  PluginConnection() = default;
  void ReaderLoop();
  Status Send(const Value& message);
  std::string Who() const { return "provider plugin " + executable_; }

  std::string name_;
  std::string executable_;
  Value handshake_;
  std::unique_ptr<ChildProcess> child_;
  std::thread reader_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::map<int64_t, std::shared_ptr<Pending>> pending_;
  int64_t next_id_ = 1;
  bool dead_ = false;
  std::string death_;  ///< Why the plugin is gone, e.g. "exited with status 7".
};

}  // namespace capstan
