#ifndef ENDPOINT_AUTH_KUBECONFIG_H_
#define ENDPOINT_AUTH_KUBECONFIG_H_

// Reads a kubeconfig file for the one thing the webhook modes need from it:
// how to reach and log in to the API server. It is the file the kubelet's
// --kubeconfig names; the kubelet builds its TokenReview and SubjectAccessReview
// clients from it (cmd/kubelet/app/server.go; client-go tools/clientcmd with
// NewNonInteractiveDeferredLoadingClientConfig and no overrides).
//
// As client-go (tools/clientcmd: loader.go, validation.go, client_config.go):
//   - the context used is `current-context`, which must name an entry of
//     `contexts`; its `cluster` must name an entry of `clusters`, its `user`
//     (may be empty: no credentials) an entry of `users`;
//   - a name listed twice in one of the three lists is an error;
//   - relative file paths are relative to the kubeconfig's directory;
//   - `*-data` fields are base64 (standard alphabet, padded; line breaks are
//     ignored, as Go's encoding/json does for []byte);
//   - a file and its `-data` twin both set is an error, and so is
//     insecure-skip-tls-verify with a CA;
//   - a server without a scheme is https; a path in it prefixes API paths;
//   - token and tokenFile may both be set: the file wins while it is readable
//     (it is re-read by ApiServerClient; here it must be readable unless there
//     is a token);
//   - keys we do not know are ignored.
// **Our choices**: an `http://` server is refused (the bearer token would cross
// the network in clear); `exec`, `auth-provider`, `username`/`password`,
// impersonation (`as`, `as-groups`, ...) and `proxy-url` are refused with an
// error rather than ignored, since ignoring them would change who we are;
// `token-file` (not a client-go key) is read like `tokenFile`.
//
// Errors are InvalidArgument (or the file errors of ReadConfigFile) and name
// the file and the key: `kubeconfig <path>: <key>: <problem>`, e.g.
//   `kubeconfig /etc/kubernetes/kubelet.conf: current-context: context "x" not found in contexts`
//   `kubeconfig k.yaml: clusters[0].cluster.certificate-authority-data: invalid base64`
// A token never appears in an error.
//
// Pure functions of their inputs (and the files read); thread-safe.

#include <string>

#include "absl/status/statusor.h"
#include "endpoint/auth/read_file.h"

namespace endpoint {

// The API server as a kubeconfig's current context describes it. Files it
// names have been read: the PEM fields hold contents, not paths.
struct Kubeconfig {
  std::string source;   // the kubeconfig's path (or the name given to Parse)
  std::string context;  // the current context's name

  // cluster
  std::string server_url;       // as written, e.g. "https://10.0.0.1:6443"
  std::string scheme;           // "https"
  std::string host;             // "10.0.0.1", "api.example", "::1" (no brackets)
  int port = 443;               // the URL's port, else 443
  std::string base_path;        // the URL's path without a trailing '/', often ""
  std::string tls_server_name;  // cluster.tls-server-name; empty: `host`
  bool insecure_skip_tls_verify = false;
  std::string ca_pem;     // empty: the system's trusted roots
  std::string ca_origin;  // which key it came from, for errors

  // user (all empty: no credentials)
  std::string client_cert_pem;  // may also hold the key, and intermediates
  std::string client_key_pem;
  std::string client_cert_origin;
  std::string token;       // secret
  std::string token_file;  // absolute path, re-read while in use
};

// Reads and resolves the kubeconfig at `path`.
absl::StatusOr<Kubeconfig> LoadKubeconfig(const std::string& path);

// As LoadKubeconfig, from the file's contents; `source_name` stands for the
// path in errors and relative paths are resolved against `base_dir`; the files
// the kubeconfig names are read through `read`.
absl::StatusOr<Kubeconfig> ParseKubeconfig(const std::string& yaml, const std::string& source_name,
                                           const std::string& base_dir,
                                           const ConfigFileReader& read = ReadConfigFile);

// Go's base64.StdEncoding as encoding/json applies it to []byte: standard
// alphabet, padding required, '\r' and '\n' skipped. Anything else is
// InvalidArgument("invalid base64").
absl::StatusOr<std::string> DecodeBase64Std(const std::string& text);

}  // namespace endpoint

#endif  // ENDPOINT_AUTH_KUBECONFIG_H_
