// Helpers for whole-stack scenarios: the real `capstan` binary against the test bed,
// with everything checked through the `openstack` CLI.
//
/// A scenario copies an example (examples/openstack-mgmt) into a sandbox, gives it a unique stack
/// name and prefix (so scenarios can run in parallel), and counts what exists in the
/// cloud by capstan's ownership marks — the proof that nothing was duplicated or left
/// behind is made with a client capstan did not write.
#pragma once

#include <fcntl.h>
#include <sys/file.h>

#include <filesystem>
#include <map>
#include <regex>
#include <string>

#include "tests/cli/harness.h"
#include "tests/integration/openstack/testbed.h"

namespace capstan::scenario {

/// v[key] as a string; "" when absent or not a string (the CLI prints null for unset).
inline std::string Text(const Value& v, const std::string& key) {
  if (!v.is_object() || !v.contains(key) || !v[key].is_string()) return {};
  return v[key].get<std::string>();
}

/// The image the example boots from exists (a 1 MiB raw public image uploaded as admin).
/// Serialized with a lock file: parallel scenarios must not upload it twice.
inline void EnsureImage(const std::string& name = "Ubuntu 22.04") {
  std::string lock_path = testbed::Dir() + "/capstan-image.lock";
  int fd = open(lock_path.c_str(), O_CREAT | O_RDWR, 0600);
  if (fd >= 0) flock(fd, LOCK_EX);
  Value images = testbed::OpenStackJson("image list --name '" + name + "'", "ostb-admin");
  if (!images.is_array() || images.empty()) {
    std::string file = testbed::Dir() + "/capstan-test-image.raw";
    clitest::WriteFile(file, std::string(1 << 20, '\0'));
    auto r = testbed::OpenStackCli(
        "image create --public --disk-format raw --container-format "
        "bare --file " +
            file + " '" + name + "'",
        "ostb-admin");
    if (r.status != 0) throw std::runtime_error("image upload failed: " + r.out);
  }
  if (fd >= 0) close(fd);
}

/// A sandbox holding examples/<example> as stack `stack` (its `stack:` line in
/// stack.yaml renamed), pointed at ostb-demo.
inline void PrepareExampleStack(clitest::Sandbox& box, const std::string& example,
                                const std::string& stack) {
  namespace fs = std::filesystem;
  fs::path src = fs::path(CAPSTAN_SOURCE_DIR) / "examples" / example;
  for (const auto& e : fs::directory_iterator(src)) {
    fs::copy(e.path(), box.Path(e.path().filename().string()), fs::copy_options::recursive);
  }
  std::string text = box.Read("stack.yaml");
  text = std::regex_replace(text, std::regex("\nstack: " + example + "\n"),
                            "\nstack: " + stack + "\n");
  box.Write("stack.yaml", text);
  box.SetEnv("OS_CLIENT_CONFIG_FILE", testbed::CloudsYaml());
  box.SetEnv("OS_CLOUD", "ostb-demo");
  for (const char* v : {"OS_AUTH_URL", "OS_PASSWORD", "OS_APPLICATION_CREDENTIAL_ID",
                        "OS_APPLICATION_CREDENTIAL_SECRET", "OS_USERNAME"}) {
    box.UnsetEnv(v);
  }
}

/// A sandbox holding examples/openstack-mgmt as stack `stack`, pointed at ostb-demo.
inline void PrepareMgmtStack(clitest::Sandbox& box, const std::string& stack) {
  PrepareExampleStack(box, "openstack-mgmt", stack);
}

/// The variables a scenario passes: a unique prefix, a flavor the test bed has, the
/// test bed's external network.
inline std::vector<std::string> MgmtVars(const std::string& prefix) {
  return {"--var", "prefix=" + prefix,       "--var", "flavor=SCS-2V-4-20s",
          "--var", "external_network=public"};
}

/// A capstan command line followed by MgmtVars(prefix).
inline std::vector<std::string> MgmtArgs(std::vector<std::string> head, const std::string& prefix) {
  for (auto& v : MgmtVars(prefix)) head.push_back(v);
  return head;
}

/// Number of objects of each kind carrying `capstan-stack=<stack>` (tags, metadata or
/// description), counted with the `openstack` CLI. Keys: network, subnet, router, port,
/// security_group, security_group_rule, floating_ip, server, keypair (by name prefix),
/// application_credential.
inline std::map<std::string, int> CountOwned(const std::string& stack, const std::string& prefix) {
  std::map<std::string, int> n;
  std::string tag = "--tags capstan-stack=" + stack;
  auto count = [](const Value& v) { return v.is_array() ? static_cast<int>(v.size()) : -1; };
  n["network"] = count(testbed::OpenStackJson("network list " + tag));
  n["subnet"] = count(testbed::OpenStackJson("subnet list " + tag));
  n["router"] = count(testbed::OpenStackJson("router list " + tag));
  n["port"] = count(testbed::OpenStackJson("port list " + tag));
  n["security_group"] = count(testbed::OpenStackJson("security group list " + tag));
  n["floating_ip"] = count(testbed::OpenStackJson("floating ip list " + tag));
  std::string mark = "capstan-stack=" + stack + " ";
  // The CLI's rule list has no description column; `security group show` has the rules
  // in full. Rules live and die with their group, so the stack's groups hold them all.
  int rules = 0;
  Value groups = testbed::OpenStackJson("security group list " + tag);
  if (groups.is_array()) {
    for (const Value& g : groups) {
      Value shown = testbed::OpenStackJson("security group show " + Text(g, "ID"));
      if (!shown.is_object() || !shown["rules"].is_array()) {
        rules = -1;
        break;
      }
      for (const Value& r : shown["rules"]) {
        if (Text(r, "description").rfind(mark, 0) == 0) ++rules;
      }
    }
  }
  n["security_group_rule"] = groups.is_array() ? rules : -1;
  int servers = 0;
  Value all_servers = testbed::OpenStackJson("server list --name '^" + prefix + "-'");
  if (all_servers.is_array()) servers = static_cast<int>(all_servers.size());
  n["server"] = all_servers.is_array() ? servers : -1;
  int keypairs = 0;
  Value all_keys = testbed::OpenStackJson("keypair list");
  if (all_keys.is_array()) {
    for (const Value& k : all_keys) {
      if (Text(k, "Name").rfind(prefix + "-", 0) == 0) ++keypairs;
    }
  }
  n["keypair"] = all_keys.is_array() ? keypairs : -1;
  int creds = 0;
  Value all_creds = testbed::OpenStackJson("application credential list");
  if (all_creds.is_array()) {
    for (const Value& c : all_creds) {
      if (Text(c, "Description").rfind(mark, 0) == 0) ++creds;
    }
  }
  n["application_credential"] = all_creds.is_array() ? creds : -1;
  return n;
}

/// What examples/openstack-mgmt owns once applied, per kind as CountOwned counts it.
inline const std::map<std::string, int>& MgmtExpected() {
  static const std::map<std::string, int> e = {{"application_credential", 1},
                                               {"floating_ip", 1},
                                               {"keypair", 1},
                                               {"network", 1},
                                               {"port", 1},
                                               {"router", 1},
                                               {"security_group", 3},
                                               {"security_group_rule", 4},
                                               {"server", 1},
                                               {"subnet", 1}};
  return e;
}

/// "network=1 subnet=1 ..." for failure messages.
inline std::string Describe(const std::map<std::string, int>& counts) {
  std::string s;
  for (const auto& [k, v] : counts) s += k + "=" + std::to_string(v) + " ";
  return s;
}

}  // namespace capstan::scenario
