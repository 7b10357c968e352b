// k8s.addon at plan time: planned attributes, the CNI-switch and version remarks, Validate.
#include "providers/kubernetes/addon_plan.h"

#include <catch2/catch.hpp>

#include "providers/kubernetes/kube_provider.h"

namespace capstan::kube {
namespace {

Value Props(Value extra) {
  Value p = ApplyDefaults(AddonSchema(), extra);
  return p;
}

Value Planned(const Value& props, const Value* prior) {
  Value base = props;
  return PlanAddonAttributes(base, props, prior);
}

}  // namespace

TEST_CASE("addon plan: resolved_version, cni and in_sync are known before apply", "[kube]") {
  Value p = Planned(Props({{"addon", "occm"}, {"kubernetes_version", "v1.28.x"}}), nullptr);
  CHECK(p["resolved_version"] == "v1.28.2");
  CHECK(p["cni"] == false);
  CHECK(p["in_sync"] == true);
  CHECK(IsUnknown(p["manifest_sha256"]));
  CHECK(IsUnknown(p["objects"]));
  CHECK(Planned(Props({{"addon", "calico"}}), nullptr)["cni"] == true);

  // A kubernetes_version from a cluster not yet created: known after apply.
  Value later = Planned(Props({{"addon", "occm"}, {"kubernetes_version", Unknown()}}), nullptr);
  CHECK(IsUnknown(later["resolved_version"]));
}

TEST_CASE("addon plan: pinned hashes and unchanged objects carry over from state", "[kube]") {
  Value props = Props({{"addon", "calico"}, {"settings", {{"veth_mtu", 1400}}}});
  const std::string key =
      "https://raw.githubusercontent.com/projectcalico/calico/v3.27.3/manifests/calico.yaml";
  Value prior = props;
  prior["resolved_version"] = "v3.27.3";
  prior["in_sync"] = true;
  prior["manifest_sha256"] = {{key, std::string(64, 'a')}};
  prior["objects"] = Value::array({Value{{"kind", "ConfigMap"}}});
  Value same = Planned(props, &prior);
  CHECK(same["manifest_sha256"] == prior["manifest_sha256"]);
  CHECK(same["objects"] == prior["objects"]);

  Value mtu = props;
  mtu["settings"]["veth_mtu"] = 1450;
  Value changed = Planned(mtu, &prior);
  CHECK(changed["manifest_sha256"] == prior["manifest_sha256"]);  // same file, same pin
  CHECK(IsUnknown(changed["objects"]));

  Value upgrade = props;
  upgrade["version"] = "v3.28.0";
  Value up = Planned(upgrade, &prior);
  CHECK(up["resolved_version"] == "v3.28.0");
  CHECK(IsUnknown(up["manifest_sha256"]));  // a new file: pinned on first use
}

TEST_CASE("addon plan: replacing calico by cilium is announced as disruptive", "[kube]") {
  Value prior{{"addon", "calico"}, {"resolved_version", "v3.27.3"}};
  Value planned{{"addon", "cilium"}, {"resolved_version", "v1.15.1"}};
  CHECK(AddonChangeNote(prior, planned) ==
        "switching CNI from calico to cilium is disruptive: pods lose networking until nodes "
        "are restarted");
  CHECK(AddonChangeNote(Value{{"addon", "metrics-server"}}, Value{{"addon", "flux"}}) == "");
}

TEST_CASE("addon plan: a version change names old and new, and a downgrade", "[kube]") {
  Value prior{{"addon", "occm"}, {"resolved_version", "v1.28.2"}};
  CHECK(AddonChangeNote(prior, Value{{"addon", "occm"}, {"resolved_version", "v1.29.0"}}) ==
        "occm v1.28.2 -> v1.29.0");
  CHECK(AddonChangeNote(prior, Value{{"addon", "occm"}, {"resolved_version", "v1.27.3"}}) ==
        "occm v1.28.2 -> v1.27.3 (a downgrade)");
  CHECK(AddonChangeNote(prior, prior) == "");
  CHECK(AddonChangeNote(prior, Value{{"addon", "occm"}, {"resolved_version", Unknown()}}) == "");
}

TEST_CASE("addon plan: Validate refuses reported attributes and wrong settings", "[kube]") {
  Session session;
  auto type = NewAddonType(session);
  Diagnostics d = type->Validate(Value{{"addon", "calico"}, {"resolved_version", "v3.27.3"}});
  REQUIRE(d.HasErrors());
  CHECK_THAT(d.ToString(), Catch::Contains("resolved_version is reported by capstan"));
  d = type->Validate(Value{{"addon", "calico"}, {"settings", {{"vethmtu", 1}}}});
  REQUIRE(d.HasErrors());
  CHECK(d.items()[0].key == "properties.settings");
  CHECK_FALSE(type->Validate(Value{{"addon", "calico"}, {"kubeconfig", Unknown()}}).HasErrors());
  // The review hook carries the remark into the plan.
  ObjectState prior{"calico-v3.27.3", Value{{"addon", "calico"}, {"resolved_version", "v3.27.3"}}};
  auto review = type->ReviewChange(Value{{"addon", "cilium"}}, prior);
  CHECK_THAT(review.note, Catch::StartsWith("switching CNI from calico to cilium"));
}

}  // namespace capstan::kube
