// k8s.manifest object rules (see manifest_objects.h).
#include "providers/kubernetes/manifest_objects.h"

#include <sodium.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstring>
#include <regex>

namespace capstan::kube {
namespace {

Value FromYaml(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return Value();
    case YAML::NodeType::Sequence: {
      Value arr = Value::array();
      for (const auto& item : n) arr.push_back(FromYaml(item));
      return arr;
    }
    case YAML::NodeType::Map: {
      Value obj = Value::object();
      for (const auto& kv : n) obj[kv.first.as<std::string>()] = FromYaml(kv.second);
      return obj;
    }
    case YAML::NodeType::Scalar:
      break;
  }
  const std::string& s = n.Scalar();
  if (n.Tag() == "!" || n.Tag() == "tag:yaml.org,2002:str") return s;  // quoted
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (s == "~" || s == "null" || s == "Null" || s == "NULL") return Value();
  static const std::regex kInt("[-+]?(0|[1-9][0-9]*)");
  static const std::regex kFloat("[-+]?([0-9]+\\.[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?");
  if (std::regex_match(s, kInt)) {
    try {
      return std::stoll(s);
    } catch (const std::exception&) {
      return s;
    }
  }
  if (std::regex_match(s, kFloat)) return std::stod(s);
  return s;
}

void Emit(YAML::Emitter& out, const Value& v) {
  if (v.is_object()) {
    out << YAML::BeginMap;
    for (auto it = v.begin(); it != v.end(); ++it) {
      out << YAML::Key << it.key() << YAML::Value;
      Emit(out, it.value());
    }
    out << YAML::EndMap;
  } else if (v.is_array()) {
    out << YAML::BeginSeq;
    for (const Value& x : v) Emit(out, x);
    out << YAML::EndSeq;
  } else if (v.is_string()) {
    out << YAML::DoubleQuoted << v.get<std::string>();
  } else if (v.is_null()) {
    out << YAML::Null;
  } else {
    out << v.dump();  // numbers and booleans in JSON spelling are valid YAML
  }
}

bool IsFirstKind(const Value& o) {
  std::string kind = o.is_object() ? o.value("kind", "") : "";
  return kind == "Namespace" || kind == "CustomResourceDefinition";
}

void Project(Value& desired, const Value* live, bool top, bool in_metadata) {
  for (auto it = desired.begin(); it != desired.end();) {
    const std::string key = it.key();
    if ((top && (key == "apiVersion" || key == "kind")) ||
        (in_metadata && (key == "name" || key == "namespace"))) {
      ++it;
      continue;
    }
    const Value* l =
        live != nullptr && live->is_object() && live->contains(key) ? &(*live)[key] : nullptr;
    Value& d = it.value();
    if (d.is_object() && d.empty() && l != nullptr && l->is_object()) {
      // An empty map applied ("spec: {}") claims no leaves: defaults filled in are not drift.
    } else if (d.is_object() && !d.empty()) {
      Project(d, l, false, top && key == "metadata");
      if (d.empty()) {
        it = desired.erase(it);
        continue;
      }
    } else if (d.is_array() && l != nullptr && l->is_array() && d.size() == l->size()) {
      // Same length: element by element, so fields the server defaults inside list items
      // (a container's imagePullPolicy) are not drift. Another length is.
      for (size_t i = 0; i < d.size(); ++i) {
        if (d[i].is_object() && (*l)[i].is_object()) {
          Project(d[i], &(*l)[i], false, false);
        } else {
          d[i] = (*l)[i];
        }
      }
    } else if (l == nullptr) {
      it = desired.erase(it);
      continue;
    } else {
      d = *l;
    }
    ++it;
  }
}

}  // namespace

Result<std::vector<Value>> ParseYamlDocuments(const std::string& text) {
  std::vector<Value> out;
  try {
    for (const YAML::Node& doc : YAML::LoadAll(text)) {
      if (!doc || doc.IsNull()) continue;
      out.push_back(FromYaml(doc));
    }
  } catch (const YAML::Exception& e) {
    return Result<std::vector<Value>>::Fail("content is not valid YAML", e.what());
  }
  return out;
}

std::string DumpYamlDocuments(const std::vector<Value>& docs) {
  std::string text;
  for (const Value& d : docs) {
    YAML::Emitter out;
    Emit(out, d);
    text += (text.empty() ? "" : "---\n") + std::string(out.c_str()) + "\n";
  }
  return text;
}

Value NormalizeObject(Value obj) {
  if (!obj.is_object() || obj.value("kind", "") != "Secret" || !obj.contains("stringData")) {
    return obj;
  }
  if (obj["stringData"].is_object()) {
    for (auto it = obj["stringData"].begin(); it != obj["stringData"].end(); ++it) {
      if (!it.value().is_string()) continue;
      const std::string& raw = it.value().get_ref<const std::string&>();
      std::string enc(sodium_base64_ENCODED_LEN(raw.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
      sodium_bin2base64(enc.data(), enc.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                        raw.size(), sodium_base64_VARIANT_ORIGINAL);
      enc.resize(strlen(enc.c_str()));
      obj["data"][it.key()] = enc;
    }
  }
  obj.erase("stringData");
  return obj;
}

Result<std::vector<Value>> DesiredObjects(const Value& props) {
  std::vector<Value> raw;
  const Value& content = props.value("content", Value());
  const Value& manifests = props.value("manifests", Value());
  if (content.is_string()) {
    auto docs = ParseYamlDocuments(content.get<std::string>());
    if (!docs.ok()) return docs.diags();
    raw = *docs;
  } else if (manifests.is_array()) {
    raw.assign(manifests.begin(), manifests.end());
  }
  Diagnostics d;
  std::vector<Value> out;
  for (size_t i = 0; i < raw.size(); ++i) {
    const Value& o = raw[i];
    std::string where = "object " + std::to_string(i + 1);
    if (!o.is_object()) {
      d.Error(where + " of the manifest is not a map");
      continue;
    }
    auto str = [&](const Value& v, const char* k) {
      return v.is_object() && v.contains(k) && v[k].is_string() && !v[k].get<std::string>().empty();
    };
    if (!str(o, "apiVersion") || !str(o, "kind") || !str(o.value("metadata", Value()), "name")) {
      d.Error(where + " of the manifest needs apiVersion, kind and metadata.name",
              "Got " + RenderValue(o).substr(0, 200) + ".");
      continue;
    }
    out.push_back(NormalizeObject(o));
  }
  if (d.HasErrors()) return d;
  return out;
}

std::vector<size_t> ApplyOrder(const std::vector<Value>& objs) {
  std::vector<size_t> order;
  for (size_t i = 0; i < objs.size(); ++i) {
    if (IsFirstKind(objs[i])) order.push_back(i);
  }
  for (size_t i = 0; i < objs.size(); ++i) {
    if (!IsFirstKind(objs[i])) order.push_back(i);
  }
  return order;
}

std::vector<size_t> DeleteOrder(const std::vector<Value>& refs) {
  std::vector<size_t> order;
  for (size_t i = refs.size(); i-- > 0;) {
    if (!IsFirstKind(refs[i])) order.push_back(i);
  }
  for (size_t i = refs.size(); i-- > 0;) {
    if (IsFirstKind(refs[i])) order.push_back(i);
  }
  return order;
}

Value ProjectLive(const Value& desired, const Value& live) {
  Value out = desired;
  if (out.is_object()) Project(out, &live, true, false);
  return out;
}

}  // namespace capstan::kube
