// Tests for cidrsubnet, cidrsubnets, cidrhost and cidrnetmask.
#include <catch2/catch.hpp>

#include "engine/config/functions.h"
#include "tests/engine/config/function_call.h"

namespace capstan {
namespace {

using functest::Err;
using functest::Ok;

TEST_CASE("cidrsubnet carves numbered subnets out of an IPv4 prefix", "[functions]") {
  CHECK(Ok("cidrsubnet", {"10.0.0.0/16", 8, 2}) == "10.0.2.0/24");
  CHECK(Ok("cidrsubnet", {"10.0.0.0/16", 8, 0}) == "10.0.0.0/24");
  CHECK(Ok("cidrsubnet", {"172.16.0.0/12", 4, 15}) == "172.31.0.0/16");
  CHECK(Ok("cidrsubnet", {"10.1.2.3/16", 0, 0}) == "10.1.0.0/16");
  CHECK(Ok("cidrsubnet", {"10.0.0.0/8", "8", "1"}) == "10.1.0.0/16");
}

TEST_CASE("cidrsubnet handles IPv6 prefixes", "[functions]") {
  CHECK(Ok("cidrsubnet", {"fd00::/56", 8, 1}) == "fd00:0:0:1::/64");
  CHECK(Ok("cidrsubnet", {"2001:db8::/32", 16, 65535}) == "2001:db8:ffff::/48");
}

TEST_CASE("cidrsubnet rejects bad prefixes, overflows and out-of-range numbers", "[functions]") {
  CHECK(Err("cidrsubnet", {"10.0.0.0", 8, 2}) ==
        "cidrsubnet: argument 1 must be a CIDR prefix such as \"10.0.0.0/16\", got \"10.0.0.0\"");
  CHECK(Err("cidrsubnet", {"10.0.0.300/16", 8, 2}).find("must be a CIDR prefix") !=
        std::string::npos);
  CHECK(Err("cidrsubnet", {"10.0.0.0/33", 1, 0}).find("must be a CIDR prefix") !=
        std::string::npos);
  CHECK(Err("cidrsubnet", {"10.0.0.0/16", 17, 0}) ==
        "cidrsubnet: not enough address space to extend prefix /16 by 17 bits");
  CHECK(Err("cidrsubnet", {"10.0.0.0/16", 8, 256}) ==
        "cidrsubnet: prefix extension of 8 bits does not accommodate a subnet numbered 256");
  CHECK(Err("cidrsubnet", {"10.0.0.0/16", 8, -1}).find("numbered -1") != std::string::npos);
  CHECK(Err("cidrsubnet", {"10.0.0.0/16", "x", 1}) ==
        "cidrsubnet: argument 2 must be a whole number, got string");
}

TEST_CASE("cidrhost numbers hosts from the start, or from the end when negative", "[functions]") {
  CHECK(Ok("cidrhost", {"10.0.2.0/24", 10}) == "10.0.2.10");
  CHECK(Ok("cidrhost", {"10.0.2.0/24", 0}) == "10.0.2.0");
  CHECK(Ok("cidrhost", {"10.0.2.0/24", -1}) == "10.0.2.255");
  CHECK(Ok("cidrhost", {"10.0.2.0/24", -256}) == "10.0.2.0");
  CHECK(Ok("cidrhost", {"fd00::/64", 5}) == "fd00::5");
  CHECK(Err("cidrhost", {"10.0.2.0/24", 256}) ==
        "cidrhost: prefix of 8 host bits has no host numbered 256");
  CHECK(Err("cidrhost", {"10.0.2.0/24", -257}).find("no host numbered -257") != std::string::npos);
}

TEST_CASE("cidrsubnets allocates consecutive aligned subnets", "[functions]") {
  CHECK(Ok("cidrsubnets", {"10.1.0.0/16", 4, 4, 8, 4}) ==
        Value::array({"10.1.0.0/20", "10.1.16.0/20", "10.1.32.0/24", "10.1.48.0/20"}));
  CHECK(Err("cidrsubnets", {"10.0.0.0/30", 1, 1, 1}).starts_with("cidrsubnets: not enough room"));
  CHECK(Err("cidrsubnets", {"10.0.0.0/30", 3}) ==
        "cidrsubnets: argument 2 must be between 1 and 2 new bits, got 3");
}

TEST_CASE("cidrnetmask renders an IPv4 prefix length as a dotted mask", "[functions]") {
  CHECK(Ok("cidrnetmask", {"10.0.0.0/20"}) == "255.255.240.0");
  CHECK(Ok("cidrnetmask", {"0.0.0.0/0"}) == "0.0.0.0");
  CHECK(Err("cidrnetmask", {"fd00::/64"}) == "cidrnetmask: IPv6 prefixes have no netmask notation");
}

}  // namespace
}  // namespace capstan
