// Splitting sensitive attributes out of an instance's JSON and merging them back.
//
/// Only top-level attributes can be sensitive (resources/schema.h marks attributes, not
/// paths), so the split is a move of whole keys: the plaintext column never contains a
/// sensitive value, and the sealed column holds one JSON object of exactly those keys.
/// Sealing a whole object per row (not one blob per value) keeps the row count of the
/// secrets at one nonce and one MAC per instance.
#include "state/sqlite_store.h"

namespace capstan {

bool SqliteStore::SealAttributes(const InstanceState& inst, SealedAttributes* out,
                                 Diagnostics* err) {
  if (inst.sensitive.empty() || !inst.attributes.is_object()) {
    out->plain = inst.attributes.dump();
    return true;
  }
  Value plain = inst.attributes;
  Value secrets = Value::object();
  for (const std::string& name : inst.sensitive) {
    auto it = plain.find(name);
    if (it == plain.end()) continue;
    secrets[name] = std::move(*it);
    plain.erase(it);
  }
  out->plain = plain.dump();
  if (secrets.empty()) return true;
  if (!CheckKey(err, /*fresh=*/true)) return false;  // inside the write's transaction
  out->secrets = box_.Seal(secrets.dump());
  return true;
}

bool SqliteStore::OpenAttributes(const std::string& what, const std::string& plain,
                                 const std::optional<std::string>& secrets, Value* out,
                                 Diagnostics* err) {
  try {
    *out = Value::parse(plain);
  } catch (const Value::exception& e) {
    err->Error(what + ": attributes are not valid JSON", e.what());
    return false;
  }
  if (!secrets) return true;
  auto opened = box_.Open(*secrets);
  if (!opened) {
    const Diagnostic& d = opened.diags().items().front();
    err->Error(what + ": " + d.summary, d.detail);
    return false;
  }
  Value values;
  try {
    values = Value::parse(*opened);
  } catch (const Value::exception& e) {
    err->Error(what + ": sealed attributes are not valid JSON", e.what());
    return false;
  }
  if (!out->is_object() || !values.is_object()) {
    err->Error(what + ": sealed attributes do not belong to an attribute object");
    return false;
  }
  for (auto& [k, v] : values.items()) (*out)[k] = std::move(v);
  return true;
}

}  // namespace capstan
