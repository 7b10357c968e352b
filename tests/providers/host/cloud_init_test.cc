// WaitForCloudInit against an in-memory transport (no host needed).
#include <catch2/catch.hpp>

#include "providers/host/connection.h"
#include "tests/providers/host/memory_transport.h"

namespace capstan::host {
namespace {

TEST_CASE("cloud-init wait polls until boot-finished exists", "[kube]") {
  testing::MemoryTransport t;
  t.Answer(0, "waiting\n");
  t.Answer(0, "waiting\n");
  t.Answer(0, "done\n");
  std::vector<std::string> progress;
  CallContext ctx;
  ctx.progress = [&](const std::string& s) { progress.push_back(s); };
  Status st = WaitForCloudInit(t, 60, 0.0, ctx);
  CHECK_FALSE(st.HasErrors());
  CHECK(t.commands.size() == 3);
  REQUIRE(progress.size() == 2);
  CHECK(progress[0].find("waiting for cloud-init on memory") == 0);
  CHECK(t.commands[0].argv.back().find("/var/lib/cloud/instance/boot-finished") !=
        std::string::npos);
}

TEST_CASE("cloud-init wait: a host without cloud-init is ready at once", "[kube]") {
  testing::MemoryTransport t;
  t.Answer(0, "none\n");
  CHECK_FALSE(WaitForCloudInit(t, 60, 0.0, CallContext()).HasErrors());
  CHECK(t.commands.size() == 1);
}

TEST_CASE("cloud-init wait gives up at its timeout and says where to look", "[kube]") {
  testing::MemoryTransport t;
  t.Answer(0, "waiting\n");
  Status st = WaitForCloudInit(t, 0, 0.0, CallContext());
  REQUIRE(st.HasErrors());
  CHECK(st.ToString().find("cloud-init did not finish on memory within 0s") != std::string::npos);
  CHECK(st.ToString().find("cloud-init-output.log") != std::string::npos);
}

TEST_CASE("cloud-init wait reports a failing probe with its stderr", "[kube]") {
  testing::MemoryTransport t;
  t.Answer(255, "", "Connection reset by peer");
  Status st = WaitForCloudInit(t, 60, 0.0, CallContext());
  REQUIRE(st.HasErrors());
  CHECK(st.ToString().find("Connection reset by peer") != std::string::npos);
}

}  // namespace
}  // namespace capstan::host
