// k8s.addon fetching: the sha256 cache, pin-on-first-use mismatches, explicit pins, mirrors.
//
/// Downloads come from a cpp-httplib server on 127.0.0.1 that counts requests, so a cache
/// hit is a request that did not happen; local mirrors are temporary directories.
#include "providers/kubernetes/addon_fetch.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "engine/hash.h"
#include "providers/kubernetes/addon_render.h"

#if __has_include(<httplib.h>)
#include "tests/providers/openstack/http_test_server.h"
#define CAPSTAN_HAVE_HTTPLIB 1
#endif

namespace capstan::kube {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "capstan-addon-XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  void Write(const std::string& rel, const std::string& text) const {
    fs::create_directories((fs::path(path) / rel).parent_path());
    std::ofstream(fs::path(path) / rel) << text;
  }
  std::string path;
};

const std::string kV1 = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: x}\n";
const std::string kV2 = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: x}\n";

}  // namespace

TEST_CASE("addon fetch: a local mirror is read directly, by path or file:// URL", "[kube]") {
  TempDir mirror, cache;
  mirror.Write("m/calico.yaml", kV1);
  auto plain = FetchManifest(mirror.path + "/m/calico.yaml", "calico.yaml", {}, cache.path);
  REQUIRE(plain.ok());
  CHECK(plain->body == kV1);
  CHECK(plain->sha256 == Sha256Hex(kV1));
  auto url = FetchManifest("file://" + mirror.path + "/m/calico.yaml", "calico.yaml",
                           {Sha256Hex(kV1), "test"}, cache.path);
  REQUIRE(url.ok());
  CHECK(url->body == kV1);
  CHECK(fs::is_empty(cache.path));  // mirrors are not copied into the cache

  auto missing =
      FetchManifest(mirror.path + "/m/nope.yaml", "https://up/nope.yaml", {}, cache.path);
  REQUIRE_FALSE(missing.ok());
  CHECK_THAT(missing.diags().ToString(), Catch::Contains("cannot read " + mirror.path));
  CHECK_THAT(missing.diags().ToString(), Catch::Contains("https://up/nope.yaml"));
}

TEST_CASE("addon fetch: a mirror file that changed after pinning is an error naming both hashes",
          "[kube]") {
  TempDir mirror;
  mirror.Write("calico.yaml", kV2);
  auto r = FetchManifest(mirror.path + "/calico.yaml", "https://up/calico.yaml",
                         {Sha256Hex(kV1), "recorded in state on first use"});
  REQUIRE_FALSE(r.ok());
  std::string msg = r.diags().ToString();
  CHECK_THAT(msg, Catch::Contains("https://up/calico.yaml: sha256 mismatch"));
  CHECK_THAT(msg, Catch::Contains("expected " + Sha256Hex(kV1) + " (recorded in state"));
  CHECK_THAT(msg, Catch::Contains("got " + Sha256Hex(kV2)));
  CHECK_THAT(msg, Catch::Contains("sha256: {\"calico.yaml\": \"" + Sha256Hex(kV2) + "\"}"));
}

TEST_CASE("addon fetch: an explicit sha256 property must match the manifest", "[kube]") {
  TempDir mirror;
  mirror.Write("cert-manager/cert-manager/releases/download/v1.14.2/cert-manager.yaml", kV1);
  Value props{{"addon", "cert-manager"},
              {"source", "file://" + mirror.path},
              {"sha256", {{"cert-manager.yaml", Sha256Hex(kV2)}}}};
  auto cfg = ConfigFromProps(props);
  REQUIRE(cfg.ok());
  auto r = RenderAddon(*cfg, PinsFor(*cfg, Value()));
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.diags().ToString(), Catch::Contains("(the sha256 property)"));
  CHECK_THAT(r.diags().ToString(),
             Catch::Contains("https://github.com/cert-manager/cert-manager/releases/"
                             "download/v1.14.2/cert-manager.yaml: sha256 mismatch"));
  // The explicit pin wins over one recorded in state.
  props["sha256"] = {{"cert-manager.yaml", Sha256Hex(kV1)}};
  cfg = ConfigFromProps(props);
  REQUIRE(cfg.ok());
  Value recorded{{cfg->files[0].key, Sha256Hex(kV2)}};
  auto ok = RenderAddon(*cfg, PinsFor(*cfg, recorded));
  INFO(ok.diags().ToString());
  REQUIRE(ok.ok());
  CHECK(ok->sha256[cfg->files[0].key] == Sha256Hex(kV1));
}

#ifdef CAPSTAN_HAVE_HTTPLIB
TEST_CASE("addon fetch: a download is cached by sha256 and not repeated", "[kube]") {
  openstack::testing::ScriptedServer srv;
  std::string body = kV1;
  srv.server.Get("/calico.yaml", [&](const httplib::Request& req, httplib::Response& res) {
    srv.Note(req);
    res.set_content(body, "text/plain");
  });
  srv.server.Get("/moved.yaml", [&](const httplib::Request& req, httplib::Response& res) {
    srv.Note(req);
    res.status = 302;
    res.set_header("Location", "/calico.yaml");
  });
  srv.Start();
  TempDir cache;
  auto first = FetchManifest(srv.Url("/calico.yaml"), "calico", {}, cache.path);
  REQUIRE(first.ok());
  CHECK_FALSE(first->from_cache);
  CHECK(srv.hits() == 1);
  CHECK(fs::exists(fs::path(cache.path) / Sha256Hex(kV1)));

  // Unpinned again: the URL index finds the cached content.
  auto second = FetchManifest(srv.Url("/calico.yaml"), "calico", {}, cache.path);
  REQUIRE(second.ok());
  CHECK(second->from_cache);
  CHECK(second->body == kV1);
  // Pinned: straight from the cache by hash.
  auto pinned = FetchManifest(srv.Url("/calico.yaml"), "calico", {Sha256Hex(kV1), "t"}, cache.path);
  REQUIRE(pinned.ok());
  CHECK(pinned->from_cache);
  CHECK(srv.hits() == 1);

  // Upstream changes; a fetch pinned to something the cache lacks downloads and refuses.
  body = kV2;
  auto changed = FetchManifest(srv.Url("/calico.yaml"), "https://up/calico.yaml",
                               {Sha256Hex("other"), "recorded in state on first use"}, cache.path);
  REQUIRE_FALSE(changed.ok());
  CHECK(srv.hits() == 2);
  CHECK_THAT(changed.diags().ToString(),
             Catch::Contains("got " + Sha256Hex(kV2) + " from " + srv.Url("/calico.yaml")));

  // GitHub release downloads redirect.
  TempDir cache2;
  auto moved = FetchManifest(srv.Url("/moved.yaml"), "moved", {}, cache2.path);
  REQUIRE(moved.ok());
  CHECK(moved->body == kV2);
  CHECK(srv.hits() == 4);
}

TEST_CASE("addon fetch: an http error names the URL", "[kube]") {
  openstack::testing::ScriptedServer srv;
  srv.Start();
  TempDir cache;
  auto r = FetchManifest(srv.Url("/missing.yaml"), "missing", {}, cache.path);
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.diags().ToString(), Catch::Contains("/missing.yaml"));
  CHECK_THAT(r.diags().ToString(), Catch::Contains("404"));
}
#endif

TEST_CASE("addon fetch: the cache directory follows CAPSTAN_ADDON_CACHE", "[kube]") {
  std::string saved = getenv("CAPSTAN_ADDON_CACHE") ? getenv("CAPSTAN_ADDON_CACHE") : "";
  std::string xdg = getenv("XDG_CACHE_HOME") ? getenv("XDG_CACHE_HOME") : "";
  setenv("CAPSTAN_ADDON_CACHE", "/tmp/capstan-addon-cache-test", 1);
  CHECK(AddonCacheDir() == "/tmp/capstan-addon-cache-test");
  unsetenv("CAPSTAN_ADDON_CACHE");
  setenv("XDG_CACHE_HOME", "/tmp/xdg", 1);
  CHECK(AddonCacheDir() == "/tmp/xdg/capstan/addons");
  unsetenv("XDG_CACHE_HOME");
  CHECK_THAT(AddonCacheDir(), Catch::EndsWith("/.cache/capstan/addons"));
  if (!saved.empty()) setenv("CAPSTAN_ADDON_CACHE", saved.c_str(), 1);
  if (!xdg.empty()) setenv("XDG_CACHE_HOME", xdg.c_str(), 1);
}

}  // namespace capstan::kube
