// Finding and reading clouds.yaml and secure.yaml, the openstacksdk way.
//
/// Kept apart from the resolution rules in cloud_config.cc because it is the only part
/// that touches the file system and yaml-cpp: the files are turned into one merged
/// capstan::Value (secure.yaml deep-merged over clouds.yaml, every scalar as a string)
/// and everything after that is plain data handling.
#pragma once

#include <string>
#include <vector>

#include "engine/result.h"
#include "engine/value.h"
#include "providers/openstack/cloud_config.h"

namespace capstan::openstack {

struct LoadedFiles {
  Value merged = Value::object();  ///< {"clouds": {...}} after the secure.yaml merge.
  std::vector<std::string> read;   ///< The files actually read, clouds first.
  std::string searched;            ///< Human list of the places looked at.
};

/// Finds the first clouds.{yaml,yml,json} and secure.{yaml,yml,json} in
/// env.SearchDirs() (or OS_CLIENT_CONFIG_FILE / OS_CLIENT_SECURE_FILE), parses and merges
/// them. Finding nothing is not an error (the result is empty); an unreadable or
/// malformed file, or an override variable naming a missing file, is.
Result<LoadedFiles> LoadCloudFiles(const Environment& env);

/// Parses YAML (or JSON) text into a Value with all scalars as strings and `null` for
/// empty values. `what` names the source in errors; parse errors give line and column but
/// never the file's content.
Result<Value> ParseYamlDocument(const std::string& text, const std::string& what);

/// Recursively merges `over` into `base`: objects merge key by key, anything else in
/// `over` replaces what `base` has.
void DeepMerge(Value& base, const Value& over);

}  // namespace capstan::openstack
