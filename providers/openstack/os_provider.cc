// The `openstack` provider (see docs/providers/openstack.md).
//
/// Configure resolves the cloud exactly like the `openstack` CLI (cloud_config.h) but
/// does not authenticate: `validate` and a plan of a stack without OpenStack objects in
/// state never touch the network, and a cloud that cannot be resolved is reported on the
/// first call that needs it, with the resource's address, rather than failing every
/// command up front.
#include "providers/openstack/os_provider.h"

#include <algorithm>

#include "providers/openstack/cloud_config.h"
#include "providers/openstack/session.h"
#include "providers/openstack/types.h"

namespace capstan {
namespace {

using openstack::Session;

/// Parallel calls against one cloud. Keystone and Neutron in small clouds (and the test
/// bed's uwsgi with 8 threads) answer 503 when flooded; 8 keeps them busy but healthy.
constexpr int kDefaultConcurrency = 8;

class OpenStackProvider : public Provider {
 public:
  OpenStackProvider() {
    Diagnostics d;
    d.Error("provider \"openstack\" was used before it was configured");
    session_ = std::make_unique<Session>(d);
    AddTypes();
  }

  std::string name() const override { return "openstack"; }

  Status Configure(const Value& config) override {
    Value block = config.is_null() ? Value::object() : config;
    Status st;
    if (block.is_object() && block.contains("max_concurrency")) {
      if (!block["max_concurrency"].is_number_integer() || block["max_concurrency"] < 1) {
        st.Error("max_concurrency must be a positive integer");
        return st;
      }
      concurrency_ = block["max_concurrency"].get<int>();
      block.erase("max_concurrency");
    }
    if (!block.is_object()) {
      st.Error("providers.openstack must be a map of settings");
      return st;
    }
    for (const auto& [key, value] : block.items()) {
      const auto& known = openstack::ProviderConfigKeys();
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        std::string list = "max_concurrency";
        for (const auto& k : known) list += ", " + k;
        st.Error("unknown key \"" + key + "\" in providers.openstack", "Known keys: " + list + ".");
      }
    }
    if (st.HasErrors()) return st;
    auto cloud = openstack::ResolveProviderConfig(block, openstack::Environment::FromProcess());
    if (cloud.ok()) {
      session_ = std::make_unique<Session>(*cloud);
    } else {
      session_ = std::make_unique<Session>(cloud.diags());
    }
    AddTypes();
    return st;
  }

  std::vector<std::string> TypeNames() const override {
    std::vector<std::string> names;
    for (const auto& [n, t] : types_) names.push_back(n);
    return names;
  }

  ResourceType* Type(std::string_view type) override {
    auto it = types_.find(std::string(type));
    return it == types_.end() ? nullptr : it->second.get();
  }

  int MaxConcurrency() const override { return concurrency_; }

 private:
  void AddTypes() {
    types_.clear();
    openstack::AddNetworkTypes(types_, *session_);
    openstack::AddComputeTypes(types_, *session_);
    openstack::AddIdentityTypes(types_, *session_);
    openstack::AddStorageTypes(types_, *session_);
    openstack::AddLookupTypes(types_, *session_);
  }

  std::unique_ptr<Session> session_;
  openstack::TypeTable types_;
  int concurrency_ = kDefaultConcurrency;
};

}  // namespace

std::unique_ptr<Provider> NewOpenStackProvider() { return std::make_unique<OpenStackProvider>(); }

}  // namespace capstan
