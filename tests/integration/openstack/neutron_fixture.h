// Shared fixture for the Neutron type integration tests (subnet, router, security group,
// port, floating IP): a configured provider, objects deleted at the end even when a check
// fails, and the planner's "would this plan a change?" question asked without an engine.
#pragma once

#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

#include "providers/openstack/os_provider.h"
#include "tests/integration/openstack/provider_fixture.h"

namespace capstan::testbed {

struct NeutronFixture {
  NeutronFixture() : provider(ConfiguredProvider()) {}
  /// Deletes what Make created, newest first (already-gone objects are fine).
  ~NeutronFixture() {
    for (auto it = made.rbegin(); it != made.rend(); ++it) {
      Status st = Type(it->type)->Delete(it->ctx, it->object);
      if (st.HasErrors()) WARN("cleanup of " + it->object.id + ": " + st.ToString());
    }
  }

  ResourceType* Type(const std::string& name) {
    ResourceType* t = provider->Type(name);
    REQUIRE(t != nullptr);
    return t;
  }

  /// Creates `type` at `address` in `stack` from `props` (defaults applied); remembered
  /// for cleanup.
  ObjectState Make(const std::string& stack, const std::string& address, const Value& raw) {
    std::string type = address.substr(0, address.rfind('.'));
    CallContext ctx = Ctx(stack, address);
    Value props = ApplyDefaults(Type(type)->schema(), raw);
    auto created = Type(type)->Create(ctx, props);
    if (!created.ok()) FAIL(address + ": " + created.diags().ToString());
    made.push_back({type, ctx, *created});
    return *created;
  }

  /// Refreshes one object the way `plan` does (ReadMany); nullopt when gone.
  std::optional<ObjectState> Refresh(const std::string& stack, const std::string& address,
                                     const ObjectState& prior) {
    std::string type = address.substr(0, address.rfind('.'));
    CallContext many = Ctx(stack, "");
    many.addresses = {Address::Parse(address).value()};
    auto read = Type(type)->ReadMany(many, {prior});
    REQUIRE(read.size() == 1);
    if (!read[0].ok()) FAIL(address + ": " + read[0].diags().ToString());
    return *read[0];
  }

  /// Inputs a plan of `raw` against `object` would change: what the planner compares
  /// (planned vs refreshed) plus what apply re-checks (written vs planned). Empty = no-op.
  std::vector<std::string> Diffs(const std::string& type, const Value& raw,
                                 const ObjectState& object) {
    const ResourceSchema& schema = Type(type)->schema();
    Value props = ApplyDefaults(schema, raw);
    Value planned = Type(type)->PlanAttributes(props, &object);
    std::vector<std::string> out;
    for (const auto& [name, value] : planned.items()) {
      if (!schema.IsInput(name)) continue;
      Value before = object.attributes.value(name, Value());
      bool same = !ContainsUnknown(value) && before == value;
      if (same && props.contains(name)) same = props[name] == before;
      if (!same) out.push_back(name + ": " + before.dump() + " -> " + value.dump());
    }
    return out;
  }

  /// The id of the test bed's external network `public`.
  std::string PublicNetworkId() {
    auto session = NewSession();
    auto nets =
        session->List(openstack::ApiCall::Get("network", "/v2.0/networks?name=public"), "networks");
    REQUIRE(nets.ok());
    REQUIRE(nets->size() == 1);
    return (*nets)[0]["id"].get<std::string>();
  }

  struct Made {
    std::string type;
    CallContext ctx;
    ObjectState object;
  };
  std::unique_ptr<Provider> provider;
  std::vector<Made> made;
};

}  // namespace capstan::testbed
