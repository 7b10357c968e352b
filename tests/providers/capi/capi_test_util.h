// Shared inputs of the capi.cluster tests: properties built from a real SCS environment file.
//
/// The SCS environment files are what operators really ran (one is copied, unchanged, into
/// tests/providers/capi/data/); reading the flavors, DNS servers
/// and metadata of one of them keeps the golden files honest about real inputs. The
/// reader understands the subset those files use: `key = "string"`, `key = [ "a", "b" ]`,
/// `key = { k = "v" }` blocks and # comments.
#pragma once

#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "engine/value.h"

namespace capstan::testing {

inline Value ReadTfvars(const std::string& path) {
  std::ifstream in(path);
  Value out = Value::object();
  std::string line, map_key;
  static const std::regex kv(R"(^\s*([A-Za-z_0-9]+)\s*=\s*(.*?)\s*$)");
  static const std::regex quoted(R"("([^"]*)\")");
  while (std::getline(in, line)) {
    line = line.substr(0, line.find('#'));
    std::smatch m;
    if (!map_key.empty()) {
      if (line.find('}') != std::string::npos) {
        map_key.clear();
      } else if (std::regex_match(line, m, kv)) {
        std::smatch q;
        std::string v = m[2];
        if (std::regex_search(v, q, quoted)) out[map_key][m[1].str()] = q[1].str();
      }
      continue;
    }
    if (!std::regex_match(line, m, kv)) continue;
    std::string key = m[1], v = m[2];
    if (v == "{") {
      map_key = key;
      out[key] = Value::object();
    } else if (!v.empty() && v[0] == '[') {
      Value list = Value::array();
      for (std::sregex_iterator it(v.begin(), v.end(), quoted), end; it != end; ++it) {
        list.push_back((*it)[1].str());
      }
      out[key] = list;
    } else {
      std::smatch q;
      if (std::regex_search(v, q, quoted)) out[key] = q[1].str();
    }
  }
  return out;
}

/// capi.cluster properties for a cluster "demo" from SCS's gx-scs environment.
inline Value ScsClusterProps(const std::string& capo_api_version) {
  Value env = ReadTfvars(std::string(CAPSTAN_SOURCE_DIR) +
                         "/tests/providers/capi/data/environment-gx-scs.tfvars");
  Value p = {{"kubeconfig", "unused-in-rendering"},
             {"name", "demo"},
             {"kubernetes_version", "v1.28.x"},
             {"capo_api_version", capo_api_version},
             {"control_plane_flavor", env.value("controller_flavor", "")},
             {"worker_flavor", env.value("worker_flavor", "")},
             {"control_plane_count", 3},
             {"worker_count", 2},
             {"dns_nameservers", env.value("dns_nameservers", Value::array())},
             {"external_network_id", "ext01-id"},
             {"ssh_key_name", "capi-keypair"},
             {"security_groups", Value::array({"capi-allow-ssh", "capi-allow-icmp"})},
             {"anti_affinity", true},
             {"control_plane_server_group_id", "sg-controller-id"},
             {"worker_server_group_id", "sg-worker-id"},
             {"failure_domain", env.value("availability_zone", "")},
             {"control_plane_metadata", env.value("controller_metadata", Value::object())},
             {"cloud_name", env.value("cloud_provider", "")},
             {"auth_url", "https://keystone.example.invalid/v3"},
             {"region", "RegionOne"},
             {"project_id", "project-id-1"},
             {"application_credential_id", "appcred-id-1"},
             {"application_credential_secret", "APPCRED-SECRET-DO-NOT-LEAK"}};
  return p;
}

}  // namespace capstan::testing
