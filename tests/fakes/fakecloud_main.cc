// capstan-provider-fakecloud: an external plugin over a directory of JSON files.
//
/// TEST FIXTURE, never product code. It exercises the plugin protocol end to end
/// (docs/plugin-protocol.md) and the crash-safety contract: each object is a file
/// `<dir>/<id>.json` written atomically, create adopts an object carrying the same
/// ownership marks, and latency can be injected before persisting
/// (FAKECLOUD_PRE_LATENCY_MS) or after persisting and before answering
/// (FAKECLOUD_LATENCY_MS: the "created, answer lost" window a crash test kills into).
/// FAKECLOUD_CALL_LOG=<file> gets one line per mutating call ("create <address>") so a
/// test can see a call is in flight. FAKECLOUD_CRASH_ON=<name> makes create of that name
/// exit with status 7 before persisting. Provider config keys dir, latency_ms,
/// pre_latency_ms, call_log and crash_on override the environment.
///
/// Requests are served on their own threads, so several can be in flight; it exits when
/// stdin closes, after answering what is running.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "engine/hash.h"

namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

std::mutex g_mu;  // Guards the settings, the cancelled set, stdout and the call log.
std::string g_dir;
int g_latency_ms = 0;
int g_pre_latency_ms = 0;
std::string g_call_log;
std::string g_crash_on;
std::set<int64_t> g_cancelled;

struct Error {
  std::string summary;
  std::string detail;
  std::string code;
};

/// What a method handler answers: a result or an error.
struct Reply {
  Reply(json r) : result(std::move(r)) {}  // NOLINT: implicit by design
  Reply(Error e) : error(std::move(e)) {}  // NOLINT
  json result;
  std::optional<Error> error;
};

std::string Env(const char* name) {
  const char* v = getenv(name);
  return v ? v : "";
}

int EnvInt(const char* name) {
  std::string v = Env(name);
  return v.empty() ? 0 : atoi(v.c_str());
}

void Emit(const json& msg) {
  std::lock_guard<std::mutex> lock(g_mu);
  std::cout << msg.dump(-1, ' ', false, json::error_handler_t::replace) << "\n" << std::flush;
}

json Schema() {
  auto attr = [](const char* name, const char* type, const char* desc) {
    return json{{"name", name}, {"type", type}, {"description", desc}};
  };
  json name = attr("name", "string", "Name of the object.");
  name["required"] = true;
  json data = attr("data", "map", "Arbitrary string map.");
  data["optional"] = true;
  json size = attr("size", "number", "Size; changing it replaces the object.");
  size["optional"] = true;
  size["force_new"] = true;
  json secret = attr("secret", "string", "A secret string.");
  secret["optional"] = true;
  secret["sensitive"] = true;
  json id = attr("id", "string", "Id assigned by fakecloud.");
  id["computed"] = true;
  json created = attr("created_at", "number", "Unix time of creation.");
  created["computed"] = true;
  return {{"type", "fakecloud.object"},
          {"description", "An object stored as a JSON file (test fixture)."},
          {"attributes", {name, data, size, secret, id, created}},
          {"supports_list", true}};
}

bool Cancelled(int64_t id) {
  std::lock_guard<std::mutex> lock(g_mu);
  return g_cancelled.count(id) > 0;
}

/// Sleeps `ms`, returning false early if request `id` is cancelled.
bool Sleep(int ms, int64_t id) {
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < until) {
    if (Cancelled(id)) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return !Cancelled(id);
}

void LogCall(const std::string& line) {
  std::lock_guard<std::mutex> lock(g_mu);
  if (g_call_log.empty()) return;
  std::ofstream(g_call_log, std::ios::app) << line << "\n" << std::flush;
}

std::string Dir() {
  std::lock_guard<std::mutex> lock(g_mu);
  return g_dir;
}

std::string PathOf(const std::string& id) { return Dir() + "/" + id + ".json"; }

bool ValidId(const std::string& id) {
  if (id.empty()) return false;
  for (char c : id) {
    if (!isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

/// The stored record {"id","type","attributes","marks"}, or null when absent.
json Load(const std::string& id) {
  if (!ValidId(id)) return nullptr;
  std::ifstream in(PathOf(id));
  if (!in) return nullptr;
  std::stringstream buf;
  buf << in.rdbuf();
  json j = json::parse(buf.str(), nullptr, false);
  return j.is_discarded() ? json(nullptr) : j;
}

void Store(const json& record) {
  std::string id = record["id"];
  std::string tmp = Dir() + "/." + id + ".tmp-" + capstan::RandomHex(4);
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << record.dump() << "\n";
    out.flush();
  }
  fs::rename(tmp, PathOf(id));
}

json ObjectOf(const json& record) {
  return {{"id", record["id"]}, {"attributes", record["attributes"]}};
}

std::vector<json> AllRecords() {
  std::vector<json> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(Dir(), ec)) {
    if (e.path().extension() != ".json" || e.path().filename().string()[0] == '.') continue;
    json r = Load(e.path().stem().string());
    if (r.is_object()) out.push_back(r);
  }
  return out;
}

json Attributes(const json& props, const std::string& id, const json& created_at) {
  json a = props.is_object() ? props : json::object();
  a["id"] = id;
  a["created_at"] = created_at;
  return a;
}

Reply Handle(int64_t id, const std::string& method, const json& params) {
  const json ctx = params.value("context", json::object());
  const std::string address = ctx.value("address", "");
  const std::string stack = ctx.value("stack", "");
  if (method == "configure") {
    json cfg = params.value("config", json::object());
    std::lock_guard<std::mutex> lock(g_mu);
    if (cfg.contains("dir")) g_dir = cfg["dir"];
    if (cfg.contains("latency_ms")) g_latency_ms = cfg["latency_ms"];
    if (cfg.contains("pre_latency_ms")) g_pre_latency_ms = cfg["pre_latency_ms"];
    if (cfg.contains("call_log")) g_call_log = cfg["call_log"];
    if (cfg.contains("crash_on")) g_crash_on = cfg["crash_on"];
    if (g_dir.empty())
      return Error{"fakecloud needs a directory", "Set config dir or FAKECLOUD_DIR."};
    std::error_code ec;
    fs::create_directories(g_dir, ec);
    if (ec) return Error{"cannot create " + g_dir, ec.message()};
    return json::object();
  }
  if (method == "validate") {
    json diags = json::array();
    json props = params.value("props", json::object());
    if (props.contains("name") && props["name"].is_string() &&
        props["name"].get<std::string>().find('/') != std::string::npos) {
      diags.push_back({{"severity", "error"},
                       {"summary", "name of fakecloud.object must not contain \"/\""},
                       {"key", "properties.name"}});
    }
    return json{{"diagnostics", diags}};
  }
  if (method == "read" || method == "import") {
    std::string oid = method == "read" ? params["prior"].value("id", "") : params.value("id", "");
    json r = Load(oid);
    return json{{"object", r.is_object() ? ObjectOf(r) : json(nullptr)}};
  }
  if (method == "read_many") {
    json results = json::array();
    for (const auto& p : params.value("priors", json::array())) {
      json r = Load(p.value("id", ""));
      results.push_back({{"object", r.is_object() ? ObjectOf(r) : json(nullptr)}});
    }
    return json{{"results", results}};
  }
  if (method == "list") {
    json objs = json::array();
    for (const auto& r : AllRecords()) {
      if (r["marks"].value("stack", "") == stack) objs.push_back(ObjectOf(r));
    }
    return json{{"objects", objs}};
  }
  if (method == "create") {
    json props = params.value("props", json::object());
    LogCall("create " + address);
    Emit({{"method", "progress"},
          {"params", {{"id", id}, {"message", "creating " + props.value("name", "")}}}});
    int pre, post;
    std::string crash_on;
    {
      std::lock_guard<std::mutex> lock(g_mu);
      pre = g_pre_latency_ms;
      post = g_latency_ms;
      crash_on = g_crash_on;
    }
    if (!Sleep(pre, id)) return Error{"create cancelled", "Nothing was created."};
    if (!crash_on.empty() && props.value("name", "") == crash_on) _exit(7);
    json record;
    for (const auto& r : AllRecords()) {
      if (r["type"] == "fakecloud.object" && r["marks"].value("stack", "") == stack &&
          r["marks"].value("address", "") == address &&
          r.value("id", "") != ctx.value("replacing_id", "")) {
        record = r;  // Adopt what an earlier, interrupted create made.
      }
    }
    if (record.is_null()) {
      std::string oid = capstan::RandomHex(8);
      record = {{"id", oid},
                {"type", "fakecloud.object"},
                {"marks", {{"stack", stack}, {"address", address}}},
                {"attributes", Attributes(props, oid, static_cast<int64_t>(time(nullptr)))}};
    } else {
      record["attributes"] = Attributes(props, record["id"], record["attributes"]["created_at"]);
    }
    Store(record);
    if (!Sleep(post, id)) return Error{"create cancelled after the object was stored", ""};
    return json{{"object", ObjectOf(record)}};
  }
  if (method == "update") {
    LogCall("update " + address);
    json record = Load(params["prior"].value("id", ""));
    if (!record.is_object()) return Error{"cannot update: no such object", ""};
    record["attributes"] = Attributes(params.value("props", json::object()), record["id"],
                                      record["attributes"]["created_at"]);
    Store(record);
    int post;
    {
      std::lock_guard<std::mutex> lock(g_mu);
      post = g_latency_ms;
    }
    if (!Sleep(post, id)) return Error{"update cancelled after the object was stored", ""};
    return json{{"object", ObjectOf(record)}};
  }
  if (method == "delete") {
    LogCall("delete " + address);
    std::string oid = params["prior"].value("id", "");
    if (ValidId(oid)) {
      std::error_code ec;
      fs::remove(PathOf(oid), ec);
    }
    return json::object();
  }
  return Error{"method \"" + method + "\" is not supported by fakecloud", "", "unsupported"};
}

void Serve(json request) {
  int64_t id = request.value("id", int64_t{-1});
  std::string method = request.value("method", "");
  json reply = {{"id", id}};
  try {  // nlohmann::json throws on malformed params: the library boundary.
    Reply r = Handle(id, method, request.value("params", json::object()));
    if (r.error) {
      reply["error"] = {{"summary", r.error->summary}, {"detail", r.error->detail}};
      if (!r.error->code.empty()) reply["error"]["code"] = r.error->code;
    } else {
      reply["result"] = std::move(r.result);
    }
  } catch (const std::exception& e) {
    reply["error"] = {{"summary", "fakecloud internal error"}, {"detail", e.what()}};
  }
  Emit(reply);
}

}  // namespace

int main() {
  g_dir = Env("FAKECLOUD_DIR");
  g_latency_ms = EnvInt("FAKECLOUD_LATENCY_MS");
  g_pre_latency_ms = EnvInt("FAKECLOUD_PRE_LATENCY_MS");
  g_call_log = Env("FAKECLOUD_CALL_LOG");
  g_crash_on = Env("FAKECLOUD_CRASH_ON");
  Emit({{"protocol", "capstan-plugin/1"}, {"name", "fakecloud"}, {"types", {Schema()}}});

  std::vector<std::thread> workers;
  std::string line;
  while (std::getline(std::cin, line)) {
    json req = json::parse(line, nullptr, false);
    if (req.is_discarded() || !req.is_object()) {
      std::cerr << "fakecloud: ignoring a line that is not a JSON object\n";
      continue;
    }
    if (req.value("method", "") == "cancel") {
      std::lock_guard<std::mutex> lock(g_mu);
      g_cancelled.insert(req["params"].value("id", int64_t{-1}));
      continue;
    }
    workers.emplace_back(Serve, std::move(req));
  }
  for (auto& t : workers) t.join();
  return 0;
}
