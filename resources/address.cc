// Address and Target parsing and canonical printing.
#include "resources/address.h"

#include <cctype>
#include <nlohmann/json.hpp>

namespace capstan {
namespace {

bool IsIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsIdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

/// A tiny cursor over the address text; every Parse* reports errors with the offset.
class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool done() const { return pos_ >= s_.size(); }
  char peek() const { return done() ? '\0' : s_[pos_]; }
  size_t pos() const { return pos_; }
  bool Eat(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  bool Ident(std::string* out) {
    if (!IsIdentStart(peek())) return false;
    size_t start = pos_;
    while (!done() && IsIdentChar(s_[pos_])) ++pos_;
    *out = std::string(s_.substr(start, pos_ - start));
    return true;
  }
  /// Parses "[123]" or "[\"str\"]" after the '[' has been seen at peek().
  bool Key(InstanceKey* key, std::string* err) {
    if (!Eat('[')) return false;
    if (peek() == '"') {
      // Find the closing quote honouring escapes, then let JSON decode it.
      size_t start = pos_++;
      while (!done() && s_[pos_] != '"') {
        if (s_[pos_] == '\\') ++pos_;
        ++pos_;
      }
      if (done()) {
        *err = "unterminated string key";
        return false;
      }
      ++pos_;
      auto j = nlohmann::json::parse(s_.substr(start, pos_ - start), nullptr, false);
      if (j.is_discarded() || !j.is_string()) {
        *err = "invalid string key";
        return false;
      }
      *key = j.get<std::string>();
    } else {
      size_t start = pos_;
      if (peek() == '-') ++pos_;
      while (!done() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
      std::string digits(s_.substr(start, pos_ - start));
      if (digits.empty() || digits == "-") {
        *err = "expected a number or a quoted string inside [ ]";
        return false;
      }
      try {
        *key = static_cast<int64_t>(std::stoll(digits));
      } catch (...) {
        *err = "index out of range";
        return false;
      }
    }
    if (!Eat(']')) {
      *err = "expected ]";
      return false;
    }
    return true;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

std::string ModulePath(const std::vector<ModuleStep>& module) {
  std::string out;
  for (const auto& m : module) out += "module." + m.name + KeyToString(m.key) + ".";
  return out;
}

/// Parses the common grammar: (module.NAME[key]?.)* (TYPE_A.TYPE_B.NAME[key]?)?
/// Sets *resource_present when a resource part follows the module path.
Status ParseParts(std::string_view text, std::vector<ModuleStep>* module, std::string* type,
                  std::string* name, InstanceKey* key, bool* has_key, bool* last_keyless,
                  bool* resource_present) {
  Status st;
  Cursor c(text);
  auto fail = [&](const std::string& why) {
    st.Error("Invalid address \"" + std::string(text) + "\"",
             why + " at position " + std::to_string(c.pos() + 1) +
                 ". Addresses look like openstack.network.main, local.file.f[\"key\"] "
                 "or module.m[0].local.file.f.");
    return st;
  };
  *resource_present = false;
  *has_key = false;
  *last_keyless = false;
  std::string first;
  while (true) {
    if (!c.Ident(&first)) return fail("expected a name");
    if (first == "module") {
      if (!c.Eat('.')) return fail("expected . after module");
      ModuleStep step;
      if (!c.Ident(&step.name)) return fail("expected a module name");
      std::string err;
      *last_keyless = c.peek() != '[';
      if (c.peek() == '[' && !c.Key(&step.key, &err)) return fail(err);
      module->push_back(std::move(step));
      if (c.done()) return st;
      if (!c.Eat('.')) return fail("expected .");
      continue;
    }
    break;
  }
  // Resource part: first.kind.name[key]
  std::string kind;
  if (!c.Eat('.') || !c.Ident(&kind)) return fail("expected provider.kind.name");
  if (!c.Eat('.') || !c.Ident(name)) return fail("expected a resource name after the type");
  *type = first + "." + kind;
  *resource_present = true;
  if (c.peek() == '[') {
    std::string err;
    if (!c.Key(key, &err)) return fail(err);
    *has_key = true;
  }
  if (!c.done()) return fail("unexpected character '" + std::string(1, c.peek()) + "'");
  return st;
}

}  // namespace

std::string KeyToString(const InstanceKey& key) {
  if (std::holds_alternative<int64_t>(key))
    return "[" + std::to_string(std::get<int64_t>(key)) + "]";
  if (std::holds_alternative<std::string>(key)) {
    return "[" + nlohmann::json(std::get<std::string>(key)).dump() + "]";
  }
  return {};
}

std::string Address::ModulePrefix() const { return ModulePath(module); }

std::string Address::ToString() const {
  return ModulePath(module) + type + "." + name + KeyToString(key);
}

std::string Address::Provider() const {
  auto dot = type.find('.');
  return dot == std::string::npos ? type : type.substr(0, dot);
}

Address Address::WithoutKey() const {
  Address a = *this;
  a.key = std::monostate{};
  return a;
}

Result<Address> Address::Parse(std::string_view text) {
  Address a;
  bool has_key = false, last_keyless = false, resource = false;
  Status st =
      ParseParts(text, &a.module, &a.type, &a.name, &a.key, &has_key, &last_keyless, &resource);
  if (st.HasErrors()) return st;
  if (!resource) {
    return Result<Address>::Fail("Invalid address \"" + std::string(text) + "\"",
                                 "A module path alone names no resource instance.");
  }
  return a;
}

Result<Target> Target::Parse(std::string_view text) {
  Target t;
  bool resource = false;
  Status st = ParseParts(text, &t.module, &t.type, &t.name, &t.key, &t.has_key, &t.module_keyless,
                         &resource);
  if (st.HasErrors()) return st;
  if (resource) t.module_keyless = false;
  return t;
}

std::string Target::ToString() const {
  std::string out = ModulePath(module);
  if (type.empty()) return out.empty() ? out : out.substr(0, out.size() - 1);
  return out + type + "." + name + (has_key ? KeyToString(key) : "");
}

bool Target::Matches(const Address& a) const {
  if (a.module.size() < module.size()) return false;
  for (size_t i = 0; i < module.size(); ++i) {
    if (a.module[i].name != module[i].name) return false;
    bool last = i + 1 == module.size();
    bool any_key = last && type.empty() && module_keyless;
    if (!any_key && a.module[i].key != module[i].key) return false;
  }
  if (type.empty()) return true;  // whole module instance (and everything nested)
  if (a.module.size() != module.size()) return false;
  if (a.type != type || a.name != name) return false;
  return !has_key || a.key == key;
}

}  // namespace capstan
