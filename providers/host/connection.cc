// Connection maps, the transport pool and the cloud-init wait (see connection.h).
#include "providers/host/connection.h"

#include <chrono>
#include <mutex>
#include <thread>

#include "providers/host/ssh_transport.h"

namespace capstan::host {

Result<HostSpec> ParseHostSpec(const Value& v, const std::string& key) {
  using R = Result<HostSpec>;
  if (!v.is_object()) {
    return R::Fail(key + " must be a host connection map",
                   "Use the `connection` of a host.node, e.g. ${<node name>.connection}, or "
                   "{type: local}.");
  }
  HostSpec s;
  Diagnostics d;
  auto str = [&](const char* name, std::string& out) {
    auto it = v.find(name);
    if (it == v.end() || it->is_null()) return;
    if (it->is_string()) {
      out = it->get<std::string>();
    } else {
      d.Error(key + "." + name + " must be a string");
    }
  };
  str("type", s.type);
  str("address", s.address);
  str("user", s.user);
  str("private_key", s.private_key);
  str("host_key", s.host_key);
  if (auto it = v.find("port"); it != v.end() && !it->is_null()) {
    if (it->is_number_integer() && *it > 0 && *it < 65536) {
      s.port = it->get<int>();
    } else {
      d.Error(key + ".port must be a port number (1-65535)");
    }
  }
  if (auto it = v.find("env"); it != v.end() && !it->is_null()) {
    if (!it->is_object()) d.Error(key + ".env must be a map of strings");
    for (auto e = it->begin(); it->is_object() && e != it->end(); ++e) {
      if (e.value().is_string()) {
        s.env[e.key()] = e.value().get<std::string>();
      } else {
        d.Error(key + ".env." + e.key() + " must be a string");
      }
    }
  }
  if (s.type != "local" && s.type != "ssh") {
    d.Error(key + ".type must be \"local\" or \"ssh\"", "Got \"" + s.type + "\".");
  }
  if (s.type == "ssh" && s.address.empty()) d.Error(key + ".address is required for ssh hosts");
  if (d.HasErrors()) return d;
  return s;
}

Value HostSpecToValue(const HostSpec& s) {
  Value env = Value::object();
  for (const auto& [k, v] : s.env) env[k] = v;
  return Value{{"type", s.type},       {"address", s.address},         {"port", s.port},
               {"user", s.user},       {"private_key", s.private_key}, {"host_key", s.host_key},
               {"env", std::move(env)}};
}

class Pool {
 public:
  ~Pool() {
    forwards.clear();  // Before the transports they go through.
    transports.clear();
  }
  std::mutex mu;
  std::map<std::string, std::shared_ptr<Transport>> transports;
  std::map<std::string, std::unique_ptr<PortForward>> forwards;
};

namespace {

std::mutex g_mu;
std::weak_ptr<Pool> g_pool;
std::function<std::unique_ptr<Transport>(const HostSpec&)> g_factory;

std::string KeyOf(const HostSpec& s) { return HostSpecToValue(s).dump(); }

}  // namespace

std::shared_ptr<Pool> AcquirePool() {
  std::lock_guard<std::mutex> lock(g_mu);
  auto pool = g_pool.lock();
  if (!pool) {
    pool = std::make_shared<Pool>();
    g_pool = pool;
  }
  return pool;
}

void SetTransportFactory(std::function<std::unique_ptr<Transport>(const HostSpec&)> factory) {
  std::lock_guard<std::mutex> lock(g_mu);
  g_factory = std::move(factory);
}

std::unique_ptr<Transport> MakeTransport(const HostSpec& s) {
  {
    std::lock_guard<std::mutex> lock(g_mu);
    if (g_factory) return g_factory(s);
  }
  if (s.type == "local") return NewLocalTransport(s.env);
  SshConfig c;
  c.address = s.address;
  c.port = s.port;
  c.user = s.user;
  c.private_key = s.private_key;
  c.pinned_key = s.host_key;
  c.env = s.env;
  return NewSshTransport(std::move(c));
}

Result<std::shared_ptr<Transport>> GetTransport(const HostSpec& spec) {
  std::shared_ptr<Pool> pool;
  {
    std::lock_guard<std::mutex> lock(g_mu);
    pool = g_pool.lock();
  }
  if (!pool) return std::shared_ptr<Transport>(MakeTransport(spec));
  std::lock_guard<std::mutex> lock(pool->mu);
  auto& slot = pool->transports[KeyOf(spec)];
  if (!slot) slot = MakeTransport(spec);
  return slot;
}

Result<int> KeepForward(const HostSpec& spec, int local_port, const std::string& remote_host,
                        int remote_port) {
  auto t = GetTransport(spec);
  if (!t) return t.diags();
  std::shared_ptr<Pool> pool = AcquirePool();
  std::lock_guard<std::mutex> lock(pool->mu);
  std::string key = KeyOf(spec) + "|" + std::to_string(local_port) + "|" + remote_host + ":" +
                    std::to_string(remote_port);
  auto it = pool->forwards.find(key);
  if (it != pool->forwards.end()) return it->second->local_port();
  auto fwd = (*t)->Forward(local_port, remote_host, remote_port);
  if (!fwd) return fwd.diags();
  int port = (*fwd)->local_port();
  pool->forwards[key] = std::move(*fwd);
  return port;
}

RunOptions StreamTo(const CallContext& ctx) {
  RunOptions o;
  o.cancel = ctx.cancel;
  if (ctx.progress) o.on_line = [&ctx](const std::string& line, bool) { ctx.Progress(line); };
  return o;
}

Status WaitForCloudInit(Transport& t, int timeout_seconds, double poll_seconds,
                        const CallContext& ctx) {
  using Clock = std::chrono::steady_clock;
  Status st;
  Command probe;
  probe.argv = {"sh", "-c",
                "if [ -f /var/lib/cloud/instance/boot-finished ]; then echo done; "
                "elif [ -d /var/lib/cloud ]; then echo waiting; else echo none; fi"};
  auto start = Clock::now();
  auto deadline = start + std::chrono::duration<double>(timeout_seconds);
  while (true) {
    RunOptions quiet;
    quiet.cancel = ctx.cancel;
    auto ran = RunChecked(t, probe, quiet, "waiting for cloud-init");
    if (!ran) return ran.diags();
    std::string answer = ran->out.substr(0, ran->out.find('\n'));
    if (answer == "done" || answer == "none") return st;
    auto waited = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - start).count();
    if (Clock::now() >= deadline) {
      st.Error("cloud-init did not finish on " + t.Name() + " within " +
                   std::to_string(timeout_seconds) + "s",
               "/var/lib/cloud/instance/boot-finished does not exist yet. Look at "
               "/var/log/cloud-init-output.log on the host, or raise cloud_init_timeout.");
      return st;
    }
    ctx.Progress("waiting for cloud-init on " + t.Name() + ", " + std::to_string(waited) + "s");
    auto until = Clock::now() + std::chrono::duration<double>(poll_seconds);
    while (Clock::now() < until) {
      if (ctx.cancelled()) {
        st.Error("waiting for cloud-init on " + t.Name() + " was cancelled");
        return st;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
}

}  // namespace capstan::host
