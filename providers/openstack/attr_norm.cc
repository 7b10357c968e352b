// Keeping the user's form of values the cloud returns differently (see attr_norm.h).
#include "providers/openstack/attr_norm.h"

#include <algorithm>

#include "providers/openstack/keystone.h"

namespace capstan::openstack {

Value KeepOrderIfSameSet(const Value& actual, const Value& prior) {
  if (!actual.is_array() || !prior.is_array() || actual.size() != prior.size()) return actual;
  std::vector<std::string> a, p;
  for (const Value& v : actual) a.push_back(v.dump());
  for (const Value& v : prior) p.push_back(v.dump());
  std::sort(a.begin(), a.end());
  std::sort(p.begin(), p.end());
  return a == p ? prior : actual;
}

Value KeepTimestampIfSameInstant(const Value& actual, const Value& prior) {
  if (!actual.is_string() || !prior.is_string()) return actual;
  auto a = ParseIso8601(actual.get<std::string>());
  auto p = ParseIso8601(prior.get<std::string>());
  return a && p && *a == *p ? prior : actual;
}

std::string StrAt(const Value& object, const std::string& key) {
  if (!object.is_object() || !object.contains(key) || !object[key].is_string()) return {};
  return object[key].get<std::string>();
}

bool HasValue(const Value& object, const std::string& key) {
  return object.is_object() && object.contains(key) && !object[key].is_null();
}

}  // namespace capstan::openstack
