// Client (see client.h): discovery, apply, get, list, delete.
#include "providers/kubernetes/client.h"

#include <algorithm>

namespace capstan::kube {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string GroupVersionPath(const std::string& api_version) {
  return api_version.find('/') == std::string::npos ? "/api/" + api_version
                                                    : "/apis/" + api_version;
}

std::string StrAt(const Value& v, const char* a, const char* b = nullptr) {
  if (!v.is_object() || !v.contains(a)) return "";
  const Value& x = v[a];
  if (b == nullptr) return x.is_string() ? x.get<std::string>() : "";
  if (!x.is_object() || !x.contains(b) || !x[b].is_string()) return "";
  return x[b].get<std::string>();
}

/// An error from a non-2xx answer: "<verb> <what>: <server message> (HTTP n)".
Diagnostics HttpError(const std::string& verb, const std::string& what, const HttpAnswer& a) {
  Diagnostics d;
  d.Error(verb + " " + what + ": HTTP " + std::to_string(a.status), ServerMessage(a.body));
  return d;
}

}  // namespace

std::string ObjectRef::ToString() const {
  return api_version + " " + kind + " " + (ns.empty() ? name : ns + "/" + name);
}

Value ObjectRef::ToValue() const {
  return Value{{"apiVersion", api_version}, {"kind", kind}, {"namespace", ns}, {"name", name}};
}

ObjectRef ObjectRef::FromValue(const Value& v) {
  return ObjectRef{StrAt(v, "apiVersion"), StrAt(v, "kind"), StrAt(v, "namespace"),
                   StrAt(v, "name")};
}

std::string ServerMessage(const std::string& body) {
  try {
    Value v = Value::parse(body);
    if (v.is_object() && v.contains("message") && v["message"].is_string()) {
      return v["message"].get<std::string>();
    }
  } catch (const Value::exception&) {
  }
  return body.substr(0, 512);
}

bool ConditionTrue(const Value& obj, const std::string& type) {
  const Value& status = obj.value("status", Value::object());
  if (!status.is_object()) return false;
  int64_t generation = 0;
  if (obj.contains("metadata") && obj["metadata"].is_object() &&
      obj["metadata"].contains("generation") && obj["metadata"]["generation"].is_number()) {
    generation = obj["metadata"]["generation"].get<int64_t>();
  }
  for (const Value& c : status.value("conditions", Value::array())) {
    if (!c.is_object() || Lower(c.value("type", "")) != Lower(type)) continue;
    if (Lower(c.value("status", "")) != "true") return false;
    Value observed = c.contains("observedGeneration") ? c["observedGeneration"]
                                                      : status.value("observedGeneration", Value());
    return !observed.is_number() || observed.get<int64_t>() >= generation;
  }
  return false;
}

Result<Value> Client::GroupVersionResources(const std::string& api_version,
                                            const std::atomic<bool>* cancel) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = discovery_.find(api_version);
    if (it != discovery_.end()) return it->second;
  }
  auto a = transport_.Send("GET", GroupVersionPath(api_version), "", "", cancel);
  if (!a.ok()) return a.diags();
  if (a->status == 404) {
    return Result<Value>::Fail(
        "apiVersion \"" + api_version + "\" is not served by the cluster at " +
            transport_.connection().server,
        "Is the CustomResourceDefinition installed (for example by clusterctl init)?");
  }
  if (a->status / 100 != 2) return HttpError("discovery of", api_version, *a);
  Value list;
  try {
    list = Value::parse(a->body);
  } catch (const Value::exception& e) {
    return Result<Value>::Fail("discovery of " + api_version + ": the answer is not JSON",
                               e.what());
  }
  std::lock_guard<std::mutex> lock(mu_);
  discovery_[api_version] = list;
  return list;
}

Result<ResourceInfo> Client::Resolve(const std::string& api_version, const std::string& kind,
                                     const std::atomic<bool>* cancel) {
  auto list = GroupVersionResources(api_version, cancel);
  if (!list.ok()) return list.diags();
  std::string known;
  for (const Value& r : list->value("resources", Value::array())) {
    std::string name = r.value("name", "");
    if (name.find('/') != std::string::npos) continue;  // subresource
    if (r.value("kind", "") == kind) return ResourceInfo{name, r.value("namespaced", true)};
    known += (known.empty() ? "" : ", ") + r.value("kind", "");
  }
  return Result<ResourceInfo>::Fail(
      "kind \"" + kind + "\" is not served in apiVersion \"" + api_version + "\"",
      "The cluster serves: " + (known.empty() ? std::string("nothing") : known) + ".");
}

Result<ObjectRef> Client::RefOf(const Value& obj, const std::string& default_ns,
                                const std::atomic<bool>* cancel) {
  ObjectRef ref{StrAt(obj, "apiVersion"), StrAt(obj, "kind"), StrAt(obj, "metadata", "namespace"),
                StrAt(obj, "metadata", "name")};
  if (ref.api_version.empty() || ref.kind.empty() || ref.name.empty()) {
    return Result<ObjectRef>::Fail(
        "a Kubernetes object needs apiVersion, kind and metadata.name",
        "Got " +
            RenderValue(
                Value{{"apiVersion", ref.api_version}, {"kind", ref.kind}, {"name", ref.name}}) +
            ".");
  }
  auto info = Resolve(ref.api_version, ref.kind, cancel);
  if (!info.ok()) return info.diags();
  if (!info->namespaced) {
    ref.ns.clear();
  } else if (ref.ns.empty()) {
    ref.ns = default_ns;
  }
  return ref;
}

Result<std::string> Client::CollectionPath(const ObjectRef& ref, const std::atomic<bool>* cancel) {
  auto info = Resolve(ref.api_version, ref.kind, cancel);
  if (!info.ok()) return info.diags();
  std::string p = GroupVersionPath(ref.api_version);
  if (info->namespaced && !ref.ns.empty()) p += "/namespaces/" + ref.ns;
  return p + "/" + info->plural;
}

Result<Value> Client::Apply(const Value& obj, const std::string& field_manager, bool force,
                            const std::atomic<bool>* cancel) {
  auto ref = RefOf(obj, "default", cancel);
  if (!ref.ok()) return ref.diags();
  auto coll = CollectionPath(*ref, cancel);
  if (!coll.ok()) return coll.diags();
  Value body = obj;
  if (!ref->ns.empty()) body["metadata"]["namespace"] = ref->ns;
  std::string target = *coll + "/" + ref->name + "?fieldManager=" + QueryEscape(field_manager) +
                       "&force=" + (force ? "true" : "false");
  // JSON is YAML: the apply-patch+yaml content type accepts it, like kubectl sends it.
  auto a = transport_.Send("PATCH", target, "application/apply-patch+yaml", body.dump(), cancel);
  if (!a.ok()) return a.diags();
  if (a->status == 409) {
    std::string detail = ServerMessage(a->body);
    try {
      Value st = Value::parse(a->body);
      std::string fields;
      for (const Value& c : st["details"].value("causes", Value::array())) {
        fields += "\n  " + c.value("message", "") + "";
      }
      if (!fields.empty()) detail = "Conflicting field managers and fields:" + fields;
    } catch (const Value::exception&) {
    }
    detail +=
        "\nAnother field manager owns these fields with other values. Change the manifest to "
        "agree, or remove the other manager's claim (kubectl apply --server-side "
        "--force-conflicts --field-manager=" +
        field_manager + ").";
    return Result<Value>::Fail("server-side apply of " + ref->ToString() + " conflicts", detail);
  }
  if (a->status / 100 != 2) return HttpError("server-side apply of", ref->ToString(), *a);
  try {
    return Value::parse(a->body);
  } catch (const Value::exception& e) {
    return Result<Value>::Fail("server-side apply of " + ref->ToString() + ": answer is not JSON",
                               e.what());
  }
}

Result<std::optional<Value>> Client::Get(const ObjectRef& ref, const std::atomic<bool>* cancel) {
  auto coll = CollectionPath(ref, cancel);
  if (!coll.ok()) return coll.diags();
  auto a = transport_.Send("GET", *coll + "/" + ref.name, "", "", cancel);
  if (!a.ok()) return a.diags();
  if (a->status == 404) return std::optional<Value>();
  if (a->status / 100 != 2) return HttpError("get of", ref.ToString(), *a);
  try {
    return std::optional<Value>(Value::parse(a->body));
  } catch (const Value::exception& e) {
    return Result<std::optional<Value>>::Fail("get of " + ref.ToString() + ": answer is not JSON",
                                              e.what());
  }
}

Result<std::vector<Value>> Client::List(const std::string& api_version, const std::string& kind,
                                        const std::string& ns, const std::string& label_selector,
                                        const std::atomic<bool>* cancel) {
  ObjectRef ref{api_version, kind, ns, ""};
  auto coll = CollectionPath(ref, cancel);
  if (!coll.ok()) return coll.diags();
  std::string what = "list of " + api_version + " " + kind;
  std::vector<Value> out;
  std::string cont;
  do {
    std::string target = *coll + "?limit=500";
    if (!label_selector.empty()) target += "&labelSelector=" + QueryEscape(label_selector);
    if (!cont.empty()) target += "&continue=" + QueryEscape(cont);
    auto a = transport_.Send("GET", target, "", "", cancel);
    if (!a.ok()) return a.diags();
    if (a->status / 100 != 2) return HttpError("list of", api_version + " " + kind, *a);
    Value page;
    try {
      page = Value::parse(a->body);
    } catch (const Value::exception& e) {
      return Result<std::vector<Value>>::Fail(what + ": answer is not JSON", e.what());
    }
    for (Value item : page.value("items", Value::array())) {
      // Lists may leave out the per-item kind (the real server does for built-ins).
      item["apiVersion"] = api_version;
      item["kind"] = kind;
      out.push_back(std::move(item));
    }
    cont = StrAt(page, "metadata", "continue");
  } while (!cont.empty());
  return out;
}

Status Client::Delete(const ObjectRef& ref, const std::string& propagation,
                      const std::atomic<bool>* cancel) {
  auto coll = CollectionPath(ref, cancel);
  if (!coll.ok()) return coll.diags();
  Value body{{"kind", "DeleteOptions"}, {"apiVersion", "v1"}, {"propagationPolicy", propagation}};
  auto a =
      transport_.Send("DELETE", *coll + "/" + ref.name, "application/json", body.dump(), cancel);
  if (!a.ok()) return a.diags();
  if (a->status == 404 || a->status / 100 == 2) return {};
  return HttpError("delete of", ref.ToString(), *a);
}

}  // namespace capstan::kube
