// Kubeconfig parsing: from a kubeconfig file (or its text) to one resolved connection.
//
/// The `kubernetes` provider must reach the same cluster `kubectl` would with the same
/// kubeconfig, so it follows kubectl's rules for the parts capstan supports: clusters,
/// users and contexts by name, `current-context` unless a context is named, embedded
/// `*-data` (base64) or file certificates and CA (files relative to the kubeconfig's
/// directory), bearer `token`/`tokenFile`, and `insecure-skip-tls-verify`. Every error
/// names the kubeconfig key at fault ("users[admin].client-key-data: not valid base64").
/// exec/auth-provider plugins are refused with a clear message rather than ignored.
#pragma once

#include <string>

#include "engine/result.h"

namespace capstan::kube {

/// Everything needed to talk to one API server.
struct Connection {
  std::string server;   ///< "https://host:6443" (no trailing slash).
  std::string context;  ///< The context used.
  std::string ca_pem;   ///< CA bundle (PEM); empty = system store.
  std::string client_cert_pem;
  std::string client_key_pem;
  std::string token;  ///< Bearer token; empty = none.
  bool insecure = false;
};

/// Parses kubeconfig `text`. `base_dir` resolves relative file paths; `context` selects
/// a context (empty = current-context).
Result<Connection> ParseKubeconfig(const std::string& text, const std::string& base_dir,
                                   const std::string& context = "");

/// Reads and parses the kubeconfig file at `path` (~ expanded).
Result<Connection> LoadKubeconfig(const std::string& path, const std::string& context = "");

/// A kubeconfig given as text (anything containing a newline, e.g. the output of the
/// resource that made the cluster) or as a path; errors on text say "inline kubeconfig".
Result<Connection> LoadKubeconfigSource(const std::string& source, const std::string& context = "");

/// Standard base64 (whitespace ignored); nullopt-like failure as an error Result.
Result<std::string> DecodeBase64(const std::string& text);

}  // namespace capstan::kube
