// Fixture for integration tests against the real OpenStack test bed on 127.0.0.1.
//
/// The test bed (tests/testbed/openstack/up.sh) writes $OSTB_DIR/clouds.yaml with the
/// clouds `ostb-admin` and `ostb-demo`. Tests here talk to it through the real provider
/// code and check results with the `openstack` CLI — a client we did not write. When the
/// test bed is not up, every test fails with a message saying how to start it: `make
/// test` starts it, so a silent skip would hide a broken setup.
#pragma once

#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "engine/value.h"
#include "providers/openstack/cloud_config.h"
#include "providers/openstack/session.h"
#include "providers/provider.h"

namespace capstan::testbed {

/// $CAPSTAN_OSTB_DIR, else $OSTB_DIR, else /tmp/openstack-testbed.
inline std::string Dir() {
  for (const char* v : {"CAPSTAN_OSTB_DIR", "OSTB_DIR"}) {
    if (const char* d = std::getenv(v); d && *d) return d;
  }
  return "/tmp/openstack-testbed";
}

inline std::string CloudsYaml() { return Dir() + "/clouds.yaml"; }

inline bool Available() { return std::filesystem::exists(CloudsYaml()); }

inline const char* kNotUp =
    "the OpenStack test bed is not up: run `bash tests/testbed/openstack/up.sh` (as root) or "
    "`make test`, which starts it";

/// The resolved config of a test bed cloud ("ostb-demo" by default).
inline openstack::CloudConfig Cloud(const std::string& name = "ostb-demo") {
  openstack::Environment env;
  env.vars["OS_CLIENT_CONFIG_FILE"] = CloudsYaml();
  env.system_dirs.clear();
  auto c = openstack::ResolveCloud(name, env);
  if (!c.ok()) throw std::runtime_error(c.diags().ToString());
  return *c;
}

/// A fresh session for a test bed cloud.
inline std::unique_ptr<openstack::Session> NewSession(const std::string& name = "ostb-demo") {
  return std::make_unique<openstack::Session>(Cloud(name));
}

/// A stack name unique to this process and call, so tests may run in parallel.
inline std::string UniqueStack(const std::string& prefix) {
  static std::atomic<int> n{0};
  return prefix + "-" + std::to_string(getpid()) + "-" + std::to_string(n++);
}

/// A call context for `address` (e.g. "openstack.network.net") in `stack`.
inline CallContext Ctx(const std::string& stack, const std::string& address) {
  CallContext ctx;
  ctx.stack = stack;
  if (!address.empty()) ctx.address = Address::Parse(address).value();
  return ctx;
}

struct CliResult {
  int status = -1;
  std::string out;  ///< stdout and stderr together.
};

/// Runs `openstack --os-cloud <cloud> <args>` (args are passed to the shell as written:
/// quote them) with the test bed's clouds.yaml and no OS_* auth variables.
inline CliResult OpenStackCli(const std::string& args, const std::string& cloud = "ostb-demo") {
  std::string cmd =
      "env -u OS_CLOUD -u OS_AUTH_URL -u OS_APPLICATION_CREDENTIAL_ID "
      "-u OS_APPLICATION_CREDENTIAL_SECRET -u OS_PASSWORD "
      "PATH=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin OS_CLIENT_CONFIG_FILE=" +
      CloudsYaml() + " openstack --os-cloud " + cloud + " " + args + " 2>&1";
  CliResult r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

/// `openstack ... -f json` parsed; null when the command failed or printed no JSON.
inline Value OpenStackJson(const std::string& args, const std::string& cloud = "ostb-demo") {
  CliResult r = OpenStackCli(args + " -f json", cloud);
  if (r.status != 0) return nullptr;
  try {
    return Value::parse(r.out);
  } catch (...) {
    return nullptr;
  }
}

}  // namespace capstan::testbed
