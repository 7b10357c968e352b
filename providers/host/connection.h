// Host connections as values, and the shared transports behind them.
//
/// A host.node's `connection` attribute is a map (type, address, port, user,
/// private_key, host_key, env) that kind.cluster, helm.release and capi.management take
/// as their `host` property. This file turns that map into a Transport, and shares one
/// transport (one ssh control master) per distinct connection for as long as any host
/// provider instance lives. Port forwards that must outlive a call (kind's API server)
/// are kept here too. Tests swap in their own transports with SetTransportFactory.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "engine/result.h"
#include "engine/value.h"
#include "providers/host/transport.h"
#include "providers/provider.h"

namespace capstan::host {

struct HostSpec {
  std::string type = "local";  ///< "local" or "ssh".
  std::string address;
  int port = 22;
  std::string user;
  std::string private_key;  ///< Sensitive.
  std::string host_key;     ///< Pinned "type base64"; empty before first contact.
  std::map<std::string, std::string> env;
};

/// Reads a connection map; errors name `key` (e.g. "properties.host.port").
Result<HostSpec> ParseHostSpec(const Value& v, const std::string& key);
Value HostSpecToValue(const HostSpec& spec);

/// Keeps the shared transports alive; every host provider instance holds one.
class Pool;
std::shared_ptr<Pool> AcquirePool();

/// The shared transport for `spec` (created on first use).
Result<std::shared_ptr<Transport>> GetTransport(const HostSpec& spec);
/// A transport of its own for `spec`, not shared (host.node's first contact).
std::unique_ptr<Transport> MakeTransport(const HostSpec& spec);

/// Opens (once per process) a forward through `spec`'s transport and keeps it until the
/// last host provider instance goes away. Returns the local port.
Result<int> KeepForward(const HostSpec& spec, int local_port, const std::string& remote_host,
                        int remote_port);

/// Replaces how transports are made (tests); an empty function restores the default.
void SetTransportFactory(std::function<std::unique_ptr<Transport>(const HostSpec&)> factory);

/// Waits until cloud-init has finished on the host: polls for
/// /var/lib/cloud/instance/boot-finished every `poll_seconds`; a host without
/// /var/lib/cloud has no cloud-init and is ready at once. Gives up after
/// `timeout_seconds` or on cancel.
Status WaitForCloudInit(Transport& t, int timeout_seconds, double poll_seconds,
                        const CallContext& ctx);

/// RunOptions that forward every output line to ctx.Progress and honour cancellation.
RunOptions StreamTo(const CallContext& ctx);

}  // namespace capstan::host
