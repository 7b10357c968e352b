// Kubeconfig parsing (see kubeconfig.h): yaml-cpp into a resolved Connection.
#include "providers/kubernetes/kubeconfig.h"

#include <sodium.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace capstan::kube {
namespace {

namespace fs = std::filesystem;

std::string Str(const YAML::Node& n, const char* key) {
  const YAML::Node v = n[key];
  if (!v || !v.IsScalar()) return "";
  return v.as<std::string>();
}

/// The `inner` map of the named entry in list `list` ("clusters", "users", "contexts").
Result<YAML::Node> Named(const YAML::Node& root, const char* list, const char* inner,
                         const std::string& name) {
  const YAML::Node entries = root[list];
  std::string known;
  if (entries && entries.IsSequence()) {
    for (const auto& e : entries) {
      std::string n = Str(e, "name");
      if (n == name) {
        YAML::Node body = e[inner];
        if (!body || body.IsNull()) return YAML::Node(YAML::NodeType::Map);
        if (!body.IsMap()) {
          return Result<YAML::Node>::Fail(std::string(list) + "[" + name + "]." + inner +
                                          ": must be a map");
        }
        return body;
      }
      known += (known.empty() ? "" : ", ") + n;
    }
  }
  return Result<YAML::Node>::Fail(
      std::string(list) + ": no entry named \"" + name + "\"",
      known.empty() ? std::string("The kubeconfig has no ") + list + "." : "Known: " + known + ".");
}

std::string ReadWhole(const std::string& path, bool* ok) {
  std::ifstream in(path, std::ios::binary);
  *ok = in.good();
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string ExpandHome(const std::string& p) {
  if (p.rfind("~/", 0) == 0 && getenv("HOME")) return std::string(getenv("HOME")) + p.substr(1);
  return p;
}

/// `<key>-data` (base64) wins over `<key>` (a file path), like kubectl.
Result<std::string> DataOrFile(const YAML::Node& n, const std::string& where,
                               const std::string& key, const std::string& base_dir) {
  std::string data = Str(n, (key + "-data").c_str());
  if (!data.empty()) {
    auto dec = DecodeBase64(data);
    if (!dec.ok()) {
      return Result<std::string>::Fail(where + "." + key + "-data: not valid base64");
    }
    return dec;
  }
  std::string file = Str(n, key.c_str());
  if (file.empty()) return std::string();
  fs::path p = ExpandHome(file);
  if (p.is_relative() && !base_dir.empty()) p = fs::path(base_dir) / p;
  bool ok = false;
  std::string text = ReadWhole(p.string(), &ok);
  if (!ok) {
    return Result<std::string>::Fail(where + "." + key + ": cannot read " + p.string(),
                                     std::string(strerror(errno)));
  }
  return text;
}

}  // namespace

Result<std::string> DecodeBase64(const std::string& text) {
  std::string out(text.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), " \t\r\n", &len, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0) {
    return Result<std::string>::Fail("not valid base64");
  }
  out.resize(len);
  return out;
}

Result<Connection> ParseKubeconfig(const std::string& text, const std::string& base_dir,
                                   const std::string& context) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return Result<Connection>::Fail("kubeconfig is not valid YAML", e.what());
  }
  if (!root.IsMap()) return Result<Connection>::Fail("kubeconfig must be a YAML map");
  Connection c;
  c.context = context.empty() ? Str(root, "current-context") : context;
  if (c.context.empty()) {
    return Result<Connection>::Fail("current-context: not set and no context given",
                                    "Set providers.kubernetes.context or current-context.");
  }
  auto ctx = Named(root, "contexts", "context", c.context);
  if (!ctx.ok()) return ctx.diags();
  std::string cluster_name = Str(*ctx, "cluster"), user_name = Str(*ctx, "user");
  if (cluster_name.empty()) {
    return Result<Connection>::Fail("contexts[" + c.context + "].context.cluster: not set");
  }
  auto cluster = Named(root, "clusters", "cluster", cluster_name);
  if (!cluster.ok()) return cluster.diags();
  std::string where = "clusters[" + cluster_name + "].cluster";
  c.server = Str(*cluster, "server");
  if (c.server.empty()) return Result<Connection>::Fail(where + ".server: not set");
  if (c.server.rfind("http://", 0) != 0 && c.server.rfind("https://", 0) != 0) {
    return Result<Connection>::Fail(where + ".server: must start with https:// or http://",
                                    "Got \"" + c.server + "\".");
  }
  while (!c.server.empty() && c.server.back() == '/') c.server.pop_back();
  c.insecure = Str(*cluster, "insecure-skip-tls-verify") == "true";
  auto ca = DataOrFile(*cluster, where, "certificate-authority", base_dir);
  if (!ca.ok()) return ca.diags();
  c.ca_pem = *ca;

  if (!user_name.empty()) {
    auto user = Named(root, "users", "user", user_name);
    if (!user.ok()) return user.diags();
    std::string uw = "users[" + user_name + "].user";
    if ((*user)["exec"] || (*user)["auth-provider"]) {
      return Result<Connection>::Fail(
          uw + ": exec and auth-provider credentials are not supported",
          "Use a client certificate or a bearer token in the kubeconfig for capstan.");
    }
    auto cert = DataOrFile(*user, uw, "client-certificate", base_dir);
    if (!cert.ok()) return cert.diags();
    auto key = DataOrFile(*user, uw, "client-key", base_dir);
    if (!key.ok()) return key.diags();
    c.client_cert_pem = *cert;
    c.client_key_pem = *key;
    if (c.client_cert_pem.empty() != c.client_key_pem.empty()) {
      return Result<Connection>::Fail(uw +
                                      ": client-certificate and client-key must be given together");
    }
    c.token = Str(*user, "token");
    std::string token_file = Str(*user, "tokenFile");
    if (c.token.empty() && !token_file.empty()) {
      fs::path p = ExpandHome(token_file);
      if (p.is_relative() && !base_dir.empty()) p = fs::path(base_dir) / p;
      bool ok = false;
      c.token = ReadWhole(p.string(), &ok);
      if (!ok) return Result<Connection>::Fail(uw + ".tokenFile: cannot read " + p.string());
      while (!c.token.empty() && isspace(static_cast<unsigned char>(c.token.back()))) {
        c.token.pop_back();
      }
    }
  }
  return c;
}

Result<Connection> LoadKubeconfig(const std::string& path, const std::string& context) {
  std::string p = ExpandHome(path);
  bool ok = false;
  std::string text = ReadWhole(p, &ok);
  if (!ok) return Result<Connection>::Fail("cannot read kubeconfig " + p, strerror(errno));
  auto conn = ParseKubeconfig(text, fs::path(p).parent_path().string(), context);
  if (!conn.ok()) {
    Diagnostics d;
    for (const auto& item : conn.diags().items()) {
      d.Error("kubeconfig " + p + ": " + item.summary, item.detail);
    }
    return d;
  }
  return conn;
}

Result<Connection> LoadKubeconfigSource(const std::string& source, const std::string& context) {
  if (source.find('\n') == std::string::npos) return LoadKubeconfig(source, context);
  auto conn = ParseKubeconfig(source, "", context);
  if (conn.ok()) return conn;
  Diagnostics d;
  for (auto item : conn.diags().items()) {
    item.summary = "inline kubeconfig: " + item.summary;
    d.Add(item);
  }
  return d;
}

}  // namespace capstan::kube
