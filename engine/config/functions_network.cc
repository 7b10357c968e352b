// CIDR arithmetic: cidrsubnet, cidrsubnets, cidrhost, cidrnetmask.
//
/// The SCS stacks carve node, pod and service networks out of one prefix
/// (`${cidrsubnet(var.cidr, 8, count.index)}`) and pin well-known hosts such as the
/// management VM or the API load balancer (`${cidrhost(var.node_cidr, 10)}`). Addresses
/// are held as one 128-bit integer for both families, so IPv4 and IPv6 share the same
/// few lines of arithmetic; inet_pton/inet_ntop do the parsing and canonical printing.
#include <arpa/inet.h>
#include <fmt/format.h>

#include <cstring>

#include "engine/config/functions.h"

namespace capstan::functions_detail {
namespace {

using U128 = unsigned __int128;

struct Prefix {
  bool v6 = false;
  U128 addr = 0;  ///< The network address (host bits cleared).
  int len = 0;
  int bits() const { return v6 ? 128 : 32; }
};

/// 2^n for n in [0, 128]; 0 stands for 2^128 (only ever compared with care).
U128 Pow2(int n) { return n >= 128 ? 0 : static_cast<U128>(1) << n; }

U128 HostMask(int host_bits) {
  return host_bits >= 128 ? ~static_cast<U128>(0) : Pow2(host_bits) - 1;
}

Result<Prefix> PrefixArg(const Call& call, size_t index) {
  auto s = StringArg(call, index);
  if (!s) return s.diags();
  auto bad = [&] {
    return Fail(call, fmt::format("argument {} must be a CIDR prefix such as \"10.0.0.0/16\", got "
                                  "\"{}\"",
                                  index + 1, *s));
  };
  size_t slash = s->find('/');
  if (slash == std::string::npos) return bad();
  std::string ip = s->substr(0, slash), len = s->substr(slash + 1);
  Prefix p;
  p.v6 = ip.find(':') != std::string::npos;
  unsigned char buf[16] = {};
  if (inet_pton(p.v6 ? AF_INET6 : AF_INET, ip.c_str(), buf) != 1) return bad();
  if (len.empty() || len.size() > 3 || len.find_first_not_of("0123456789") != std::string::npos) {
    return bad();
  }
  p.len = std::stoi(len);
  if (p.len > p.bits()) return bad();
  for (int i = 0; i < p.bits() / 8; ++i) p.addr = (p.addr << 8) | buf[i];
  p.addr &= ~HostMask(p.bits() - p.len);
  return p;
}

std::string FormatAddr(bool v6, U128 addr) {
  unsigned char buf[16] = {};
  int n = v6 ? 16 : 4;
  for (int i = n - 1; i >= 0; --i) {
    buf[i] = static_cast<unsigned char>(addr & 0xFF);
    addr >>= 8;
  }
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6 ? AF_INET6 : AF_INET, buf, text, sizeof text);
  return text;
}

/// The `netnum`th subnet of `p` with `newbits` more prefix bits, or an error.
Result<std::string> Subnet(const Call& call, const Prefix& p, int64_t newbits, int64_t netnum) {
  if (newbits < 0) return Fail(call, "newbits must not be negative");
  if (p.len + newbits > p.bits()) {
    return Fail(call, fmt::format("not enough address space to extend prefix /{} by {} bits", p.len,
                                  newbits));
  }
  int newlen = p.len + static_cast<int>(newbits);
  if (netnum < 0 || (newbits < 64 && static_cast<uint64_t>(netnum) >= (uint64_t{1} << newbits))) {
    return Fail(call, fmt::format("prefix extension of {} bits does not accommodate a subnet "
                                  "numbered {}",
                                  newbits, netnum));
  }
  int shift = p.bits() - newlen;
  U128 addr = shift >= 128 ? p.addr : p.addr | (static_cast<U128>(netnum) << shift);
  return fmt::format("{}/{}", FormatAddr(p.v6, addr), newlen);
}

Result<Value> CidrSubnet(const Call& call) {
  auto p = PrefixArg(call, 0);
  if (!p) return p.diags();
  auto newbits = IntegerArg(call, 1);
  if (!newbits) return newbits.diags();
  auto netnum = IntegerArg(call, 2);
  if (!netnum) return netnum.diags();
  auto s = Subnet(call, *p, *newbits, *netnum);
  if (!s) return s.diags();
  return Value(*s);
}

/// Consecutive, aligned subnets of the given sizes, as Terraform's cidrsubnets().
Result<Value> CidrSubnets(const Call& call) {
  auto p = PrefixArg(call, 0);
  if (!p) return p.diags();
  Value out = Value::array();
  U128 next = p->addr;
  U128 end = p->addr | HostMask(p->bits() - p->len);  // last address of the prefix
  bool exhausted = false;
  for (size_t i = 1; i < call.args.size(); ++i) {
    auto newbits = IntegerArg(call, i);
    if (!newbits) return newbits.diags();
    if (*newbits < 1 || p->len + *newbits > p->bits()) {
      return Fail(call, fmt::format("argument {} must be between 1 and {} new bits, got {}", i + 1,
                                    p->bits() - p->len, *newbits));
    }
    int host_bits = p->bits() - p->len - static_cast<int>(*newbits);
    U128 mask = HostMask(host_bits);
    U128 start = (next + mask) & ~mask;  // align up
    if (exhausted || start < next || start > end || (start | mask) > end) {
      return Fail(call, fmt::format("not enough room in {} for subnet {} (argument {})",
                                    call.args[0].get<std::string>(), i, i + 1));
    }
    out.push_back(fmt::format("{}/{}", FormatAddr(p->v6, start), p->bits() - host_bits));
    U128 after = (start | mask) + 1;
    exhausted = after == 0 || after > end;
    next = after;
  }
  return out;
}

Result<Value> CidrHost(const Call& call) {
  auto p = PrefixArg(call, 0);
  if (!p) return p.diags();
  auto hostnum = IntegerArg(call, 1);
  if (!hostnum) return hostnum.diags();
  int host_bits = p->bits() - p->len;
  U128 max = HostMask(host_bits);  // the largest host number
  U128 offset = 0;
  bool fits = true;
  if (*hostnum >= 0) {
    offset = static_cast<U128>(*hostnum);
    fits = offset <= max;
  } else {
    U128 back = static_cast<U128>(-(*hostnum + 1)) + 1;  // |hostnum| without overflow
    fits = back - 1 <= max;
    offset = max - (back - 1);
  }
  if (!fits) {
    return Fail(call,
                fmt::format("prefix of {} host bits has no host numbered {}", host_bits, *hostnum));
  }
  return Value(FormatAddr(p->v6, p->addr + offset));
}

Result<Value> CidrNetmask(const Call& call) {
  auto p = PrefixArg(call, 0);
  if (!p) return p.diags();
  if (p->v6) return Fail(call, "IPv6 prefixes have no netmask notation");
  return Value(FormatAddr(false, ~HostMask(32 - p->len) & 0xFFFFFFFFu));
}

constexpr Spec kNetwork[] = {
    {"cidrhost", 2, 2, CidrHost},
    {"cidrnetmask", 1, 1, CidrNetmask},
    {"cidrsubnet", 3, 3, CidrSubnet},
    {"cidrsubnets", 2, -1, CidrSubnets},
};

}  // namespace

std::span<const Spec> NetworkFunctions() { return kNetwork; }

}  // namespace capstan::functions_detail
