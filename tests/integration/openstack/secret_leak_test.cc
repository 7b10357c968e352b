// Secrets never leak: examples/openstack-mgmt against the test bed, every byte capstan
// leaves behind searched for every secret it handled.
//
/// The secrets are real ones: the application credential secret and the keypair's
/// private key the stack creates (read back with `capstan output NAME --json`, the one
/// place that is meant to print them), and the test bed's passwords and application
/// credential secret from clouds.yaml (which capstan reads to authenticate). They must
/// not appear in the state database files, the saved plan, any stdout/stderr (human or
/// --json), nor in any process's command line while apply runs (`ps -eo args`, sampled)
/// — neither verbatim, JSON-escaped, nor base64-encoded at any alignment. capstan has
/// no log file of its own; stdout/stderr are its whole log.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <regex>
#include <thread>

#include "tests/integration/openstack/scenario.h"

namespace capstan {
namespace {

using clitest::RunResult;
using clitest::Sandbox;

std::string Base64(const std::string& in) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                 (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
  }
  return out;  // whole groups only: the tail depends on what follows, so it is left out
}

/// Every form in which `secret` would betray itself: verbatim, JSON-escaped, each long
/// line of a multi-line secret, and base64 at the three byte alignments (the part of the
/// encoding that does not depend on the neighbouring bytes).
std::vector<std::string> Forms(const std::string& secret) {
  std::vector<std::string> forms{secret};
  std::string escaped = nlohmann::json(secret).dump();
  forms.push_back(escaped.substr(1, escaped.size() - 2));
  std::istringstream lines(secret);
  for (std::string line; std::getline(lines, line);) {
    if (line.size() >= 32 && line.find("PRIVATE KEY") == std::string::npos) forms.push_back(line);
  }
  for (int align = 0; align < 3; ++align) {
    std::string padded = std::string(align, '\0') + secret;
    std::string b = Base64(padded);
    // Drop the characters that encode the padding bytes.
    size_t skip = align == 0 ? 0 : 4;
    if (b.size() > skip + 16) forms.push_back(b.substr(skip, b.size() - skip - 4));
  }
  return forms;
}

/// `ps -eo args` of every process, sampled until `pid` exits; returns its exit code.
int WaitSamplingPs(pid_t pid, std::string* ps_log, int* samples) {
  for (;;) {
    FILE* p = popen("ps -eo args 2>/dev/null", "r");
    if (p != nullptr) {
      char buf[4096];
      size_t n;
      while ((n = fread(buf, 1, sizeof buf, p)) > 0) ps_log->append(buf, n);
      pclose(p);
      ++*samples;
    }
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

/// The test bed's own secrets from clouds.yaml: passwords and credential secrets.
std::vector<std::string> TestbedSecrets() {
  std::vector<std::string> out;
  std::string text = clitest::ReadFile(testbed::CloudsYaml());
  std::regex re(R"((password|application_credential_secret):\s*(\S+))");
  for (std::sregex_iterator it(text.begin(), text.end(), re), end; it != end; ++it) {
    out.push_back((*it)[2].str());
  }
  return out;
}

TEST_CASE("openstack-mgmt: no secret reaches state, plan file, output, or process arguments",
          "[openstack][scenario][security]") {
  if (!testbed::Available()) FAIL(testbed::kNotUp);
  scenario::EnsureImage();
  Sandbox box;
  std::string stack = testbed::UniqueStack("leak");
  std::string prefix = "lk" + std::to_string(getpid());
  scenario::PrepareMgmtStack(box, stack);

  // Every capture, by name, so a failure says where the secret was found.
  std::map<std::string, std::string> captured;
  auto keep = [&](const std::string& name, const RunResult& r) {
    captured[name + " stdout"] = r.out;
    captured[name + " stderr"] = r.err;
  };

  RunResult plan = box.Run(scenario::MgmtArgs({"plan", "--out", "plan.bin"}, prefix));
  INFO(plan.all());
  REQUIRE(plan.exit_code == 0);
  keep("plan --out", plan);
  keep("plan --json", box.Run(scenario::MgmtArgs({"plan", "--json"}, prefix)));

  std::string ps_log;
  int samples = 0;
  pid_t pid = box.Spawn({"apply", "plan.bin"}, "apply");
  int code = WaitSamplingPs(pid, &ps_log, &samples);
  captured["apply stdout"] = box.Read("apply.out");
  captured["apply stderr"] = box.Read("apply.err");
  INFO(captured["apply stdout"] + captured["apply stderr"]);
  REQUIRE(code == 0);
  captured["plan file"] = box.Read("plan.bin");

  keep("apply --json (no changes)",
       box.Run(scenario::MgmtArgs({"apply", "--auto-approve", "--json"}, prefix)));
  keep("drift --json", box.Run(scenario::MgmtArgs({"drift", "--json"}, prefix)));
  keep("output", box.Run({"output"}));
  keep("state list --json", box.Run({"state", "list", "--json"}));
  keep("state show keypair", box.Run({"state", "show", "openstack.keypair.keypair"}));
  keep("state show keypair --json",
       box.Run({"state", "show", "openstack.keypair.keypair", "--json"}));
  keep("state show appcred --json",
       box.Run({"state", "show", "openstack.application_credential.appcred", "--json"}));
  keep("state history --json", box.Run({"state", "history", "--json"}));
  keep("state check --json", box.Run({"state", "check", "--json"}));
  for (const char* f : {".capstan/state.db", ".capstan/state.db-wal", ".capstan/state.db-shm"}) {
    captured[std::string("file ") + f] = box.Read(f);
  }
  CHECK(captured["file .capstan/state.db"].size() > 0);

  // The secrets themselves.
  RunResult cred = box.Run({"output", "appcred_secret", "--json"});
  RunResult key = box.Run({"output", "private_key", "--json"});
  REQUIRE(cred.exit_code == 0);
  REQUIRE(key.exit_code == 0);
  std::map<std::string, std::string> secrets;
  secrets["application credential secret"] = Value::parse(cred.out).get<std::string>();
  secrets["keypair private key"] = Value::parse(key.out).get<std::string>();
  CHECK(secrets["keypair private key"].find("PRIVATE KEY") != std::string::npos);
  int n = 0;
  for (const std::string& s : TestbedSecrets())
    secrets["clouds.yaml secret " + std::to_string(n++)] = s;
  CHECK(n >= 3);  // two passwords and one application credential secret
  for (const auto& [what, s] : secrets) REQUIRE(s.size() >= 8);

  // Destroy last, watched the same way.
  pid = box.Spawn(scenario::MgmtArgs({"destroy", "--auto-approve"}, prefix), "destroy");
  code = WaitSamplingPs(pid, &ps_log, &samples);
  captured["destroy stdout"] = box.Read("destroy.out");
  captured["destroy stderr"] = box.Read("destroy.err");
  captured["ps -eo args"] = ps_log;
  INFO(captured["destroy stdout"] + captured["destroy stderr"]);
  CHECK(code == 0);
  CHECK(samples >= 3);
  CHECK(ps_log.find("capstan") != std::string::npos);  // the sampler did see capstan run

  for (const auto& [what, secret] : secrets) {
    for (const std::string& form : Forms(secret)) {
      for (const auto& [where, bytes] : captured) {
        INFO(what << " (form \"" << form.substr(0, 12) << "...\") found in " << where);
        CHECK(bytes.find(form) == std::string::npos);
      }
    }
  }
  CHECK(scenario::CountOwned(stack, prefix)["server"] == 0);
}

}  // namespace
}  // namespace capstan
