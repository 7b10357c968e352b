// Tests for the plugin client against capstan-provider-fakecloud: every verb, concurrency,
// progress, cancellation and crashes.
#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "providers/plugin/connection.h"
#include "providers/plugin/plugin_provider.h"
#include "tests/providers/temp_dir.h"

namespace capstan {
namespace {

using testing::ReadFile;
using testing::TempDir;

const std::string kFakecloud = CAPSTAN_BINARY_DIR "/tests/capstan-provider-fakecloud";

std::unique_ptr<Provider> Start(const Value& config) {
  auto p = StartPluginProvider("fakecloud", kFakecloud);
  REQUIRE(p.ok());
  Status st = (*p)->Configure(config);
  REQUIRE(st.empty());
  return std::move(*p);
}

CallContext PluginCtx(const std::string& addr) {
  CallContext c;
  c.stack = "s1";
  c.address = *Address::Parse(addr);
  return c;
}

TEST_CASE("Plugin round trip: configure, validate, plan, create, read, update, delete") {
  TempDir dir;
  auto p = Start({{"dir", dir.path()}});
  ResourceType* t = p->Type("fakecloud.object");
  REQUIRE(t);

  CHECK(t->Validate({{"name", "ok"}}).empty());
  Diagnostics bad = t->Validate({{"name", "a/b"}});
  REQUIRE(bad.HasErrors());
  CHECK(bad.items()[0].key == "properties.name");

  // fakecloud does not implement plan: the default applies.
  Value planned = t->PlanAttributes({{"name", "x"}}, nullptr);
  CHECK(IsUnknown(planned["id"]));
  CHECK(IsUnknown(planned["created_at"]));

  std::vector<std::string> progress;
  CallContext ctx = PluginCtx("fakecloud.object.a");
  ctx.progress = [&](const std::string& s) { progress.push_back(s); };
  auto made = t->Create(ctx, {{"name", "x"}, {"data", {{"k", "v"}}}});
  REQUIRE(made.ok());
  CHECK(std::filesystem::exists(dir / (made->id + ".json")));
  CHECK(made->attributes["data"]["k"] == "v");
  CHECK(made->attributes["id"] == made->id);
  CHECK(progress == std::vector<std::string>{"creating x"});

  auto read = t->Read(ctx, *made);
  REQUIRE(read.ok());
  REQUIRE(read->has_value());
  CHECK((*read)->attributes == made->attributes);

  auto upd = t->Update(ctx, *made, {{"name", "y"}});
  REQUIRE(upd.ok());
  CHECK(upd->id == made->id);
  CHECK(upd->attributes["name"] == "y");
  CHECK(upd->attributes["created_at"] == made->attributes["created_at"]);

  REQUIRE(t->Delete(ctx, *upd).empty());
  auto gone = t->Read(ctx, *upd);
  REQUIRE(gone.ok());
  CHECK_FALSE(gone->has_value());
  CHECK(t->Delete(ctx, *upd).empty());
}

TEST_CASE("Plugin round trip: read_many, list and import") {
  TempDir dir;
  auto p = Start({{"dir", dir.path()}});
  ResourceType* t = p->Type("fakecloud.object");
  auto a = t->Create(PluginCtx("fakecloud.object.a"), {{"name", "a"}});
  auto b = t->Create(PluginCtx("fakecloud.object.b"), {{"name", "b"}});
  REQUIRE(a.ok());
  REQUIRE(b.ok());

  auto many = t->ReadMany(PluginCtx("fakecloud.object.a"), {*a, ObjectState{"nothere", {}}, *b});
  REQUIRE(many.size() == 3);
  REQUIRE(many[0].ok());
  CHECK((*many[0])->id == a->id);
  REQUIRE(many[1].ok());
  CHECK_FALSE(many[1]->has_value());
  CHECK((*many[2])->attributes["name"] == "b");

  CallContext listing;
  listing.stack = "s1";
  auto list = t->List(listing);
  REQUIRE(list.ok());
  CHECK(list->size() == 2);
  listing.stack = "other";
  CHECK(t->List(listing)->empty());

  auto imported = t->Import(listing, b->id);
  REQUIRE(imported.ok());
  CHECK(imported->attributes["name"] == "b");
  auto missing = t->Import(listing, "nothere");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.diags().ToString().find("no object with id") != std::string::npos);
}

TEST_CASE("Plugin create adopts an object with the same stack and address marks") {
  TempDir dir;
  auto p = Start({{"dir", dir.path()}});
  ResourceType* t = p->Type("fakecloud.object");
  auto first = t->Create(PluginCtx("fakecloud.object.a"), {{"name", "a"}});
  auto again = t->Create(PluginCtx("fakecloud.object.a"), {{"name", "a2"}});
  REQUIRE(first.ok());
  REQUIRE(again.ok());
  CHECK(again->id == first->id);
  CHECK(again->attributes["name"] == "a2");
  auto other = t->Create(PluginCtx("fakecloud.object.b"), {{"name", "a"}});
  CHECK(other->id != first->id);
}

TEST_CASE("Plugin serves concurrent calls from 8 threads through one process") {
  TempDir dir;
  std::string log = dir / "calls.log";
  auto p = Start({{"dir", dir / "objs"}, {"latency_ms", 200}, {"call_log", log}});
  ResourceType* t = p->Type("fakecloud.object");
  std::vector<std::thread> threads;
  std::vector<std::string> ids(8);
  std::atomic<int> failures{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      auto r = t->Create(PluginCtx("fakecloud.object.n[" + std::to_string(i) + "]"),
                         {{"name", "n" + std::to_string(i)}});
      if (!r.ok()) {
        ++failures;
        return;
      }
      ids[i] = r->id;
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures == 0);
  std::set<std::string> unique(ids.begin(), ids.end());
  CHECK(unique.size() == 8);
  for (const auto& id : ids) CHECK(std::filesystem::exists(dir / ("objs/" + id + ".json")));
  std::string calls = ReadFile(log);
  for (int i = 0; i < 8; ++i) {
    CHECK(calls.find("create fakecloud.object.n[" + std::to_string(i) + "]") != std::string::npos);
  }
}

TEST_CASE("Plugin crash fails the pending call with the plugin name and exit status") {
  TempDir dir;
  auto p = Start({{"dir", dir.path()}, {"crash_on", "boom"}});
  ResourceType* t = p->Type("fakecloud.object");
  auto r = t->Create(PluginCtx("fakecloud.object.a"), {{"name", "boom"}});
  REQUIRE_FALSE(r.ok());
  std::string msg = r.diags().ToString();
  CHECK(msg.find("capstan-provider-fakecloud") != std::string::npos);
  CHECK(msg.find("exited with status 7") != std::string::npos);
  // Later calls fail at once with the same explanation.
  auto later = t->Read(PluginCtx("fakecloud.object.a"), ObjectState{"x", {}});
  REQUIRE_FALSE(later.ok());
  CHECK(later.diags().ToString().find("exited with status 7") != std::string::npos);
}

TEST_CASE("Plugin cancellation sends cancel and returns the plugin's error") {
  TempDir dir;
  auto p = Start({{"dir", dir.path()}, {"pre_latency_ms", 30000}});
  ResourceType* t = p->Type("fakecloud.object");
  std::atomic<bool> cancel{false};
  CallContext ctx = PluginCtx("fakecloud.object.a");
  ctx.cancel = &cancel;
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    cancel = true;
  });
  auto r = t->Create(ctx, {{"name", "slow"}});
  canceller.join();
  REQUIRE_FALSE(r.ok());
  CHECK(r.diags().ToString().find("cancelled") != std::string::npos);
  CHECK(std::filesystem::is_empty(dir.path()));
}

TEST_CASE("Plugin errors from the plugin become diagnostics") {
  auto p = StartPluginProvider("fakecloud", kFakecloud);
  REQUIRE(p.ok());
  unsetenv("FAKECLOUD_DIR");
  Status st = (*p)->Configure(Value::object());
  REQUIRE(st.HasErrors());
  CHECK(st.items()[0].summary == "fakecloud needs a directory");
}

TEST_CASE("Plugin handshake with the wrong name or protocol is rejected") {
  TempDir dir;
  std::string script = dir / "capstan-provider-liar";
  std::ofstream(script)
      << "#!/bin/sh\necho '{\"protocol\":\"capstan-plugin/9\",\"name\":\"liar\"}'\n"
         "cat >/dev/null\n";
  std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  auto p = StartPluginProvider("liar", script);
  REQUIRE_FALSE(p.ok());
  CHECK(p.diags().ToString().find("capstan-plugin/9") != std::string::npos);

  auto wrong = StartPluginProvider("other", kFakecloud);
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.diags().ToString().find("announced name \"fakecloud\"") != std::string::npos);
}

TEST_CASE("Plugin that exits before its handshake reports its exit status") {
  TempDir dir;
  std::string script = dir / "capstan-provider-dead";
  std::ofstream(script) << "#!/bin/sh\nexit 3\n";
  std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  auto p = StartPluginProvider("dead", script);
  REQUIRE_FALSE(p.ok());
  CHECK(p.diags().ToString().find("exited with status 3 before its handshake") !=
        std::string::npos);
}

}  // namespace
}  // namespace capstan
