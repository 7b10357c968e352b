// Pure mappings between what users write for Neutron objects and what the API returns.
//
/// Neutron answers in its own form: IPs the user left to the cloud filled in, sets in its
/// own order, the port's MAC repeated in every address pair. The engine compares the read
/// form with the written form key by key, so each type reshapes what it reads to look
/// like what the user wrote whenever the two mean the same thing. These functions do that
/// (and the syntax checks of Validate) without I/O, so they are pinned by unit tests.
#pragma once

#include <string>

#include "engine/value.h"

namespace capstan::openstack {

/// Address family (4 or 6) of an IP address, or 0 when `ip` is not one.
int IpVersion(const std::string& ip);
/// Address family (4 or 6) of a CIDR ("10.0.0.0/24", "fd00::/64"), or 0 when malformed
/// (missing or out-of-range prefix length, bad address).
int CidrVersion(const std::string& cidr);

/// `actual` (an array) in the order of `shape` when both hold the same elements (a set
/// written in another order); otherwise `actual` unchanged.
Value OrderLike(const Value& actual, const Value& shape);

/// A port's fixed_ips as {subnet_id, ip_address} objects (other keys dropped).
Value PlainFixedIps(const Value& fixed_ips);
/// The port's `actual` fixed IPs in the form of `shape` (the user's list): an entry the
/// user wrote as {subnet_id} reads back as {subnet_id} while the port holds an IP on that
/// subnet; entries the user did not write are appended in full; a written entry the port
/// no longer satisfies is left out (so the difference shows as drift). A null or unknown
/// shape returns `actual` in full.
Value ShapeFixedIps(const Value& actual, const Value& shape);
/// `wanted` (the user's list) with each entry the port already satisfies replaced by the
/// full entry it holds: the body that changes only what must change.
Value FillFixedIps(const Value& wanted, const Value& actual);

/// allowed_address_pairs without mac_address where it is the port's own MAC (Neutron
/// fills it in when the user leaves it out).
Value UserAddressPairs(const Value& pairs, const std::string& port_mac);

/// The fields that make up a security-group rule's content.
extern const char* const kRuleFields[8];
/// True when the API `rule` has exactly the content `props` asks for (unset = null;
/// protocol and ethertype compared case-insensitively).
bool RuleMatches(const Value& rule, const Value& props);
/// True for one of the "allow all egress" rules Neutron adds to every new group.
bool IsDefaultEgressRule(const Value& rule);

}  // namespace capstan::openstack
