// The command tree of the CLI11 app as plain data, for generated documentation.
//
/// Shell completions (`capstan completion`) and the man page (`capstan man`) are made
/// from the same CLI11 definitions that parse the command line and print --help, so they
/// cannot list a flag that does not exist or miss one that does. This walks the app once
/// into simple structs both generators read.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace capstan::cli {

struct OptionInfo {
  std::vector<std::string> names;  ///< "-f", "--file" (flags and options), or the positional.
  bool positional = false;
  bool takes_value = false;
  std::string type_name;            ///< "PATH", "TEXT" (without the validator part).
  std::vector<std::string> values;  ///< Allowed values ("dot", "json") when restricted.
  std::string description;
};

struct CommandInfo {
  std::string name;  ///< "" for the root.
  std::string description;
  std::string footer;  ///< "Example:\n  ..." as in --help.
  std::vector<OptionInfo> options;
  std::vector<CommandInfo> subcommands;  ///< Visible ones only, in definition order.
};

/// The visible command tree under `app` (hidden commands, those with an empty group,
/// are left out).
CommandInfo DescribeApp(const CLI::App& app);

}  // namespace capstan::cli
