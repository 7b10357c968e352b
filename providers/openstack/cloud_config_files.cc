// clouds.yaml / secure.yaml discovery, parsing (yaml-cpp) and the secure.yaml merge.
#include "providers/openstack/cloud_config_files.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace capstan::openstack {
namespace {

namespace fs = std::filesystem;

Value ToValue(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Scalar:
      return n.Scalar();
    case YAML::NodeType::Sequence: {
      Value a = Value::array();
      for (const auto& item : n) a.push_back(ToValue(item));
      return a;
    }
    case YAML::NodeType::Map: {
      Value o = Value::object();
      for (const auto& kv : n) o[kv.first.as<std::string>()] = ToValue(kv.second);
      return o;
    }
    default:
      return nullptr;
  }
}

/// Relative override paths are taken relative to the environment's working directory.
std::string Absolute(const std::string& path, const Environment& env) {
  if (path.empty() || path.front() == '/' || env.cwd.empty()) return path;
  return (fs::path(env.cwd) / path).lexically_normal().string();
}

bool IsFile(const std::string& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

/// The override file, or the first `<base>.{yaml,yml,json}` in the search dirs.
Result<std::string> Find(const std::string& base, const char* override_var,
                         const Environment& env) {
  std::string over = env.Get(override_var);
  if (!over.empty()) {
    std::string p = Absolute(over, env);
    if (!IsFile(p)) {
      Diagnostic d;
      d.summary = std::string(override_var) + " names a file that does not exist: " + p;
      d.key = override_var;
      return d;
    }
    return p;
  }
  for (const auto& dir : env.SearchDirs()) {
    for (const char* ext : {".yaml", ".yml", ".json"}) {
      std::string p = dir + "/" + base + ext;
      if (IsFile(p)) return p;
    }
  }
  return std::string();
}

Result<Value> ReadYamlFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Result<Value>::Fail("cannot read " + path);
  std::stringstream buf;
  buf << in.rdbuf();
  return ParseYamlDocument(buf.str(), path);
}

}  // namespace

Result<Value> ParseYamlDocument(const std::string& text, const std::string& what) {
  try {
    YAML::Node root = YAML::Load(text);
    Value v = ToValue(root);
    if (v.is_null()) return Value::object();
    if (!v.is_object()) return Result<Value>::Fail(what + " is not a YAML mapping");
    return v;
  } catch (const YAML::Exception& e) {
    // e.msg is yaml-cpp's fixed reason ("illegal map value"), never the file's text.
    Diagnostic d;
    d.summary = "cannot parse " + what;
    d.detail = e.msg;
    d.where.file = what;
    d.where.line = e.mark.line + 1;
    d.where.column = e.mark.column + 1;
    return d;
  }
}

void DeepMerge(Value& base, const Value& over) {
  if (!base.is_object() || !over.is_object()) {
    base = over;
    return;
  }
  for (auto it = over.begin(); it != over.end(); ++it) {
    if (base.contains(it.key()) && base[it.key()].is_object() && it->is_object()) {
      DeepMerge(base[it.key()], *it);
    } else {
      base[it.key()] = *it;
    }
  }
}

Result<LoadedFiles> LoadCloudFiles(const Environment& env) {
  LoadedFiles out;
  std::string dirs;
  for (const auto& d : env.SearchDirs()) dirs += (dirs.empty() ? "" : ", ") + d;
  out.searched = "clouds.{yaml,yml,json} and secure.{yaml,yml,json} in " +
                 (dirs.empty() ? std::string("(no directories)") : dirs);
  if (!env.Get("OS_CLIENT_CONFIG_FILE").empty()) {
    out.searched =
        "OS_CLIENT_CONFIG_FILE=" + env.Get("OS_CLIENT_CONFIG_FILE") + "; " + out.searched;
  }
  auto clouds_path = Find("clouds", "OS_CLIENT_CONFIG_FILE", env);
  if (!clouds_path.ok()) return clouds_path.diags();
  auto secure_path = Find("secure", "OS_CLIENT_SECURE_FILE", env);
  if (!secure_path.ok()) return secure_path.diags();
  for (const std::string* p : {&*clouds_path, &*secure_path}) {
    if (p->empty()) continue;
    auto doc = ReadYamlFile(*p);
    if (!doc.ok()) return doc.diags();
    if (doc->contains("clouds") && !(*doc)["clouds"].is_object() && !(*doc)["clouds"].is_null()) {
      Diagnostic d;
      d.summary = "clouds in " + *p + " is not a mapping";
      d.key = "clouds";
      d.where.file = *p;
      return d;
    }
    DeepMerge(out.merged, *doc);
    out.read.push_back(*p);
  }
  return out;
}

}  // namespace capstan::openstack
