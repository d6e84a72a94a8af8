#ifndef ENDPOINT_AUTH_API_SERVER_CLIENT_H_
#define ENDPOINT_AUTH_API_SERVER_CLIENT_H_

// An HTTPS client for the API server described by a kubeconfig (kubeconfig.h),
// as client-go's rest client would reach it (k8s.io/client-go/transport:
// TLSConfigFor, NewBearerAuthWithRefreshRoundTripper):
//
//   - TLS 1.2 or later. The server's certificate is verified against the
//     kubeconfig's CA (every certificate in it is a trust anchor, as in Go's
//     x509.CertPool), or against the system's roots when the kubeconfig has no
//     CA; insecure-skip-tls-verify turns verification off.
//   - The name checked is tls-server-name, else the server URL's host: an IP
//     must be in an IP SAN, a DNS name in a DNS SAN; the subject CN is never
//     used and a wildcard only covers a whole left-most label (Go's rules).
//     The SNI sent is always the URL's host (cpp-httplib sets it).
//   - The client certificate (with any intermediates after it in its PEM) and
//     key, when the kubeconfig has them.
//   - `Authorization: Bearer <token>` when the kubeconfig has a token: the
//     token file is re-read at most once a minute (client-go
//     CachedFileTokenSource), its contents trimmed; while it cannot be read
//     the last good token, else the static `token`, is used.
//   - Headers: Content-Type: application/json, Accept: application/json, */*,
//     User-Agent from the options. The kubelet itself sends protobuf by
//     default (--kube-api-content-type=application/vnd.kubernetes.protobuf);
//     JSON is what it sends with --kube-api-content-type=application/json and
//     what every API server accepts.
//   - **Our choice**: each call uses a new connection (no keep-alive), so calls
//     need no shared connection state; calls are rare thanks to the caches.
//   - Timeout: the connection (TCP and TLS handshake), each read and each
//     write are each bounded by `timeout`. (The kubelet sets none on these
//     clients: it relies on Go's transport defaults, 30 s to dial and 10 s for
//     the TLS handshake, and waits for the answer without limit.)
//
// Errors of Post are Unavailable: `Post "<url>": <problem>`, where problem is
// e.g. `tls: failed to verify certificate: x509: certificate signed by unknown
// authority`, `could not connect`, or `timed out or lost the connection while
// reading the response`. They never contain the token.
//
// Immutable after Create (but for the token file's cache, behind a mutex);
// thread-safe. REQUIRES: SIGPIPE is ignored (main does so): a TLS write to a
// server that has closed the connection raises it.

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "endpoint/auth/api_client.h"
#include "endpoint/auth/kubeconfig.h"
#include "endpoint/clock.h"

namespace endpoint {

struct ApiServerClientOptions {
  // Bound on connecting, on each read and on each write. Default: 10 s, as
  // k8s.io/apiserver's DelegatingAuthenticationOptions.TokenRequestTimeout
  // (the kubelet sets none; see above).
  std::chrono::milliseconds timeout = std::chrono::seconds(10);
  // Default: "checkpoint-endpoint". (client-go: "kubelet/<version> (<os>/<arch>)
  // kubernetes/<commit>".)
  std::string user_agent = "checkpoint-endpoint";
  // When the token file is re-read. Null: the system clock.
  // REQUIRES: a non-null clock outlives the client.
  Clock* clock = nullptr;
};

class ApiServerClient final : public ApiClient {
 public:
  // Parses the kubeconfig's PEM material. Errors are InvalidArgument and name
  // where it came from, e.g. `kubeconfig k.yaml: users[0].user.client-key-data:
  // no PEM private key found`, or `...: tls: private key does not match public key`.
  static absl::StatusOr<std::unique_ptr<ApiServerClient>> Create(
      const Kubeconfig& kubeconfig, const ApiServerClientOptions& options = {});

  ~ApiServerClient() override;

  absl::StatusOr<ApiResponse> Post(const std::string& api_path,
                                   const std::string& json_body) override;

  // "https://host:port" + the kubeconfig's base path + `api_path`.
  std::string Url(const std::string& api_path) const;

 private:
  ApiServerClient(const Kubeconfig& kubeconfig, const ApiServerClientOptions& options);

  std::string BearerToken();

  const Kubeconfig config_;
  const ApiServerClientOptions options_;
  X509_STORE* ca_store_ = nullptr;   // owned; null: system roots or insecure
  X509* client_cert_ = nullptr;      // owned; may be null
  EVP_PKEY* client_key_ = nullptr;   // owned; may be null
  std::vector<X509*> client_chain_;  // owned intermediates

  std::mutex token_mu_;
  std::string file_token_;   // guarded by token_mu_: last good token file contents
  WallTime token_read_at_;   // guarded by token_mu_
  bool token_read_ = false;  // guarded by token_mu_
};

}  // namespace endpoint

#endif  // ENDPOINT_AUTH_API_SERVER_CLIENT_H_
