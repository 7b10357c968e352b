// clouds.yaml / secure.yaml discovery, parsing (yaml-cpp) and the secure.yaml merge.
#include "providers/openstack/cloud_config_files.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

namespace capstan::openstack {
namespace {

namespace fs = std::filesystem;

/// YAML -> JSON with limits. An alias inside the mapping it names (`c: &base {<<: *base}`)
/// makes yaml-cpp's node graph cyclic, and nested aliases expand exponentially (the
/// "billion laughs"); both are bounded here instead of recursing until the stack ends
/// (found by tests/fuzz/clouds_yaml_fuzz.cc). Real clouds.yaml files are a few levels deep
/// and a few hundred values.
class YamlToValue {
 public:
  static constexpr int kMaxDepth = 64;
  static constexpr long kMaxValues = 100000;

  /// The value, or nullopt with error() set when a limit was hit.
  std::optional<Value> Convert(const YAML::Node& n, int depth = 0) {
    if (depth > kMaxDepth) return Fail("nested more than 64 levels deep (a cyclic alias?)");
    if (++values_ > kMaxValues) return Fail("more than 100000 values once aliases are expanded");
    switch (n.Type()) {
      case YAML::NodeType::Scalar:
        return Value(n.Scalar());
      case YAML::NodeType::Sequence: {
        Value a = Value::array();
        for (const auto& item : n) {
          auto v = Convert(item, depth + 1);
          if (!v) return std::nullopt;
          a.push_back(std::move(*v));
        }
        return a;
      }
      case YAML::NodeType::Map: {
        Value o = Value::object();
        for (const auto& kv : n) {
          auto v = Convert(kv.second, depth + 1);
          if (!v) return std::nullopt;
          o[kv.first.as<std::string>()] = std::move(*v);
        }
        return o;
      }
      default:
        return Value(nullptr);
    }
  }
  const std::string& error() const { return error_; }

 private:
  std::optional<Value> Fail(const char* why) {
    error_ = why;
    return std::nullopt;
  }
  long values_ = 0;
  std::string error_;
};

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
    YamlToValue convert;
    std::optional<Value> converted = convert.Convert(root);
    if (!converted) return Result<Value>::Fail("cannot read " + what + ": " + convert.error());
    Value v = std::move(*converted);
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
