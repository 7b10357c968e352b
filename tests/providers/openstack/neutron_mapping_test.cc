// Tests for the Neutron read/write form mappings: CIDR syntax, set order, fixed-IP
// shaping and filling, address-pair MACs, rule content and default egress rules.
#include "providers/openstack/neutron_mapping.h"

#include <catch2/catch.hpp>

namespace capstan::openstack {
namespace {

TEST_CASE("CidrVersion and IpVersion accept only well-formed addresses", "[neutron]") {
  CHECK(CidrVersion("10.0.0.0/24") == 4);
  CHECK(CidrVersion("0.0.0.0/0") == 4);
  CHECK(CidrVersion("fd00::/64") == 6);
  CHECK(CidrVersion("10.0.0.0/33") == 0);
  CHECK(CidrVersion("10.0.0.0") == 0);
  CHECK(CidrVersion("10.0.0.0/") == 0);
  CHECK(CidrVersion("10.0.0/24") == 0);
  CHECK(CidrVersion("10.0.0.0/2x") == 0);
  CHECK(CidrVersion("fd00::/129") == 0);
  CHECK(IpVersion("10.0.0.1") == 4);
  CHECK(IpVersion("::1") == 6);
  CHECK(IpVersion("none") == 0);
}

TEST_CASE("OrderLike keeps the written order of an equal set", "[neutron]") {
  Value actual = {"b", "a"};
  CHECK(OrderLike(actual, Value{"a", "b"}) == Value({"a", "b"}));
  CHECK(OrderLike(actual, Value{"a", "c"}) == actual);
  CHECK(OrderLike(actual, Value{"a"}) == actual);
  CHECK(OrderLike(actual, Value()) == actual);
}

TEST_CASE("ShapeFixedIps reads back the written form while it still holds", "[neutron]") {
  Value actual = {{{"subnet_id", "s1"}, {"ip_address", "10.0.0.5"}},
                  {{"subnet_id", "s2"}, {"ip_address", "10.1.0.7"}}};
  // Subnet-only entries read back without the address the cloud chose.
  Value shape = {{{"subnet_id", "s2"}}, {{"subnet_id", "s1"}}};
  CHECK(ShapeFixedIps(actual, shape) == shape);
  // An address-only entry keeps its own key; extra addresses are appended in full.
  Value by_ip = {{{"ip_address", "10.1.0.7"}}};
  CHECK(ShapeFixedIps(actual, by_ip) ==
        Value({{{"ip_address", "10.1.0.7"}}, {{"subnet_id", "s1"}, {"ip_address", "10.0.0.5"}}}));
  // An entry the port no longer satisfies is left out (drift).
  Value moved = {{{"subnet_id", "s1"}, {"ip_address", "10.0.0.9"}}};
  CHECK(ShapeFixedIps(Value::array({actual[0]}), moved) == Value::array({actual[0]}));
  // No shape: everything, keys normalised.
  Value noisy = {{{"subnet_id", "s1"}, {"ip_address", "10.0.0.5"}, {"extra", 1}}};
  CHECK(ShapeFixedIps(noisy, Value()) == Value::array({actual[0]}));
  CHECK(ShapeFixedIps(actual, Value{{{"subnet_id", Unknown()}}}) == actual);
}

TEST_CASE("FillFixedIps keeps addresses the port already has", "[neutron]") {
  Value actual = {{{"subnet_id", "s1"}, {"ip_address", "10.0.0.5"}}};
  Value wanted = {{{"subnet_id", "s1"}}, {{"subnet_id", "s2"}}};
  CHECK(FillFixedIps(wanted, actual) ==
        Value({{{"subnet_id", "s1"}, {"ip_address", "10.0.0.5"}}, {{"subnet_id", "s2"}}}));
  // An explicit address on the same subnet is not satisfied by another one.
  Value explicit_ip = {{{"subnet_id", "s1"}, {"ip_address", "10.0.0.9"}}};
  CHECK(FillFixedIps(explicit_ip, actual) == explicit_ip);
}

TEST_CASE("UserAddressPairs drops the port's own MAC only", "[neutron]") {
  Value pairs = {{{"ip_address", "10.0.0.200"}, {"mac_address", "FA:16:3E:00:00:01"}},
                 {{"ip_address", "10.0.0.201"}, {"mac_address", "fa:16:3e:00:00:02"}}};
  Value out = UserAddressPairs(pairs, "fa:16:3e:00:00:01");
  CHECK(out[0] == Value({{"ip_address", "10.0.0.200"}}));
  CHECK(out[1] == pairs[1]);
}

TEST_CASE("RuleMatches compares the whole content and IsDefaultEgressRule spots defaults",
          "[neutron]") {
  Value rule = {{"security_group_id", "g"},    {"direction", "ingress"},    {"ethertype", "IPv4"},
                {"protocol", "tcp"},           {"port_range_min", 22},      {"port_range_max", 22},
                {"remote_ip_prefix", nullptr}, {"remote_group_id", nullptr}};
  Value props = {{"security_group_id", "g"}, {"direction", "ingress"}, {"ethertype", "IPv4"},
                 {"protocol", "TCP"},        {"port_range_min", 22},   {"port_range_max", 22}};
  CHECK(RuleMatches(rule, props));
  props["port_range_max"] = 23;
  CHECK_FALSE(RuleMatches(rule, props));
  props["port_range_max"] = 22;
  props["remote_ip_prefix"] = "0.0.0.0/0";
  CHECK_FALSE(RuleMatches(rule, props));

  Value egress = {{"direction", "egress"},
                  {"ethertype", "IPv6"},
                  {"protocol", nullptr},
                  {"remote_ip_prefix", nullptr},
                  {"description", ""}};
  CHECK(IsDefaultEgressRule(egress));
  egress["description"] = "capstan-stack=s capstan-addr=a";
  CHECK_FALSE(IsDefaultEgressRule(egress));
  CHECK_FALSE(IsDefaultEgressRule(rule));
}

}  // namespace
}  // namespace capstan::openstack
