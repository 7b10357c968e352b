// The `kubernetes` Provider and its lazily connected Session (see kube_provider.h).
#include "providers/kubernetes/kube_provider.h"

#include <cstdlib>
#include <map>

#include "providers/type_map_provider.h"

namespace capstan {
namespace kube {

void Session::Configure(std::string kubeconfig, std::string context) {
  std::lock_guard<std::mutex> lock(mu_);
  kubeconfig_ = std::move(kubeconfig);
  context_ = std::move(context);
  client_.reset();
  error_ = Diagnostics();
}

Result<Client*> Session::Get() {
  std::lock_guard<std::mutex> lock(mu_);
  if (client_) return client_.get();
  if (error_.HasErrors()) return error_;
  std::string source = kubeconfig_;
  if (source.empty()) {
    const char* env = getenv("KUBECONFIG");
    source = env != nullptr && *env ? std::string(env) : std::string("~/.kube/config");
    // Like kubectl, the first file of a KUBECONFIG list.
    source = source.substr(0, source.find(':'));
  }
  Result<Connection> conn = LoadKubeconfigSource(source, context_);
  if (!conn.ok()) {
    for (const auto& item : conn.diags().items()) {
      error_.Error("providers.kubernetes: " + item.summary, item.detail);
    }
    return error_;
  }
  client_ = std::make_unique<Client>(*conn);
  return client_.get();
}

}  // namespace kube

namespace {

class KubernetesProvider : public TypeMapProvider {
 public:
  KubernetesProvider() {
    types_["k8s.manifest"] = kube::NewManifestType(session_);
    types_["k8s.addon"] = kube::NewAddonType(session_);
  }

  std::string name() const override { return "kubernetes"; }

  Status Configure(const Value& config) override {
    Status st;
    Value block = config.is_null() ? Value::object() : config;
    if (!block.is_object()) {
      st.Error("providers.kubernetes must be a map of settings");
      return st;
    }
    std::string kubeconfig, context;
    for (const auto& [key, value] : block.items()) {
      if (key != "kubeconfig" && key != "context") {
        st.Error("unknown key \"" + key + "\" in providers.kubernetes",
                 "Known keys: kubeconfig, context.");
        continue;
      }
      if (!value.is_string() && !value.is_null()) {
        st.Error("providers.kubernetes." + key + " must be a string");
        continue;
      }
      (key == "kubeconfig" ? kubeconfig : context) =
          value.is_string() ? value.get<std::string>() : std::string();
    }
    if (!st.HasErrors()) session_.Configure(kubeconfig, context);
    return st;
  }

  int MaxConcurrency() const override { return 8; }

 private:
  kube::Session session_;
};

}  // namespace

std::unique_ptr<Provider> NewKubernetesProvider() { return std::make_unique<KubernetesProvider>(); }

}  // namespace capstan
