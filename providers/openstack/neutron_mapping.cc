// Neutron read/write form mappings (see neutron_mapping.h).
#include "providers/openstack/neutron_mapping.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <vector>

#include "providers/openstack/fields.h"

namespace capstan::openstack {
namespace {

bool Has(const Value& v, const char* key) { return !Str(v, key).empty(); }

/// Index into `actual` that satisfies each entry of `shape` (-1: none). Entries naming an
/// IP are matched first, so a subnet-only entry never takes an IP another entry names.
std::vector<int> MatchFixedIps(const Value& actual, const Value& shape) {
  std::vector<int> match(shape.size(), -1);
  std::vector<bool> used(actual.size(), false);
  for (int pass = 0; pass < 2; ++pass) {
    for (size_t s = 0; s < shape.size(); ++s) {
      const Value& want = shape[s];
      bool by_ip = Has(want, "ip_address");
      if (by_ip != (pass == 0)) continue;
      for (size_t a = 0; a < actual.size(); ++a) {
        if (used[a]) continue;
        if (by_ip && Str(actual[a], "ip_address") != Str(want, "ip_address")) continue;
        if (Has(want, "subnet_id") && Str(actual[a], "subnet_id") != Str(want, "subnet_id")) {
          continue;
        }
        if (!by_ip && !Has(want, "subnet_id")) continue;
        used[a] = true;
        match[s] = static_cast<int>(a);
        break;
      }
    }
  }
  return match;
}

bool NullOrEqual(const Value& a, const Value& b) {
  bool an = a.is_null(), bn = b.is_null();
  if (an || bn) return an && bn;
  return a == b;
}

}  // namespace

const char* const kRuleFields[8] = {"security_group_id", "direction",      "ethertype",
                                    "protocol",          "port_range_min", "port_range_max",
                                    "remote_ip_prefix",  "remote_group_id"};

int IpVersion(const std::string& ip) {
  unsigned char buf[16];
  if (inet_pton(AF_INET, ip.c_str(), buf) == 1) return 4;
  if (inet_pton(AF_INET6, ip.c_str(), buf) == 1) return 6;
  return 0;
}

int CidrVersion(const std::string& cidr) {
  auto slash = cidr.find('/');
  if (slash == std::string::npos || slash + 1 >= cidr.size()) return 0;
  std::string len = cidr.substr(slash + 1);
  if (len.size() > 3 || !std::all_of(len.begin(), len.end(), ::isdigit)) return 0;
  int version = IpVersion(cidr.substr(0, slash));
  int bits = std::stoi(len);
  if (version == 4 && bits <= 32) return 4;
  if (version == 6 && bits <= 128) return 6;
  return 0;
}

Value OrderLike(const Value& actual, const Value& shape) {
  if (!actual.is_array() || !shape.is_array() || actual.size() != shape.size()) return actual;
  std::vector<Value> a(actual.begin(), actual.end()), s(shape.begin(), shape.end());
  std::sort(a.begin(), a.end());
  std::sort(s.begin(), s.end());
  return a == s ? shape : actual;
}

Value PlainFixedIps(const Value& fixed_ips) {
  Value out = Value::array();
  if (!fixed_ips.is_array()) return out;
  for (const Value& f : fixed_ips) {
    out.push_back({{"subnet_id", f.value("subnet_id", Value())},
                   {"ip_address", f.value("ip_address", Value())}});
  }
  return out;
}

Value ShapeFixedIps(const Value& actual, const Value& shape) {
  Value plain = PlainFixedIps(actual);
  if (!shape.is_array() || ContainsUnknown(shape)) return plain;
  std::vector<int> match = MatchFixedIps(plain, shape);
  std::vector<bool> used(plain.size(), false);
  Value out = Value::array();
  for (size_t s = 0; s < shape.size(); ++s) {
    if (match[s] < 0) continue;
    const Value& have = plain[match[s]];
    used[match[s]] = true;
    Value e = Value::object();
    for (const char* k : {"subnet_id", "ip_address"}) {
      if (Has(shape[s], k)) e[k] = have[k];
    }
    out.push_back(std::move(e));
  }
  for (size_t a = 0; a < plain.size(); ++a) {
    if (!used[a]) out.push_back(plain[a]);
  }
  return out;
}

Value FillFixedIps(const Value& wanted, const Value& actual) {
  if (!wanted.is_array()) return wanted;
  Value plain = PlainFixedIps(actual);
  std::vector<int> match = MatchFixedIps(plain, wanted);
  Value out = Value::array();
  for (size_t s = 0; s < wanted.size(); ++s) {
    out.push_back(match[s] < 0 ? wanted[s] : plain[match[s]]);
  }
  return out;
}

Value UserAddressPairs(const Value& pairs, const std::string& port_mac) {
  Value out = Value::array();
  if (!pairs.is_array()) return out;
  for (Value p : pairs) {
    if (p.is_object() && Lower(Str(p, "mac_address")) == Lower(port_mac)) p.erase("mac_address");
    out.push_back(std::move(p));
  }
  return out;
}

bool RuleMatches(const Value& rule, const Value& props) {
  for (const char* f : kRuleFields) {
    Value want = props.is_object() ? props.value(f, Value()) : Value();
    Value have = rule.is_object() ? rule.value(f, Value()) : Value();
    if (std::string(f) == "protocol" || std::string(f) == "ethertype") {
      if (want.is_string()) want = Lower(want.get<std::string>());
      if (have.is_string()) have = Lower(have.get<std::string>());
    }
    if (!NullOrEqual(want, have)) return false;
  }
  return true;
}

bool IsDefaultEgressRule(const Value& rule) {
  if (Str(rule, "direction") != "egress") return false;
  for (const char* f : {"protocol", "port_range_min", "port_range_max", "remote_ip_prefix",
                        "remote_group_id", "remote_address_group_id"}) {
    if (rule.contains(f) && !rule[f].is_null()) return false;
  }
  return Str(rule, "description").rfind("capstan-stack=", 0) != 0;
}

}  // namespace capstan::openstack
