// Typed resource addresses: the primary key in state and the syntax of --target.
//
/// An address names one resource instance:
///   openstack.network.main
///   openstack.port.node[2]
///   module.cluster["prod"].capi.cluster.this
///   module.a.module.b[0].local.file.f["x"]
/// A resource type is always two dot-separated segments, `provider.kind`
/// (`local.file`, `openstack.security_group_rule`); the name follows it. Keys are either
/// integers (count) or strings (for_each), printed as [3] and ["key"] with JSON string
/// escaping. Parse(ToString(a)) == a for every address, and ToString is canonical.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "engine/result.h"

namespace capstan {

/// No key, an integer key (count) or a string key (for_each).
using InstanceKey = std::variant<std::monostate, int64_t, std::string>;

/// "" for no key, "[3]" or "[\"k\"]" otherwise.
std::string KeyToString(const InstanceKey& key);

struct ModuleStep {
  std::string name;
  InstanceKey key;
  bool operator==(const ModuleStep&) const = default;
  auto operator<=>(const ModuleStep&) const = default;
};

struct Address {
  std::vector<ModuleStep> module;  ///< Empty for the root module.
  std::string type;                ///< "provider.kind"
  std::string name;
  InstanceKey key;

  /// Canonical form, e.g. module.m["a"].openstack.network.main[0].
  std::string ToString() const;
  /// "module.m[\"a\"]." prefix (with trailing dot) or "" for the root module.
  std::string ModulePrefix() const;
  /// The provider part of the type: "openstack" for "openstack.network".
  std::string Provider() const;
  /// The same address without its instance key (the resource, all instances).
  Address WithoutKey() const;

  static Result<Address> Parse(std::string_view text);

  bool operator==(const Address&) const = default;
  auto operator<=>(const Address&) const = default;
};

/// A --target / --exclude selector: a module path alone ("module.a", "module.a[\"x\"]"),
/// a resource without key (all its instances) or one instance.
struct Target {
  std::vector<ModuleStep> module;
  std::string type;  ///< Empty when the target is a whole module instance.
  std::string name;
  InstanceKey key;
  bool has_key = false;         ///< The resource part had an explicit [key].
  bool module_keyless = false;  ///< Last module step had no key: matches all instances.

  static Result<Target> Parse(std::string_view text);
  std::string ToString() const;
  bool Matches(const Address& a) const;
};

struct AddressHash {
  size_t operator()(const Address& a) const { return std::hash<std::string>()(a.ToString()); }
};

}  // namespace capstan
