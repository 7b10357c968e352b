// stackgen: writes synthetic stacks of a chosen shape and size for the benchmarks.
//
/// Plan and apply benchmarks need stacks whose graph shape is known in advance: a chain
/// measures per-step latency, a fan measures parallel throughput, a for_each pair
/// measures expansion and instance references, and a mixed stack is closer to a real
/// one. The output is deterministic (same flags, same bytes), so timings taken on
/// different days compare the same input. Alongside the file it prints the resource
/// instance count, the graph width (the most instances at one depth, i.e. the
/// parallelism a level-by-level schedule could use) and the critical path (instances on
/// the longest dependency chain).
///
///   stackgen --shape chain|fan|foreach|mixed --count N [--type mem.thing] --out DIR

#include <yaml-cpp/yaml.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

/// One resource block plus the instance-level graph it contributes.
struct Resource {
  std::string name;
  std::string value;                    ///< Interpolation for properties.value, or "".
  std::vector<std::string> depends_on;  ///< Resource names.
  bool for_each = false;
};

/// The generated stack: YAML blocks and, for the figures, the instance graph.
struct Stack {
  std::vector<std::string> keys;  ///< for_each keys ("" when no variable is needed).
  std::vector<Resource> resources;
  std::vector<std::vector<int>> instance_deps;  ///< Instance -> instances it needs.

  int AddInstance(std::vector<int> deps) {
    instance_deps.push_back(std::move(deps));
    return static_cast<int>(instance_deps.size()) - 1;
  }
};

std::string Ref(const std::string& name) { return "${" + name + ".id}"; }

/// r0 <- r1 <- ... : each resource references the previous one's id.
void Chain(Stack& s, int count, const std::string& prefix) {
  int prev = -1;
  for (int i = 0; i < count; ++i) {
    std::string name = prefix + std::to_string(i);
    std::string value = i > 0 ? Ref(prefix + std::to_string(i - 1)) : "";
    s.resources.push_back({name, value, {}, false});
    prev = s.AddInstance(prev >= 0 ? std::vector<int>{prev} : std::vector<int>{});
  }
}

/// One root, `middles` resources referencing it, one sink depending on all middles.
/// `root_ref` lets the root itself reference an earlier resource (for mixed stacks).
void Fan(Stack& s, int middles, const std::string& prefix, const std::string& root_ref = "",
         int root_after = -1) {
  s.resources.push_back({prefix + "root", root_ref.empty() ? "" : Ref(root_ref), {}, false});
  int root = s.AddInstance(root_after >= 0 ? std::vector<int>{root_after} : std::vector<int>{});
  Resource sink{prefix + "sink", "", {}, false};
  std::vector<int> mids;
  for (int i = 0; i < middles; ++i) {
    std::string name = prefix + "m" + std::to_string(i);
    s.resources.push_back({name, Ref(prefix + "root"), {}, false});
    mids.push_back(s.AddInstance({root}));
    sink.depends_on.push_back(name);
  }
  s.resources.push_back(sink);
  s.AddInstance(mids);
}

Stack Generate(const std::string& shape, int count) {
  Stack s;
  if (shape == "chain") {
    Chain(s, count, "r");
  } else if (shape == "fan") {
    Fan(s, std::max(0, count - 2), "");
  } else if (shape == "foreach") {
    int keys = std::max(1, count / 2);
    for (int i = 0; i < keys; ++i) s.keys.push_back("k" + std::to_string(i));
    s.resources.push_back({"base", "", {}, true});
    s.resources.push_back({"consumer", "${base[each.key].id}", {}, true});
    for (int i = 0; i < keys; ++i) s.AddInstance({});
    for (int i = 0; i < keys; ++i) s.AddInstance({i});
  } else {  // mixed: units of a 10-long chain feeding a 10-wide fan (22 resources).
    int units = count / 22;
    for (int u = 0; u < units; ++u) {
      std::string p = "g" + std::to_string(u) + "_";
      Chain(s, 10, p + "c");
      Fan(s, 10, p + "f", p + "c9", static_cast<int>(s.instance_deps.size()) - 1);
    }
    if (count % 22 > 0) Chain(s, count % 22, "tail");
  }
  return s;
}

std::string Emit(const Stack& s, const std::string& name, const std::string& type) {
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "stack" << YAML::Value << name;
  if (!s.keys.empty()) {
    out << YAML::Key << "variables" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "keys" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "type" << YAML::Value << "list";
    out << YAML::Key << "default" << YAML::Value << YAML::Flow << s.keys;
    out << YAML::EndMap << YAML::EndMap;
  }
  out << YAML::Key << "resources" << YAML::Value << YAML::BeginMap;
  for (const Resource& r : s.resources) {
    out << YAML::Key << r.name << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "type" << YAML::Value << type;
    if (r.for_each) out << YAML::Key << "for_each" << YAML::Value << "${var.keys}";
    out << YAML::Key << "properties" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << (r.for_each ? r.name + "-${each.key}" : r.name);
    if (!r.value.empty()) out << YAML::Key << "value" << YAML::Value << r.value;
    out << YAML::EndMap;
    if (!r.depends_on.empty())
      out << YAML::Key << "depends_on" << YAML::Value << YAML::Flow << r.depends_on;
    out << YAML::EndMap;
  }
  out << YAML::EndMap << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

/// Depth of every instance (1 for roots); instances are created dependencies-first.
std::vector<int> Depths(const Stack& s) {
  std::vector<int> depth(s.instance_deps.size(), 1);
  for (size_t i = 0; i < depth.size(); ++i)
    for (int d : s.instance_deps[i]) depth[i] = std::max(depth[i], depth[d] + 1);
  return depth;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Writes a synthetic capstan stack of a given shape and size."};
  std::string shape = "chain", type = "mem.thing", dir;
  int count = 100;
  app.add_option("--shape", shape, "chain, fan, foreach or mixed")
      ->check(CLI::IsMember({"chain", "fan", "foreach", "mixed"}));
  app.add_option("--count", count, "Number of resource instances")->check(CLI::Range(1, 10000000));
  app.add_option("--type", type, "Resource type of every resource");
  app.add_option("--out", dir, "Directory to write stack.yaml into")->required();
  CLI11_PARSE(app, argc, argv);

  Stack s = Generate(shape, count);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::string path = (std::filesystem::path(dir) / "stack.yaml").string();
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << Emit(s, "bench-" + shape, type);
  if (!file.good()) {
    std::fprintf(stderr, "stackgen: cannot write %s\n", path.c_str());
    return 1;
  }

  std::vector<int> depth = Depths(s);
  int critical = depth.empty() ? 0 : *std::max_element(depth.begin(), depth.end());
  std::vector<int> per_level(critical + 1, 0);
  for (int d : depth) ++per_level[d];
  int width = *std::max_element(per_level.begin(), per_level.end());
  std::printf("wrote %s\nshape %s\nresources %zu\nwidth %d\ncritical_path %d\n", path.c_str(),
              shape.c_str(), s.instance_deps.size(), width, critical);
  return 0;
}
