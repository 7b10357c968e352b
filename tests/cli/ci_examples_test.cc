// The CI examples (examples/ci/) only run capstan commands and flags that exist.
//
/// Example pipelines rot silently: a renamed flag breaks every copy of them, and nothing
/// in the repository runs them. This test parses both files with yaml-cpp, finds every
/// `capstan ...` invocation in their scripts, and asks the real binary: `capstan CMD
/// --help` must exit 0 and mention each flag used (and each --format value).
#include <yaml-cpp/yaml.h>

#include <catch2/catch.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/cli/harness.h"

namespace capstan::clitest {
namespace {

struct Invocation {
  std::string command;
  std::vector<std::string> flags;          ///< "--format", "-f", ...
  std::vector<std::string> format_values;  ///< Values given to --format.
  std::string line;                        ///< For messages.
};

/// Every string scalar in the document (scripts live in `run:` and `script:` lists).
void CollectScalars(const YAML::Node& n, std::vector<std::string>& out) {
  if (n.IsScalar()) {
    out.push_back(n.Scalar());
  } else if (n.IsSequence()) {
    for (const auto& item : n) CollectScalars(item, out);
  } else if (n.IsMap()) {
    for (const auto& kv : n) CollectScalars(kv.second, out);
  }
}

bool IsShellOperator(const std::string& t) {
  static const std::set<std::string> kOps = {"|", "||", "&&", ";", "&", ")"};
  return kOps.count(t) > 0 || t[0] == '>' || t[0] == '<' || t.rfind("2>", 0) == 0;
}

/// The capstan invocations of one shell script (backslash continuations joined).
std::vector<Invocation> FindInvocations(const std::string& script) {
  std::string joined;
  std::istringstream in(script);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\\') {
      joined += line.substr(0, line.size() - 1) + " ";
    } else {
      joined += line + "\n";
    }
  }
  std::vector<Invocation> out;
  std::istringstream lines(joined);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::vector<std::string> tokens;
    for (std::string w; words >> w;) tokens.push_back(w);
    for (size_t i = 0; i < tokens.size(); ++i) {
      const std::string& t = tokens[i];
      const bool is_capstan =
          t == "capstan" || (t.size() > 8 && t.substr(t.size() - 8) == "/capstan");
      if (!is_capstan || i + 1 >= tokens.size()) continue;
      Invocation inv;
      inv.command = tokens[i + 1];
      inv.line = line;
      for (size_t k = i + 2; k < tokens.size() && !IsShellOperator(tokens[k]); ++k) {
        if (tokens[k][0] != '-') continue;
        std::string flag = tokens[k].substr(0, tokens[k].find('='));
        inv.flags.push_back(flag);
        if (flag == "--format" && k + 1 < tokens.size()) inv.format_values.push_back(tokens[k + 1]);
      }
      out.push_back(std::move(inv));
    }
  }
  return out;
}

std::vector<Invocation> InvocationsIn(const std::string& file) {
  YAML::Node doc = YAML::LoadFile(std::string(CAPSTAN_SOURCE_DIR) + "/" + file);
  std::vector<std::string> scalars;
  CollectScalars(doc, scalars);
  std::vector<Invocation> out;
  for (const std::string& s : scalars) {
    for (Invocation& inv : FindInvocations(s)) out.push_back(std::move(inv));
  }
  return out;
}

/// Checks every invocation against `capstan CMD --help`; returns the commands seen.
std::set<std::string> CheckAgainstHelp(const std::vector<Invocation>& invocations) {
  Sandbox sb;
  std::set<std::string> seen;
  for (const Invocation& inv : invocations) {
    INFO("in: " << inv.line);
    RunResult help = sb.Run({inv.command, "--help"});
    INFO(Describe(help));
    REQUIRE(help.exit_code == 0);
    // An unknown command still gets the top-level help (exit 0): it must be the command's.
    REQUIRE(help.out.find("Usage: capstan " + inv.command + " ") != std::string::npos);
    for (const std::string& flag : inv.flags) {
      INFO("flag " << flag);
      CHECK(help.out.find(flag) != std::string::npos);
    }
    for (const std::string& value : inv.format_values) {
      INFO("--format value " << value);
      CHECK(help.out.find(value) != std::string::npos);
    }
    seen.insert(inv.command + (inv.format_values.empty() ? "" : " " + inv.format_values[0]));
  }
  return seen;
}

}  // namespace

TEST_CASE("the invocation finder sees commands, flags and --format values", "[cli][ci]") {
  auto found = FindInvocations(
      "x=1\nbuild/capstan drift --format junit \\\n  -f \"$S\" --state=db > d.xml || true\n"
      "echo capstan\n");
  REQUIRE(found.size() == 1);
  CHECK(found[0].command == "drift");
  CHECK(found[0].flags == std::vector<std::string>{"--format", "-f", "--state"});
  CHECK(found[0].format_values == std::vector<std::string>{"junit"});
}

TEST_CASE("a made-up flag in an example would be caught", "[cli][ci]") {
  Sandbox sb;
  RunResult help = sb.Run({"drift", "--help"});
  REQUIRE(help.exit_code == 0);
  CHECK(help.out.find("--no-such-flag") == std::string::npos);
  // capstan prints its top-level help for an unknown command, without its usage line.
  RunResult unknown = sb.Run({"no-such-command", "--help"});
  CHECK(unknown.out.find("Usage: capstan no-such-command ") == std::string::npos);
  CHECK(help.out.find("Usage: capstan drift ") != std::string::npos);
}

TEST_CASE("the GitHub Actions example runs only capstan commands and flags that exist",
          "[cli][ci]") {
  std::set<std::string> seen = CheckAgainstHelp(InvocationsIn("examples/ci/github-workflow.yml"));
  CHECK(seen.count("plan markdown") == 1);
  CHECK(seen.count("drift junit") == 1);
}

TEST_CASE("the GitLab CI example runs only capstan commands and flags that exist", "[cli][ci]") {
  std::set<std::string> seen = CheckAgainstHelp(InvocationsIn("examples/ci/gitlab-ci.yml"));
  CHECK(seen.count("plan markdown") == 1);
  CHECK(seen.count("drift junit") == 1);
}

}  // namespace capstan::clitest
