// openstack.image against the test bed: upload from a file, patch, refresh, adopt,
// import from a URL (through capstan's download when Glance refuses the URL), delete.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "engine/hash.h"
#include "providers/openstack/os_provider.h"
#include "tests/integration/openstack/provider_fixture.h"

namespace capstan {
namespace {

struct ImageFixture : testbed::TypeFixture {
  ImageFixture() : TypeFixture("openstack.image") {}
};

std::string WriteFile(const std::string& name, const std::string& data) {
  std::string path = (std::filesystem::temp_directory_path() / name).string();
  std::ofstream(path, std::ios::binary) << data;
  return path;
}

/// Serves `body` to every GET on a random 127.0.0.1 port (Glance's web-download only
/// accepts ports 80 and 443 by default, so the test bed refuses it and capstan downloads).
class OneFileServer {
 public:
  explicit OneFileServer(std::string body) : body_(std::move(body)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(fd_, 8) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~OneFileServer() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/node.raw"; }
  int hits() const { return hits_; }

 private:
  void Serve() {
    for (;;) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string req;
      char buf[1024];
      while (req.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = ::read(c, buf, sizeof buf);
        if (n <= 0) break;
        req.append(buf, static_cast<size_t>(n));
      }
      ++hits_;
      std::string resp =
          "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
          "Content-Length: " +
          std::to_string(body_.size()) + "\r\nConnection: close\r\n\r\n" + body_;
      for (size_t off = 0; off < resp.size();) {
        ssize_t n = ::write(c, resp.data() + off, resp.size() - off);
        if (n <= 0) break;
        off += static_cast<size_t>(n);
      }
      ::close(c);
    }
  }
  std::string body_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<int> hits_{0};
  std::thread thread_;
};

TEST_CASE("openstack.image is uploaded from a file, patched, refreshed, adopted and deleted",
          "[openstack][image]") {
  ImageFixture f;
  std::string stack = testbed::UniqueStack("img");
  CallContext ctx = testbed::Ctx(stack, "openstack.image.node");
  std::string data(64 * 1024, 'x');
  std::string path = WriteFile(stack + ".raw", data);
  Value props = ApplyDefaults(f.type->schema(), Value{{"name", stack + "-node"},
                                                      {"source_file", path},
                                                      {"min_ram", 512},
                                                      {"properties", {{"os_distro", "ubuntu"}}},
                                                      {"tags", {"capi"}}});
  REQUIRE_FALSE(f.type->Validate(props).HasErrors());
  Value planned = f.type->PlanAttributes(props, nullptr);
  CHECK(planned["source_sha256"] == Sha256Hex(data));

  std::vector<std::string> steps;
  ctx.progress = [&](const std::string& s) { steps.push_back(s); };
  auto created = f.type->Create(ctx, props);
  INFO(created.diags().ToString());
  REQUIRE(created.ok());
  Value a = created->attributes;
  CHECK(a["status"] == "active");
  CHECK(a["size"] == 64 * 1024);
  CHECK(a["visibility"] == "private");
  CHECK(a["properties"] == Value{{"os_distro", "ubuntu"}});
  CHECK(a["tags"] == Value{"capi"});
  CHECK(a["owned"] == true);
  CHECK(a["source_sha256"] == Sha256Hex(data));
  CHECK_FALSE(steps.empty());

  Value cli = testbed::OpenStackJson("image show " + created->id);
  REQUIRE(cli.is_object());
  std::string tags = cli["tags"].dump();
  CHECK(tags.find("capstan-stack=" + stack) != std::string::npos);
  CHECK(tags.find("capstan-addr=openstack.image.node") != std::string::npos);
  CHECK(cli.value("min_ram", 0) == 512);

  // Refresh with ReadMany (one list filtered by the stack tag) gives the same attributes,
  // so the next plan is a no-op.
  CallContext many = ctx;
  many.address = Address{};
  many.addresses = {ctx.address};
  auto read = f.type->ReadMany(many, {*created});
  REQUIRE(read.size() == 1);
  REQUIRE(read[0].ok());
  REQUIRE(read[0]->has_value());
  CHECK((*read[0])->attributes == a);
  ObjectState prior = **read[0];
  Value replanned = f.type->PlanAttributes(props, &prior);
  CHECK(replanned["source_sha256"] == a["source_sha256"]);

  // A changed file plans a new digest: a replacement (source_sha256 forces one).
  WriteFile(stack + ".raw", data + "y");
  CHECK(f.type->PlanAttributes(props, &prior)["source_sha256"] != a["source_sha256"]);
  WriteFile(stack + ".raw", data);

  // Update in place: properties changed and removed, tags, min_ram, name.
  Value changed = props;
  changed["name"] = stack + "-node2";
  changed["min_ram"] = 1024;
  changed["properties"] = {{"hw_disk_bus", "scsi"}};
  changed["tags"] = {"capi", "v2"};
  auto updated = f.type->Update(ctx, prior, changed);
  INFO(updated.diags().ToString());
  REQUIRE(updated.ok());
  CHECK(updated->id == created->id);
  CHECK(updated->attributes["name"] == stack + "-node2");
  CHECK(updated->attributes["min_ram"] == 1024);
  CHECK(updated->attributes["properties"] == Value{{"hw_disk_bus", "scsi"}});
  CHECK(updated->attributes["tags"] == Value{"capi", "v2"});
  CHECK(updated->attributes["owned"] == true);

  // A second create for the same address adopts the image instead of duplicating it.
  auto again = f.type->Create(ctx, changed);
  INFO(again.diags().ToString());
  REQUIRE(again.ok());
  CHECK(again->id == created->id);

  REQUIRE_FALSE(f.type->Delete(ctx, *created).HasErrors());
  CHECK_FALSE(f.type->Delete(ctx, *created).HasErrors());  // Already gone is fine.
  auto gone = f.type->Read(ctx, *created);
  INFO(gone.diags().ToString());
  REQUIRE(gone.ok());
  CHECK_FALSE(gone->has_value());
  std::filesystem::remove(path);
}

TEST_CASE("openstack.image from a source_url Glance refuses is downloaded and uploaded",
          "[openstack][image]") {
  ImageFixture f;
  std::string data(10000, 'u');
  OneFileServer server(data);
  std::string stack = testbed::UniqueStack("imgurl");
  CallContext ctx = testbed::Ctx(stack, "openstack.image.url");
  std::vector<std::string> steps;
  ctx.progress = [&](const std::string& s) { steps.push_back(s); };
  Value props = ApplyDefaults(
      f.type->schema(),
      Value{{"name", stack}, {"source_url", server.Url()}, {"source_sha256", Sha256Hex(data)}});
  auto created = f.type->Create(ctx, props);
  INFO(created.diags().ToString());
  REQUIRE(created.ok());
  CHECK(created->attributes["status"] == "active");
  CHECK(created->attributes["size"] == 10000);
  CHECK(created->attributes["source_sha256"] == Sha256Hex(data));
  CHECK(server.hits() == 1);
  bool fell_back = false;
  for (const auto& s : steps) fell_back = fell_back || s.find("downloading") != std::string::npos;
  CHECK(fell_back);
  REQUIRE_FALSE(f.type->Delete(ctx, *created).HasErrors());

  // A digest that does not match stops before anything is uploaded.
  props["source_sha256"] = std::string(64, '0');
  CallContext bad = testbed::Ctx(stack, "openstack.image.bad");
  auto wrong = f.type->Create(bad, props);
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.diags().ToString().find("not the source_sha256") != std::string::npos);
  // The queued image it left is marked: deleting through List cleans it up.
  auto left = f.type->List(bad);
  INFO(left.diags().ToString());
  REQUIRE(left.ok());
  for (const ObjectState& o : *left) CHECK_FALSE(f.type->Delete(bad, o).HasErrors());
}

}  // namespace
}  // namespace capstan
