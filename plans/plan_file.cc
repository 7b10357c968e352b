// Saved plan files (see plans/plan_file.h).
//
/// Layout on disk (JSON, keys sorted):
///   { "checksum": sha256(plan.dump()), "format_version": "1.0", "key_id": "...",
///     "kind": "capstan-plan", "plan": { ...plans/plan_codec.h... } }
/// A sensitive value inside "plan" is stored as {"__capstan_sealed__": "sbx1:..."}.
#include "plans/plan_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "engine/hash.h"
#include "plans/plan_codec.h"

namespace capstan {
namespace {

constexpr const char* kSealedKey = "__capstan_sealed__";

int Major(const std::string& version) {
  try {
    return std::stoi(version.substr(0, version.find('.')));
  } catch (const std::exception&) {
    return -1;
  }
}

Status WriteAll(const std::string& path, const std::string& data) {
  Status st;
  const std::string tmp = path + ".tmp-" + RandomHex(6);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    st.Error("cannot write plan file " + path, std::strerror(errno));
    return st;
  }
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    done += static_cast<size_t>(n);
  }
  const bool ok = done == data.size() && ::fsync(fd) == 0;
  const int saved = errno;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    st.Error("cannot write plan file " + path, std::strerror(ok ? errno : saved));
    ::unlink(tmp.c_str());
  }
  return st;
}

Result<std::string> ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Result<std::string>::Fail("cannot read plan file " + path, std::strerror(errno));
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

Result<Plan> Corrupt(const std::string& path, const std::string& why) {
  return Result<Plan>::Fail("plan file " + path + " is corrupt",
                            why + ". Create a new plan with `capstan plan -out`.");
}

}  // namespace

Status WritePlanFile(const std::string& path, const Plan& plan, const SecretBox& box) {
  ProtectFn seal = [&box](const Value& v) { return Value{{kSealedKey, box.Seal(v.dump())}}; };
  const Value body = EncodePlan(plan, seal);
  const Value doc = {{"kind", kPlanFileKind},
                     {"format_version", plan.format_version},
                     {"key_id", box.KeyId()},
                     {"checksum", Sha256Hex(body.dump())},
                     {"plan", body}};
  return WriteAll(path, doc.dump(1) + "\n");
}

Result<Plan> ReadPlanFile(const std::string& path, const SecretBox& box) {
  Result<std::string> raw = ReadAll(path);
  if (!raw.ok()) return raw.diags();
  Value doc;
  try {
    doc = Value::parse(*raw);
  } catch (const nlohmann::json::exception& e) {
    if (raw->find(kPlanFileKind) != std::string::npos) {
      return Corrupt(path, std::string("it is not valid JSON (") + e.what() + ")");
    }
    return Result<Plan>::Fail(path + " is not a capstan plan file",
                              "Plan files are written by `capstan plan -out FILE`.");
  }
  if (!doc.is_object() || doc.value("kind", Value()) != kPlanFileKind) {
    return Result<Plan>::Fail(path + " is not a capstan plan file",
                              "Plan files are written by `capstan plan -out FILE`.");
  }
  const Value version = doc.value("format_version", Value());
  if (!version.is_string() || Major(version.get<std::string>()) < 0) {
    return Corrupt(path, "it has no valid format_version");
  }
  const int major = Major(version.get<std::string>());
  if (major > Major(kPlanFormatVersion)) {
    return Result<Plan>::Fail(
        "plan file " + path + " uses plan format " + version.get<std::string>() +
            ", newer than this capstan understands (" + kPlanFormatVersion + ")",
        "Apply it with the capstan version that created it, or plan again.");
  }
  if (major < Major(kPlanFormatVersion)) {
    return Result<Plan>::Fail(
        "plan file " + path + " uses the old plan format " + version.get<std::string>(),
        "Create a new plan with `capstan plan -out`.");
  }
  const Value body = doc.value("plan", Value());
  if (!body.is_object() || doc.value("checksum", Value()) != Sha256Hex(body.dump())) {
    return Corrupt(path, "its content does not match its checksum");
  }
  if (doc.value("key_id", Value()) != box.KeyId()) {
    return Result<Plan>::Fail("plan file " + path + " was sealed with a different state key",
                              "Its secrets can only be opened with the key that was current "
                              "when it was made (CAPSTAN_STATE_KEY or the database key file).");
  }
  RevealFn open = [&box](const Value& v) -> Result<Value> {
    if (!v.is_object() || !v.contains(kSealedKey) || !v[kSealedKey].is_string()) return v;
    Result<std::string> plain = box.Open(v[kSealedKey].get<std::string>());
    if (!plain.ok()) return plain.diags();
    try {
      return Value::parse(*plain);
    } catch (const nlohmann::json::exception& e) {
      return Result<Value>::Fail("a sealed value in the plan is not JSON", e.what());
    }
  };
  Result<Plan> plan = DecodePlan(body, open);
  if (!plan.ok()) return Corrupt(path, plan.diags().ToString());
  return plan;
}

Status CheckPlanCurrent(const Plan& plan, const std::string& lineage, int64_t serial,
                        const std::string& config_hash) {
  Status st;
  const char* hint = "Run `capstan plan` again and review the new plan.";
  if (plan.lineage != lineage) {
    st.Error("saved plan is stale: it was made for state lineage \"" + plan.lineage +
                 "\", but the stack's state has lineage \"" + lineage + "\"",
             hint);
  } else if (plan.serial != serial) {
    st.Error("saved plan is stale: the state changed since the plan was made (serial " +
                 std::to_string(plan.serial) + ", now " + std::to_string(serial) + ")",
             hint);
  }
  if (plan.config_hash != config_hash) {
    st.Error("saved plan is stale: the configuration changed since the plan was made", hint);
  }
  return st;
}

}  // namespace capstan
