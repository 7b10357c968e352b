// The declarations of one module directory (or the root stack), as read from YAML.
//
/// Declarations are parsed once per directory and shared by every instance of the
/// module; expansion (engine/config/expand.cc) turns them into vertices. Expressions are
/// compiled here, so syntax errors surface once, at the declaration's position.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/config/expr.h"
#include "engine/config/yaml_util.h"
#include "engine/result.h"

namespace capstan {

struct Validation {
  ExprPtr condition;
  std::string message;
  Pos pos;
};

struct VarDecl {
  std::string name;
  std::string type = "any";  ///< string number bool list map any
  std::optional<Value> default_value;
  std::string description;
  bool sensitive = false;
  std::vector<Validation> validations;
  Pos pos;
};

struct DependsOn {
  ExprPtr ref;  ///< A traversal such as `net`, `net["a"]` or `module.m`.
  Pos pos;
};

struct ResourceDecl {
  std::string name;
  std::string type;
  std::string provider;
  Pos pos;
  std::vector<std::pair<std::string, ExprPtr>> properties;  ///< Sorted by name.
  std::vector<DependsOn> depends_on;
  ExprPtr for_each;
  ExprPtr count;
  ExprPtr prevent_destroy;
  ExprPtr create_before_destroy;
  std::vector<std::string> ignore_changes;
};

struct ModuleDef;

struct ModuleCallDecl {
  std::string name;
  std::string source;
  std::string dir;  ///< Absolute, normalised.
  Pos pos;
  ExprPtr for_each;
  ExprPtr count;
  std::map<std::string, ExprPtr> inputs;
  std::vector<DependsOn> depends_on;
  const ModuleDef* def = nullptr;
};

struct OutputDef {
  std::string name;
  ExprPtr value;
  bool sensitive = false;
  std::string description;
  Pos pos;
};

struct ProviderDecl {
  std::string name;
  ExprPtr config;
  Pos pos;
};

struct ModuleDef {
  std::string dir;
  bool root = false;
  std::string stack_name;
  std::map<std::string, VarDecl> variables;
  std::map<std::string, ResourceDecl> resources;
  std::map<std::string, ModuleCallDecl> modules;
  std::map<std::string, OutputDef> outputs;
  std::map<std::string, ExprPtr> locals;
  std::vector<ProviderDecl> providers;
};

/// One loaded file: its path (as given, for messages) and bytes (for the hash).
struct LoadedFile {
  std::string path;
  std::string bytes;
};

/// Reads the root stack and, recursively, every module directory it uses.
class DeclLoader {
 public:
  /// Loads `paths` (files or directories) as the root module.
  /// Loads the root module from files or directories; files named in `skip` (the
  /// --var-file arguments, which may sit in the stack directory) are not stack files.
  Result<const ModuleDef*> LoadRoot(const std::vector<std::string>& paths,
                                    const std::vector<std::string>& skip = {});
  const std::vector<LoadedFile>& files() const { return files_; }
  const std::string& root_dir() const { return root_dir_; }

 private:
  Result<const ModuleDef*> LoadModule(const std::string& dir, int depth);
  Status LoadFiles(const std::vector<std::string>& files, ModuleDef* def, int depth);
  Status ParseDocument(const YamlNode& doc, const FilePtr& file, ModuleDef* def,
                       std::map<std::string, Pos>* seen);

  std::map<std::string, std::unique_ptr<ModuleDef>> modules_;  ///< By directory.
  std::unique_ptr<ModuleDef> root_;
  std::vector<LoadedFile> files_;
  std::string root_dir_;
};

/// Reserved words that cannot name a resource or module.
bool IsReservedName(const std::string& name);

}  // namespace capstan
