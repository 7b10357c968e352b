// Collection functions: lookup, merge, concat, length, keys, values, contains, element,
// coalesce, range, flatten, distinct, sort.
//
/// Module inputs arrive as maps and lists (per-cluster settings, node-group lists,
/// addon tables); these functions reshape them. Maps are nlohmann objects with sorted
/// keys, so keys() and values() are deterministic without extra work. range() is capped
/// at 1024 elements like Terraform's, so a typo cannot allocate the machine away.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "engine/config/functions.h"

namespace capstan::functions_detail {
namespace {

constexpr size_t kMaxRange = 1024;

Result<Value> Lookup(const Call& call) {
  auto map = MapArg(call, 0);
  if (!map) return map.diags();
  auto key = StringArg(call, 1);
  if (!key) return key.diags();
  auto it = (*map)->find(*key);
  if (it != (*map)->end()) return *it;
  if (call.args.size() == 3) return call.args[2];
  std::string known;
  for (auto k = (*map)->begin(); k != (*map)->end(); ++k) {
    known += (known.empty() ? "" : ", ") + k.key();
  }
  return Fail(call, fmt::format("key \"{}\" not found in the map (keys: {}) and no default given",
                                *key, known.empty() ? "none" : known));
}

Result<Value> Merge(const Call& call) {
  Value out = Value::object();
  for (size_t i = 0; i < call.args.size(); ++i) {
    if (call.args[i].is_null()) continue;
    auto map = MapArg(call, i);
    if (!map) return map.diags();
    for (auto it = (*map)->begin(); it != (*map)->end(); ++it) out[it.key()] = it.value();
  }
  return out;
}

Result<Value> Concat(const Call& call) {
  Value out = Value::array();
  for (size_t i = 0; i < call.args.size(); ++i) {
    auto list = ListArg(call, i);
    if (!list) return list.diags();
    for (const auto& v : **list) out.push_back(v);
  }
  return out;
}

Result<Value> Length(const Call& call) {
  const Value& v = call.args[0];
  if (v.is_string()) return Value(Utf8Length(v.get_ref<const std::string&>()));
  if (v.is_array() || v.is_object()) return Value(v.size());
  return ArgError(call, 0, "a string, list or map");
}

Result<Value> Keys(const Call& call) {
  auto map = MapArg(call, 0);
  if (!map) return map.diags();
  Value out = Value::array();
  for (auto it = (*map)->begin(); it != (*map)->end(); ++it) out.push_back(it.key());
  return out;
}

Result<Value> Values(const Call& call) {
  auto map = MapArg(call, 0);
  if (!map) return map.diags();
  Value out = Value::array();
  for (const auto& v : **map) out.push_back(v);
  return out;
}

Result<Value> Contains(const Call& call) {
  auto list = ListArg(call, 0);
  if (!list) return list.diags();
  const auto& l = **list;
  return Value(std::find(l.begin(), l.end(), call.args[1]) != l.end());
}

Result<Value> Element(const Call& call) {
  auto list = ListArg(call, 0);
  if (!list) return list.diags();
  auto index = IntegerArg(call, 1);
  if (!index) return index.diags();
  if (*index < 0) return ArgError(call, 1, "a non-negative whole number");
  if ((*list)->empty()) return Fail(call, "cannot take an element of an empty list");
  return (**list)[static_cast<size_t>(*index) % (*list)->size()];
}

Result<Value> Coalesce(const Call& call) {
  for (const auto& v : call.args) {
    if (v.is_null() || (v.is_string() && v.get_ref<const std::string&>().empty())) continue;
    return v;
  }
  return Fail(call, "no non-null, non-empty-string argument");
}

Result<Value> Range(const Call& call) {
  std::vector<double> n(call.args.size());
  for (size_t i = 0; i < call.args.size(); ++i) {
    if (!ToNumberLenient(call.args[i], &n[i])) return ArgError(call, i, "a number");
  }
  double start = n.size() == 1 ? 0 : n[0];
  double limit = n.size() == 1 ? n[0] : n[1];
  double step = n.size() == 3 ? n[2] : (start <= limit ? 1 : -1);
  if (step == 0) return Fail(call, "step must not be zero");
  if (start < limit && step < 0) return Fail(call, "step must be positive when start < limit");
  if (start > limit && step > 0) return Fail(call, "step must be negative when start > limit");
  double count = std::ceil((limit - start) / step);
  if (count > static_cast<double>(kMaxRange)) {
    return Fail(call, fmt::format("would produce {} elements; the limit is {}", count, kMaxRange));
  }
  Value out = Value::array();
  for (size_t i = 0; i < static_cast<size_t>(std::max(count, 0.0)); ++i) {
    out.push_back(NumberValue(start + static_cast<double>(i) * step));
  }
  return out;
}

void FlattenInto(const Value& list, Value* out) {
  for (const auto& v : list) {
    if (v.is_array()) {
      FlattenInto(v, out);
    } else {
      out->push_back(v);
    }
  }
}

Result<Value> Flatten(const Call& call) {
  auto list = ListArg(call, 0);
  if (!list) return list.diags();
  Value out = Value::array();
  FlattenInto(**list, &out);
  return out;
}

Result<Value> Distinct(const Call& call) {
  auto list = ListArg(call, 0);
  if (!list) return list.diags();
  Value out = Value::array();
  for (const auto& v : **list) {
    if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
  }
  return out;
}

Result<Value> Sort(const Call& call) {
  auto items = StringListArg(call, 0);
  if (!items) return items.diags();
  std::sort(items->begin(), items->end());
  return Value(*items);
}

constexpr Spec kCollections[] = {
    {"coalesce", 1, -1, Coalesce}, {"concat", 1, -1, Concat},  {"contains", 2, 2, Contains},
    {"distinct", 1, 1, Distinct},  {"element", 2, 2, Element}, {"flatten", 1, 1, Flatten},
    {"keys", 1, 1, Keys},          {"length", 1, 1, Length},   {"lookup", 2, 3, Lookup},
    {"merge", 0, -1, Merge},       {"range", 1, 3, Range},     {"sort", 1, 1, Sort},
    {"values", 1, 1, Values},
};

}  // namespace

std::span<const Spec> CollectionFunctions() { return kCollections; }

}  // namespace capstan::functions_detail
