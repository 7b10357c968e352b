// Kubeconfig parsing: contexts, embedded and file credentials, and errors naming the key.
#include "providers/kubernetes/kubeconfig.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

namespace capstan::kube {
namespace {

// "hello" and "world" in base64.
constexpr const char* kConfig = R"(apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster:
    server: https://10.0.0.1:6443/
    certificate-authority-data: aGVsbG8=
- name: lab
  cluster:
    server: http://127.0.0.1:8080
    insecure-skip-tls-verify: true
contexts:
- name: prod-admin
  context: {cluster: prod, user: admin}
- name: lab-token
  context: {cluster: lab, user: robot}
users:
- name: admin
  user:
    client-certificate-data: aGVsbG8=
    client-key-data: d29ybGQ=
- name: robot
  user:
    token: s3cret
current-context: prod-admin
)";

std::string ErrorText(const Diagnostics& d) { return d.ToString(); }

}  // namespace

TEST_CASE("kubeconfig: current-context with embedded certificate data", "[kube]") {
  auto c = ParseKubeconfig(kConfig, "");
  REQUIRE(c.ok());
  CHECK(c->server == "https://10.0.0.1:6443");
  CHECK(c->context == "prod-admin");
  CHECK(c->ca_pem == "hello");
  CHECK(c->client_cert_pem == "hello");
  CHECK(c->client_key_pem == "world");
  CHECK(c->token.empty());
  CHECK_FALSE(c->insecure);
}

TEST_CASE("kubeconfig: a named context with a token and insecure-skip-tls-verify", "[kube]") {
  auto c = ParseKubeconfig(kConfig, "", "lab-token");
  REQUIRE(c.ok());
  CHECK(c->server == "http://127.0.0.1:8080");
  CHECK(c->token == "s3cret");
  CHECK(c->insecure);
  CHECK(c->client_cert_pem.empty());
}

TEST_CASE("kubeconfig: certificate files are read relative to the kubeconfig", "[kube]") {
  auto dir = std::filesystem::temp_directory_path() / "capstan-kubeconfig-test";
  std::filesystem::create_directories(dir / "pki");
  std::ofstream(dir / "pki/ca.crt") << "CA";
  std::ofstream(dir / "pki/c.crt") << "CERT";
  std::ofstream(dir / "pki/c.key") << "KEY";
  std::ofstream(dir / "token") << "tok\n";
  std::ofstream(dir / "config") << R"(clusters:
- name: c
  cluster: {server: "https://h:6443", certificate-authority: pki/ca.crt}
users:
- name: u
  user: {client-certificate: pki/c.crt, client-key: pki/c.key, tokenFile: token}
contexts:
- name: x
  context: {cluster: c, user: u}
current-context: x
)";
  auto c = LoadKubeconfig((dir / "config").string());
  std::filesystem::remove_all(dir);
  REQUIRE(c.ok());
  CHECK(c->ca_pem == "CA");
  CHECK(c->client_cert_pem == "CERT");
  CHECK(c->client_key_pem == "KEY");
  CHECK(c->token == "tok");
}

TEST_CASE("kubeconfig: errors name the key at fault", "[kube]") {
  auto missing_ctx = ParseKubeconfig(kConfig, "", "nope");
  REQUIRE_FALSE(missing_ctx.ok());
  CHECK_THAT(ErrorText(missing_ctx.diags()), Catch::Contains("contexts: no entry named \"nope\"") &&
                                                 Catch::Contains("prod-admin, lab-token"));

  std::string bad = kConfig;
  bad.replace(bad.find("d29ybGQ="), 8, "x%%not-base64");
  auto b64 = ParseKubeconfig(bad, "");
  REQUIRE_FALSE(b64.ok());
  CHECK_THAT(ErrorText(b64.diags()),
             Catch::Contains("users[admin].user.client-key-data: not valid base64"));

  auto no_server = ParseKubeconfig(
      "clusters: [{name: c, cluster: {}}]\ncontexts: [{name: x, context: {cluster: c}}]\n"
      "current-context: x\n",
      "");
  REQUIRE_FALSE(no_server.ok());
  CHECK_THAT(ErrorText(no_server.diags()), Catch::Contains("clusters[c].cluster.server: not set"));

  auto exec = ParseKubeconfig(
      "clusters: [{name: c, cluster: {server: 'https://h'}}]\n"
      "users: [{name: u, user: {exec: {command: aws}}}]\n"
      "contexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n",
      "");
  REQUIRE_FALSE(exec.ok());
  CHECK_THAT(ErrorText(exec.diags()), Catch::Contains("users[u].user: exec and auth-provider"));

  auto file = LoadKubeconfig("/nonexistent/kubeconfig");
  REQUIRE_FALSE(file.ok());
  CHECK_THAT(ErrorText(file.diags()), Catch::Contains("cannot read kubeconfig /nonexistent"));
}

}  // namespace capstan::kube
