// PluginConnection: handshake, request multiplexing, the reader thread, crash handling.
#include "providers/plugin/connection.h"

#include <cstdio>
#include <utility>

#include "providers/plugin/plugin_provider.h"
#include "providers/schema_json.h"

namespace capstan {

struct PluginConnection::Pending {
  bool done = false;
  Value response;
  std::function<void(const std::string&)> progress;
  /// Guards `progress` against the caller returning while the reader thread calls it.
  std::mutex cb_mu;
  bool closed = false;
};

namespace {

std::string Dump(const Value& v) { return v.dump(-1, ' ', false, Value::error_handler_t::replace); }

}  // namespace

Result<std::shared_ptr<PluginConnection>> PluginConnection::Start(
    const std::string& name, const std::string& executable,
    std::chrono::milliseconds handshake_timeout) {
  using R = Result<std::shared_ptr<PluginConnection>>;
  ProcessOptions opts;
  opts.argv = {executable};
  opts.env["CAPSTAN_PLUGIN_PROTOCOL"] = kPluginProtocol;
  auto child = ChildProcess::Start(opts);
  if (!child) return child.diags();

  std::shared_ptr<PluginConnection> c(new PluginConnection());
  c->name_ = name;
  c->executable_ = executable;
  c->child_ = std::move(*child);

  bool timed_out = false;
  auto line = c->child_->ReadLine(handshake_timeout, &timed_out);
  if (!line) {
    if (timed_out) {
      return R::Fail(c->Who() + " sent no handshake",
                     "Nothing arrived on its stdout within " +
                         std::to_string(handshake_timeout.count()) + " ms.");
    }
    int st = c->child_->Wait();
    return R::Fail(c->Who() + " " + DescribeWaitStatus(st) + " before its handshake",
                   "Its stderr (above) may say why.");
  }
  Value hs = Value::parse(*line, nullptr, /*allow_exceptions=*/false);
  if (hs.is_discarded() || !hs.is_object()) {
    return R::Fail(c->Who() + " sent an invalid handshake",
                   "The first stdout line must be a JSON object; got: " + line->substr(0, 200));
  }
  std::string proto = hs.value("protocol", "");
  if (proto != kPluginProtocol) {
    return R::Fail(c->Who() + " speaks protocol \"" + proto + "\"",
                   std::string("capstan speaks ") + kPluginProtocol + ".");
  }
  if (hs.value("name", "") != name) {
    return R::Fail(c->Who() + " announced name \"" + hs.value("name", "") + "\"",
                   "Expected \"" + name + "\".");
  }
  c->handshake_ = std::move(hs);
  c->reader_ = std::thread([raw = c.get()] { raw->ReaderLoop(); });
  return c;
}

PluginConnection::~PluginConnection() {
  // Closing stdin asks the plugin to exit; Terminate escalates if it does not, which also
  // ends the reader thread with EOF.
  if (child_) child_->Terminate(std::chrono::seconds(5));
  if (reader_.joinable()) reader_.join();
}

Status PluginConnection::Send(const Value& message) {
  Status st = child_->Write(Dump(message) + "\n");
  if (st.HasErrors()) {
    Status out;
    out.Error("cannot send a request to " + Who(), st.items().front().detail);
    return out;
  }
  return st;
}

PluginReply PluginConnection::Call(const std::string& method, Value params,
                                   const CallContext* ctx) {
  PluginReply reply;
  auto p = std::make_shared<Pending>();
  if (ctx && ctx->progress) p->progress = ctx->progress;
  int64_t id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (dead_) {
      reply.error.Error(
          Who() + " is not running (" + death_ + ")",
          "Its stderr (above) may say why; the call \"" + method + "\" was not sent.");
      return reply;
    }
    id = next_id_++;
    pending_[id] = p;
  }
  Status sent = Send({{"id", id}, {"method", method}, {"params", std::move(params)}});

  std::unique_lock<std::mutex> lock(mu_);
  bool cancel_sent = false;
  auto give_up_at = std::chrono::steady_clock::time_point::max();
  while (!p->done && !dead_ && !sent.HasErrors()) {
    cv_.wait_for(lock, std::chrono::milliseconds(100));
    if (p->done || dead_) break;
    if (ctx && ctx->cancelled() && !cancel_sent) {
      cancel_sent = true;
      give_up_at = std::chrono::steady_clock::now() + cancel_grace;
      lock.unlock();
      Send({{"method", "cancel"}, {"params", {{"id", id}}}});
      lock.lock();
    }
    if (std::chrono::steady_clock::now() >= give_up_at) break;
  }
  if (sent.HasErrors() && !p->done) {
    // A failed write usually means the plugin just died: give the reader a moment to
    // collect its exit status for a better message.
    cv_.wait_for(lock, std::chrono::seconds(1), [&] { return dead_; });
  }
  pending_.erase(id);
  bool done = p->done;
  bool dead = dead_;
  std::string death = death_;
  lock.unlock();
  {
    std::lock_guard<std::mutex> cb(p->cb_mu);
    p->closed = true;
  }

  if (!done) {
    if (sent.HasErrors() && !dead) {
      reply.error = sent;
    } else if (cancel_sent && !dead) {
      reply.error.Error("call \"" + method + "\" to " + Who() + " was cancelled",
                        "The plugin did not answer within the cancel grace period.");
    } else {
      reply.error.Error(Who() + " " + death + " during a \"" + method + "\" call",
                        "The call's outcome is unknown; its stderr (above) may say why.");
    }
    return reply;
  }
  const Value& r = p->response;
  if (auto err = r.find("error"); err != r.end()) {
    Diagnostic d = DiagnosticFromJson(*err);
    d.severity = Severity::kError;
    reply.unsupported = err->is_object() && err->value("code", "") == "unsupported";
    reply.error.Add(std::move(d));
    return reply;
  }
  reply.ok = true;
  reply.result = r.value("result", Value());
  return reply;
}

void PluginConnection::ReaderLoop() {
  while (auto line = child_->ReadLine()) {
    if (line->empty()) continue;
    Value msg = Value::parse(*line, nullptr, /*allow_exceptions=*/false);
    if (msg.is_discarded() || !msg.is_object()) {
      fprintf(stderr, "capstan: %s printed a non-protocol line on stdout: %.200s\n", Who().c_str(),
              line->c_str());
      continue;
    }
    if (msg.value("method", "") == "progress") {
      const Value& params = msg.value("params", Value::object());
      int64_t id = params.value("id", int64_t{-1});
      std::shared_ptr<Pending> p;
      {
        std::lock_guard<std::mutex> lock(mu_);
        auto it = pending_.find(id);
        if (it != pending_.end()) p = it->second;
      }
      if (p) {
        std::lock_guard<std::mutex> cb(p->cb_mu);
        if (!p->closed && p->progress) p->progress(params.value("message", ""));
      }
      continue;
    }
    auto idv = msg.find("id");
    if (idv == msg.end() || !idv->is_number_integer()) continue;
    std::lock_guard<std::mutex> lock(mu_);
    auto it = pending_.find(idv->get<int64_t>());
    if (it == pending_.end()) continue;  // The caller gave up (cancelled) already.
    it->second->response = std::move(msg);
    it->second->done = true;
    cv_.notify_all();
  }
  int st = child_->Wait();
  std::lock_guard<std::mutex> lock(mu_);
  dead_ = true;
  death_ = DescribeWaitStatus(st);
  cv_.notify_all();
}

}  // namespace capstan
