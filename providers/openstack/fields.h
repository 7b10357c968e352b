// Small readers for OpenStack JSON bodies and header values, shared by the resource types.
//
/// Every API body is read the same forgiving way: a missing key, a null or a value of
/// another type reads as empty, and the caller decides whether empty is an error. These
/// were copied into ten files before; one definition keeps them the same everywhere.
#pragma once

#include <algorithm>
#include <cctype>
#include <string>

#include "engine/value.h"

namespace capstan::openstack {

/// v[key] when v is an object holding a string there, else "".
inline std::string Str(const Value& v, const std::string& key) {
  return v.is_object() && v.contains(key) && v[key].is_string() ? v[key].get<std::string>()
                                                                : std::string();
}

/// True when v is an object with a non-null value at key.
inline bool IsSet(const Value& v, const std::string& key) {
  return v.is_object() && v.contains(key) && !v[key].is_null();
}

/// ASCII lower case (header names, status words).
inline std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

/// s without leading and trailing white space.
inline std::string Trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

}  // namespace capstan::openstack
