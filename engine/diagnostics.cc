// Diagnostics formatting and collection.
#include "engine/diagnostics.h"

namespace capstan {

std::string SourceLocation::ToString() const {
  if (file.empty()) return {};
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string Diagnostic::ToString() const {
  std::string out;
  if (where.known()) out += where.ToString() + ": ";
  out += severity == Severity::kError ? "error: " : "warning: ";
  if (!address.empty()) out += address + ": ";
  out += summary;
  if (!key.empty()) out += " (key: " + key + ")";
  if (!detail.empty()) {
    out += "\n";
    size_t start = 0;
    while (start <= detail.size()) {
      size_t nl = detail.find('\n', start);
      if (nl == std::string::npos) nl = detail.size();
      out += "  " + detail.substr(start, nl - start);
      start = nl + 1;
      if (start <= detail.size()) out += "\n";
    }
  }
  return out;
}

Diagnostic& Diagnostics::Error(std::string summary, std::string detail) {
  Diagnostic d;
  d.summary = std::move(summary);
  d.detail = std::move(detail);
  items_.push_back(std::move(d));
  return items_.back();
}

Diagnostic& Diagnostics::Warning(std::string summary, std::string detail) {
  Diagnostic& d = Error(std::move(summary), std::move(detail));
  d.severity = Severity::kWarning;
  return d;
}

Diagnostic& Diagnostics::ErrorAt(const SourceLocation& where, std::string key, std::string summary,
                                 std::string detail) {
  Diagnostic& d = Error(std::move(summary), std::move(detail));
  d.where = where;
  d.key = std::move(key);
  return d;
}

Diagnostic& Diagnostics::ErrorFor(std::string address, std::string summary, std::string detail) {
  Diagnostic& d = Error(std::move(summary), std::move(detail));
  d.address = std::move(address);
  return d;
}

void Diagnostics::Append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

bool Diagnostics::HasErrors() const {
  for (const auto& d : items_) {
    if (d.severity == Severity::kError) return true;
  }
  return false;
}

std::string Diagnostics::ToString() const {
  std::string out;
  for (const auto& d : items_) {
    if (!out.empty()) out += "\n";
    out += d.ToString();
  }
  return out;
}

}  // namespace capstan
