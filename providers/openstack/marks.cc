// Ownership marks in tags, metadata and descriptions (see marks.h).
#include "providers/openstack/marks.h"

#include <algorithm>

#include "engine/hash.h"

namespace capstan::openstack {
namespace {

constexpr const char* kStackKey = "capstan-stack";
constexpr const char* kAddrKey = "capstan-addr";
constexpr const char* kSeparator = " | ";

std::string Digest(const std::string& value) { return "sha256:" + Sha256Hex(value).substr(0, 16); }

/// key=value, or key=sha256:... when too long or containing characters tags forbid.
std::string Tag(const std::string& key, const std::string& value, size_t max_len) {
  std::string plain = key + "=" + value;
  bool bad = value.find_first_of(",/") != std::string::npos;
  if (!bad && plain.size() <= max_len) return plain;
  return key + "=" + Digest(value);
}

bool Contains(const Value& tags, const std::string& tag) {
  if (!tags.is_array()) return false;
  for (const Value& t : tags) {
    if (t.is_string() && t.get_ref<const std::string&>() == tag) return true;
  }
  return false;
}

/// Either form of key=value is present.
bool HasEither(const Value& tags, const std::string& key, const std::string& value) {
  return Contains(tags, key + "=" + value) || Contains(tags, key + "=" + Digest(value));
}

bool IsMark(const std::string& s) {
  return s.rfind(std::string(kStackKey) + "=", 0) == 0 ||
         s.rfind(std::string(kAddrKey) + "=", 0) == 0;
}

}  // namespace

std::vector<std::string> MarkTags(const CallContext& ctx, size_t max_len) {
  return {Tag(kStackKey, ctx.stack, max_len), Tag(kAddrKey, ctx.address.ToString(), max_len)};
}

bool HasMarkTags(const Value& tags, const CallContext& ctx) {
  return HasEither(tags, kStackKey, ctx.stack) && HasEither(tags, kAddrKey, ctx.address.ToString());
}

bool HasStackTag(const Value& tags, const CallContext& ctx) {
  return HasEither(tags, kStackKey, ctx.stack);
}

Value UserTags(const Value& tags) {
  Value out = Value::array();
  if (!tags.is_array()) return out;
  for (const Value& t : tags) {
    if (t.is_string() && IsMark(t.get_ref<const std::string&>())) continue;
    out.push_back(t);
  }
  return SortedTags(out);
}

Value SortedTags(const Value& tags) {
  if (!tags.is_array()) return tags;
  for (const Value& t : tags) {
    if (!t.is_string()) return tags;  // Unknown or odd values: leave the plan alone.
  }
  Value out = tags;
  std::sort(out.begin(), out.end());
  return out;
}

Value MarkMetadata(const CallContext& ctx) {
  return {{kStackKey, ctx.stack}, {kAddrKey, ctx.address.ToString()}};
}

bool HasMarkMetadata(const Value& metadata, const CallContext& ctx) {
  return metadata.is_object() && metadata.value(kStackKey, "") == ctx.stack &&
         metadata.value(kAddrKey, "") == ctx.address.ToString();
}

Value UserMetadata(const Value& metadata) {
  Value out = Value::object();
  if (!metadata.is_object()) return out;
  for (const auto& [k, v] : metadata.items()) {
    if (k == kStackKey || k == kAddrKey) continue;
    out[k] = v;
  }
  return out;
}

std::string MarkDescription(const CallContext& ctx, const std::string& user_description) {
  std::string d =
      std::string(kStackKey) + "=" + ctx.stack + " " + kAddrKey + "=" + ctx.address.ToString();
  if (!user_description.empty()) d += kSeparator + user_description;
  return d;
}

bool HasMarkDescription(const std::string& description, const CallContext& ctx) {
  std::string marks = MarkDescription(ctx);
  return description == marks || description.rfind(marks + kSeparator, 0) == 0;
}

std::string UserDescription(const std::string& description) {
  if (description.rfind(std::string(kStackKey) + "=", 0) != 0) return description;
  auto sep = description.find(kSeparator);
  return sep == std::string::npos ? std::string() : description.substr(sep + 3);
}

}  // namespace capstan::openstack
