// Reading stack and module directories into declarations.
//
/// Every shape mistake is reported with its file:line:column and key path, and the
/// loader keeps going so that one run shows all of them. Files are read as bytes first
/// (for the size guard and the configuration hash), then handed to yaml-cpp.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "engine/config/decls.h"
#include "engine/config/expr_parser.h"

namespace capstan {
namespace fs = std::filesystem;
namespace {

constexpr uintmax_t kMaxFileBytes = 32u << 20;
constexpr int kMaxModuleDepth = 32;

const std::vector<std::string> kTopKeys = {"stack",   "variables", "providers", "resources",
                                           "modules", "outputs",   "locals"};

struct Ctx {
  FilePtr file;
  Diagnostics* diags;
  Pos At(const YamlNode& n, const std::string& key) const { return MakePos(file, n.Mark(), key); }
  void Error(const YamlNode& n, const std::string& key, const std::string& summary,
             const std::string& detail = {}) const {
    diags->ErrorAt(At(n, key).Location(), key, summary, detail);
  }
};

bool ExpectMap(const Ctx& c, const YamlNode& n, const std::string& key) {
  if (n.IsMap()) return true;
  c.Error(n, key, "\"" + key + "\" must be a map, got " + NodeKind(n));
  return false;
}

/// Reports keys of `n` not in `allowed`.
void CheckKeys(const Ctx& c, const YamlNode& n, const std::vector<std::string>& allowed,
               const std::string& key, const std::string& what) {
  for (const auto& kv : n.MapEntries()) {
    const std::string k = kv.first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), k) != allowed.end()) continue;
    c.Error(
        kv.first, key + "." + k, "Unknown key \"" + k + "\" in " + what, "Allowed keys: " + [&] {
          std::string s;
          for (const auto& a : allowed) s += (s.empty() ? "" : ", ") + a;
          return s;
        }() + "." + DidYouMean(k, allowed));
  }
}

bool GetBool(const Ctx& c, const YamlNode& n, const std::string& key, bool* out) {
  if (!n) return true;
  Value v = n.IsScalar() ? ScalarValue(n) : Value();
  if (!v.is_boolean()) {
    c.Error(n, key, "\"" + key + "\" must be true or false");
    return false;
  }
  *out = v.get<bool>();
  return true;
}

bool GetString(const Ctx& c, const YamlNode& n, const std::string& key, std::string* out) {
  if (!n) return true;
  if (!n.IsScalar()) {
    c.Error(n, key, "\"" + key + "\" must be a string, got " + NodeKind(n));
    return false;
  }
  *out = n.Scalar();
  return true;
}

ExprPtr Compile(const Ctx& c, const YamlNode& n, const std::string& key) {
  if (!n) return nullptr;
  auto r = CompileNode(n, c.file, key);
  if (!r.ok()) {
    c.diags->Append(r.diags());
    return nullptr;
  }
  return *r;
}

/// [A-Za-z_][A-Za-z0-9_-]*, by hand: std::regex recurses per character and overflows
/// the stack on a 1 MB name.
bool ValidName(const std::string& s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) {
    return false;
  }
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (!(std::isalnum(c) || c == '_' || c == '-')) return false;
  }
  return true;
}

/// Stack names end up in ownership tags, lock messages, CAPSTAN_STACK and printed
/// commands: letters, digits, _, - and ., starting with a letter, digit or _, at most
/// 128 characters.
bool ValidStackName(const std::string& s) {
  if (s.empty() || s.size() > 128) return false;
  if (!(std::isalnum(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (!(std::isalnum(c) || c == '_' || c == '-' || c == '.')) return false;
  }
  return true;
}

void ParseDependsOn(const Ctx& c, const YamlNode& n, const std::string& key,
                    std::vector<DependsOn>* out) {
  if (!n) return;
  if (!n.IsSequence()) {
    c.Error(n, key, "\"depends_on\" must be a list of resource or module names");
    return;
  }
  for (const auto& item : n.Items()) {
    Pos pos = c.At(item, key);
    if (!item.IsScalar()) {
      c.Error(item, key, "depends_on entries must be names such as net or module.cluster");
      continue;
    }
    std::string text = item.Scalar();
    if (text.size() > 3 && text.compare(0, 2, "${") == 0 && text.back() == '}') {
      text = text.substr(2, text.size() - 3);
      pos.column += 2;
    }
    if (item.Tag() == "!") pos.column += 1;
    auto e = ParseExpression(text, pos);
    if (!e.ok()) {
      c.diags->Append(e.diags());
      continue;
    }
    if ((*e)->kind != ExprKind::kTraversal || (*e)->base) {
      c.Error(item, key, "depends_on entries must be names such as net or module.cluster");
      continue;
    }
    out->push_back({*e, pos});
  }
}

void ParseVariable(const Ctx& c, const std::string& name, const YamlNode& n, VarDecl* v) {
  std::string key = "variables." + name;
  v->name = name;
  v->pos = c.At(n, key);
  if (n.IsNull()) return;
  if (!ExpectMap(c, n, key)) return;
  CheckKeys(c, n, {"type", "default", "description", "sensitive", "validation"}, key,
            "variable \"" + name + "\"");
  GetString(c, n["type"], key + ".type", &v->type);
  static const std::vector<std::string> kTypes = {"string", "number", "bool", "list", "map", "any"};
  if (std::find(kTypes.begin(), kTypes.end(), v->type) == kTypes.end()) {
    c.Error(n["type"], key + ".type", "Unknown variable type \"" + v->type + "\"",
            "Types: string, number, bool, list, map, any." + DidYouMean(v->type, kTypes));
  }
  if (n["default"]) {
    auto d = YamlToValue(n["default"], c.file, key + ".default");
    if (d.ok()) {
      v->default_value = *d;
    } else {
      c.diags->Append(d.diags());
    }
  }
  GetString(c, n["description"], key + ".description", &v->description);
  GetBool(c, n["sensitive"], key + ".sensitive", &v->sensitive);
  if (const YamlNode& val = n["validation"]) {
    std::string vkey = key + ".validation";
    if (!val.IsSequence()) {
      c.Error(val, vkey, "\"validation\" must be a list of {condition, message}");
      return;
    }
    for (const auto& item : val.Items()) {
      if (!ExpectMap(c, item, vkey)) continue;
      CheckKeys(c, item, {"condition", "message"}, vkey, "a validation rule");
      Validation rule;
      rule.pos = c.At(item, vkey);
      if (!item["condition"]) {
        c.Error(item, vkey, "Validation rule without \"condition\"");
        continue;
      }
      rule.condition = Compile(c, item["condition"], vkey + ".condition");
      GetString(c, item["message"], vkey + ".message", &rule.message);
      if (rule.message.empty()) rule.message = "validation failed for variable " + name;
      if (rule.condition) v->validations.push_back(std::move(rule));
    }
  }
}

void ParseLifecycle(const Ctx& c, const YamlNode& n, const std::string& key, ResourceDecl* r) {
  if (!n) return;
  if (!ExpectMap(c, n, key)) return;
  CheckKeys(c, n, {"prevent_destroy", "ignore_changes", "create_before_destroy"}, key, "lifecycle");
  r->prevent_destroy = Compile(c, n["prevent_destroy"], key + ".prevent_destroy");
  r->create_before_destroy = Compile(c, n["create_before_destroy"], key + ".create_before_destroy");
  if (const YamlNode& ic = n["ignore_changes"]) {
    if (ic.IsScalar() && ic.Scalar() == "all") {
      r->ignore_changes.push_back("all");
    } else if (ic.IsSequence()) {
      for (const auto& item : ic.Items()) {
        if (item.IsScalar()) {
          r->ignore_changes.push_back(item.Scalar());
        } else {
          c.Error(item, key + ".ignore_changes", "ignore_changes entries must be attribute names");
        }
      }
    } else {
      c.Error(ic, key + ".ignore_changes",
              "\"ignore_changes\" must be a list of attribute names or \"all\"");
    }
  }
}

void ParseResource(const Ctx& c, const std::string& name, const YamlNode& n, ResourceDecl* r) {
  std::string key = "resources." + name;
  r->name = name;
  r->pos = c.At(n, key);
  if (!ExpectMap(c, n, key)) return;
  CheckKeys(c, n,
            {"type", "provider", "properties", "depends_on", "for_each", "count", "lifecycle"}, key,
            "resource \"" + name + "\"");
  GetString(c, n["type"], key + ".type", &r->type);
  static const std::regex kType("[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*");
  if (!n["type"]) {
    c.Error(n, key, "Resource \"" + name + "\" has no \"type\"",
            "Every resource names its type as provider.kind, e.g. openstack.network.");
  } else if (!std::regex_match(r->type, kType)) {
    c.Error(n["type"], key + ".type", "Invalid resource type \"" + r->type + "\"",
            "A type is provider.kind, e.g. openstack.network or local.file.");
  }
  GetString(c, n["provider"], key + ".provider", &r->provider);
  if (r->provider.empty()) r->provider = r->type.substr(0, r->type.find('.'));
  if (const YamlNode& props = n["properties"]) {
    if (props.IsMap()) {
      for (const auto& kv : props.MapEntries()) {
        std::string k = kv.first.Scalar();
        ExprPtr e = Compile(c, kv.second, key + ".properties." + k);
        if (e) r->properties.emplace_back(k, e);
      }
      std::sort(r->properties.begin(), r->properties.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
    } else if (!props.IsNull()) {
      c.Error(props, key + ".properties", "\"properties\" must be a map, got " + NodeKind(props));
    }
  }
  ParseDependsOn(c, n["depends_on"], key + ".depends_on", &r->depends_on);
  r->for_each = Compile(c, n["for_each"], key + ".for_each");
  r->count = Compile(c, n["count"], key + ".count");
  if (n["for_each"] && n["count"]) {
    c.Error(n["count"], key + ".count", "A resource cannot have both for_each and count");
  }
  ParseLifecycle(c, n["lifecycle"], key + ".lifecycle", r);
}

void ParseModuleCall(const Ctx& c, const std::string& name, const YamlNode& n, ModuleCallDecl* m) {
  std::string key = "modules." + name;
  m->name = name;
  m->pos = c.At(n, key);
  if (!ExpectMap(c, n, key)) return;
  CheckKeys(c, n, {"source", "for_each", "count", "inputs", "depends_on"}, key,
            "module \"" + name + "\"");
  GetString(c, n["source"], key + ".source", &m->source);
  if (m->source.empty()) {
    c.Error(n, key, "Module \"" + name + "\" has no \"source\"",
            "source is a directory of *.yaml files, relative to this file.");
  } else {
    fs::path base = fs::path(*c.file).parent_path();
    m->dir = fs::weakly_canonical(fs::absolute(base / m->source)).string();
  }
  m->for_each = Compile(c, n["for_each"], key + ".for_each");
  m->count = Compile(c, n["count"], key + ".count");
  if (n["for_each"] && n["count"]) {
    c.Error(n["count"], key + ".count", "A module cannot have both for_each and count");
  }
  if (const YamlNode& in = n["inputs"]) {
    if (ExpectMap(c, in, key + ".inputs")) {
      for (const auto& kv : in.MapEntries()) {
        std::string k = kv.first.Scalar();
        ExprPtr e = Compile(c, kv.second, key + ".inputs." + k);
        if (e) m->inputs[k] = e;
      }
    }
  }
  ParseDependsOn(c, n["depends_on"], key + ".depends_on", &m->depends_on);
}

void ParseOutput(const Ctx& c, const std::string& name, const YamlNode& n, OutputDef* o) {
  std::string key = "outputs." + name;
  o->name = name;
  o->pos = c.At(n, key);
  if (!ExpectMap(c, n, key)) return;
  CheckKeys(c, n, {"value", "sensitive", "description"}, key, "output \"" + name + "\"");
  if (!n["value"]) c.Error(n, key, "Output \"" + name + "\" has no \"value\"");
  o->value = Compile(c, n["value"], key + ".value");
  GetBool(c, n["sensitive"], key + ".sensitive", &o->sensitive);
  GetString(c, n["description"], key + ".description", &o->description);
}

}  // namespace

bool IsReservedName(const std::string& name) {
  static const std::set<std::string> kReserved = {"var",   "local", "module", "each",
                                                  "count", "path",  "self",   "data"};
  return kReserved.count(name) > 0;
}

Status DeclLoader::ParseDocument(const YamlNode& doc, const FilePtr& file, ModuleDef* def,
                                 std::map<std::string, Pos>* seen) {
  Diagnostics diags;
  Ctx c{file, &diags};
  if (!doc || doc.IsNull()) return diags;
  if (!doc.IsMap()) {
    c.Error(doc, "", "A stack file must be a map of top-level keys, got " + NodeKind(doc));
    return diags;
  }
  diags.Append(CheckDepth(doc, file));
  if (diags.HasErrors()) return diags;
  for (const auto& kv : doc.MapEntries()) {
    const std::string top = kv.first.Scalar();
    const YamlNode& body = kv.second;
    if (std::find(kTopKeys.begin(), kTopKeys.end(), top) == kTopKeys.end()) {
      c.Error(kv.first, top, "Unknown top-level key \"" + top + "\"",
              "Top-level keys: stack, variables, providers, resources, modules, outputs, "
              "locals." +
                  DidYouMean(top, kTopKeys));
      continue;
    }
    auto claim = [&](const std::string& k, const YamlNode& at) {
      Pos p = c.At(at, k);
      auto [it, fresh] = seen->emplace(k, p);
      if (!fresh) {
        c.Error(at, k, "Duplicate key \"" + k + "\"",
                "Also defined at " + it->second.Location().ToString() + ".");
      }
      return fresh;
    };
    if (top == "stack") {
      if (!def->root) {
        c.Error(kv.first, top, "A module cannot declare \"stack\"",
                "Only the root stack has a name.");
      } else if (claim("stack", kv.first)) {
        if (GetString(c, body, "stack", &def->stack_name) && !ValidStackName(def->stack_name)) {
          c.Error(body, "stack", "Invalid stack name \"" + Shorten(def->stack_name) + "\"",
                  "Stack names have 1 to 128 letters, digits, _, - and ., and start with a "
                  "letter, digit or _.");
        }
      }
      continue;
    }
    if (top == "providers" && !def->root) {
      c.Error(kv.first, top, "A module cannot declare \"providers\"",
              "Provider configurations belong to the root stack.");
      continue;
    }
    if (body.IsNull()) continue;
    if (!ExpectMap(c, body, top)) continue;
    for (const auto& entry : body.MapEntries()) {
      const std::string name = entry.first.Scalar();
      const std::string key = top + "." + name;
      if (!claim(key, entry.first)) continue;
      if (top != "locals" && top != "providers" && !ValidName(name)) {
        c.Error(entry.first, top + "." + Shorten(name), "Invalid name \"" + Shorten(name) + "\"",
                "Names start with a letter or _ and contain letters, digits, _ and -.");
        continue;
      }
      if ((top == "resources" || top == "modules") && IsReservedName(name)) {
        c.Error(entry.first, key,
                "\"" + name + "\" is a reserved word and cannot name a " +
                    (top == "resources" ? "resource" : "module"),
                "Reserved: var, local, module, each, count, path, self, data.");
        continue;
      }
      // Declarations are located at their name (the key), problems inside at the value.
      Pos at = c.At(entry.first, key);
      if (top == "variables") {
        ParseVariable(c, name, entry.second, &def->variables[name]);
        def->variables[name].pos = at;
      } else if (top == "resources") {
        ParseResource(c, name, entry.second, &def->resources[name]);
        def->resources[name].pos = at;
      } else if (top == "modules") {
        ParseModuleCall(c, name, entry.second, &def->modules[name]);
        def->modules[name].pos = at;
      } else if (top == "outputs") {
        ParseOutput(c, name, entry.second, &def->outputs[name]);
        def->outputs[name].pos = at;
      } else if (top == "locals") {
        if (ExprPtr e = Compile(c, entry.second, key)) def->locals[name] = e;
      } else if (top == "providers") {
        ProviderDecl p;
        p.name = name;
        p.pos = c.At(entry.first, key);
        if (!entry.second.IsNull() && !entry.second.IsMap()) {
          c.Error(entry.second, key, "A provider configuration must be a map");
          continue;
        }
        p.config = Compile(c, entry.second, key);
        def->providers.push_back(std::move(p));
      }
    }
  }
  return diags;
}

Status DeclLoader::LoadFiles(const std::vector<std::string>& paths, ModuleDef* def, int depth) {
  Diagnostics diags;
  std::map<std::string, Pos> seen;
  for (const auto& path : paths) {
    std::error_code ec;
    uintmax_t size = fs::file_size(path, ec);
    if (ec) {
      diags.ErrorAt(SourceLocation{path, 0, 0}, "", "Cannot read file: " + ec.message());
      continue;
    }
    if (size > kMaxFileBytes) {
      diags.ErrorAt(SourceLocation{path, 0, 0}, "", "Stack file is larger than 32 MiB");
      continue;
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buf;
    buf << in.rdbuf();
    files_.push_back({path, buf.str()});
    auto file = std::make_shared<const std::string>(path);
    // YAML is Unicode text; bytes that are not UTF-8 would reach names, state and JSON
    // (whose encoder refuses them) far from here, so they stop at the door.
    if (size_t bad = FirstInvalidUtf8(files_.back().bytes); bad != std::string::npos) {
      auto [line, column] = LineColumn(files_.back().bytes, bad);
      diags.ErrorAt(SourceLocation{path, line, column}, "", "Stack file is not valid UTF-8 text",
                    "Save the file as UTF-8; the byte at this position is not part of a UTF-8 "
                    "character.");
      continue;
    }
    YamlNode doc;
    try {
      doc = LoadYaml(files_.back().bytes);
    } catch (const YAML::Exception& e) {
      diags.ErrorAt(SourceLocation{path, e.mark.line + 1, e.mark.column + 1}, "",
                    "YAML syntax error: " + e.msg);
      continue;
    }
    diags.Append(ParseDocument(doc, file, def, &seen));
  }
  // Module sources: load each directory once.
  for (auto& [name, call] : def->modules) {
    if (call.dir.empty()) continue;
    if (depth >= kMaxModuleDepth) {
      diags.ErrorAt(call.pos.Location(), call.pos.KeyPath(),
                    "Modules nest deeper than " + std::to_string(kMaxModuleDepth) + " levels",
                    "Does a module use itself?");
      continue;
    }
    auto m = LoadModule(call.dir, depth + 1);
    if (!m.ok()) {
      for (const auto& item : m.diags().items()) {
        if (item.where.known()) {
          diags.Add(item);
        } else {
          diags.ErrorAt(call.pos.Location(), call.pos.KeyPath() + ".source", item.summary,
                        item.detail);
        }
      }
      continue;
    }
    call.def = *m;
  }
  return diags;
}

Result<const ModuleDef*> DeclLoader::LoadModule(const std::string& dir, int depth) {
  auto it = modules_.find(dir);
  if (it != modules_.end()) return static_cast<const ModuleDef*>(it->second.get());
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Result<const ModuleDef*>::Fail("Module source \"" + dir + "\" is not a directory");
  }
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    auto ext = e.path().extension();
    if (e.is_regular_file() && (ext == ".yaml" || ext == ".yml")) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    return Result<const ModuleDef*>::Fail("Module directory \"" + dir + "\" has no *.yaml files");
  }
  auto def = std::make_unique<ModuleDef>();
  def->dir = dir;
  ModuleDef* raw = def.get();
  modules_[dir] = std::move(def);
  Status st = LoadFiles(files, raw, depth);
  if (st.HasErrors()) return st;
  return static_cast<const ModuleDef*>(raw);
}

Result<const ModuleDef*> DeclLoader::LoadRoot(const std::vector<std::string>& given,
                                              const std::vector<std::string>& skip) {
  auto skipped = [&](const fs::path& f) {
    std::error_code ec;
    for (const auto& s : skip) {
      if (fs::equivalent(f, s, ec)) return true;
    }
    return false;
  };
  std::vector<std::string> paths = given.empty() ? std::vector<std::string>{"."} : given;
  std::vector<std::string> files;
  Diagnostics diags;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      if (root_dir_.empty()) root_dir_ = p;
      std::vector<std::string> found;
      for (const auto& e : fs::directory_iterator(p, ec)) {
        auto ext = e.path().extension();
        if (e.is_regular_file() && (ext == ".yaml" || ext == ".yml") && !skipped(e.path())) {
          found.push_back(e.path());
        }
      }
      std::sort(found.begin(), found.end());
      if (found.empty()) diags.Error("No *.yaml files in \"" + p + "\"");
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::exists(p, ec)) {
      if (root_dir_.empty()) {
        root_dir_ = fs::path(p).parent_path().string();
        if (root_dir_.empty()) root_dir_ = ".";
      }
      files.push_back(p);
    } else {
      diags.Error("Stack path \"" + p + "\" does not exist");
    }
  }
  if (diags.HasErrors()) return diags;
  root_ = std::make_unique<ModuleDef>();
  root_->root = true;
  root_->dir = fs::weakly_canonical(fs::absolute(root_dir_)).string();
  Status st = LoadFiles(files, root_.get(), 0);
  if (st.HasErrors()) return st;
  if (root_->stack_name.empty()) {
    return Result<const ModuleDef*>::Fail(
        "The stack has no name", "Add a top-level key such as `stack: demo` to one stack file.");
  }
  return static_cast<const ModuleDef*>(root_.get());
}

}  // namespace capstan
