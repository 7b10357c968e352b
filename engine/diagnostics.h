// Diagnostics: errors and warnings as values.
//
/// Every failure in capstan travels as a Diagnostic, never as a thrown exception or a
/// string out-parameter. A diagnostic says what went wrong (summary), why or what to do
/// (detail), and where: a source location (file:line:column plus the offending key) for
/// configuration errors, a resource address for provider errors. Exceptions from
/// libraries (yaml-cpp, nlohmann::json, SQLite wrappers) are caught at the boundary that
/// calls them and translated into a Diagnostic immediately.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace capstan {

/// A position in a stack file. Lines and columns are 1-based; 0 means unknown.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;

  bool known() const { return !file.empty(); }
  /// "file:line:column", or "file" when the position is unknown.
  std::string ToString() const;
};

enum class Severity { kError, kWarning };

struct Diagnostic {
  Severity severity = Severity::kError;
  std::string summary;   ///< One line, no trailing period.
  std::string detail;    ///< Optional paragraph: cause, the cloud's own message, a hint.
  SourceLocation where;  ///< Set for configuration errors.
  std::string key;       ///< The offending key path, e.g. "resources.net.properties.cidr".
  std::string address;   ///< The resource address for provider/apply errors.

  /// Human form: "file:3:7: error: summary (key: k)\n  detail" or
  /// "error: module.x.openstack.server.mgmt: summary\n  detail".
  std::string ToString() const;
};

/// An ordered list of diagnostics. Empty means success.
class Diagnostics {
 public:
  Diagnostics() = default;

  Diagnostic& Error(std::string summary, std::string detail = {});
  Diagnostic& Warning(std::string summary, std::string detail = {});
  /// Error at a source location; `key` names the offending key path.
  Diagnostic& ErrorAt(const SourceLocation& where, std::string key, std::string summary,
                      std::string detail = {});
  /// Error about one resource instance (provider or apply failures).
  Diagnostic& ErrorFor(std::string address, std::string summary, std::string detail = {});

  void Add(Diagnostic d) { items_.push_back(std::move(d)); }
  void Append(const Diagnostics& other);

  bool HasErrors() const;
  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }
  const std::vector<Diagnostic>& items() const { return items_; }

  /// All diagnostics, one ToString() each, separated by newlines.
  std::string ToString() const;

 private:
  std::vector<Diagnostic> items_;
};

}  // namespace capstan
