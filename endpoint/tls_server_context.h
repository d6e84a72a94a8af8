#ifndef ENDPOINT_TLS_SERVER_CONTEXT_H_
#define ENDPOINT_TLS_SERVER_CONTEXT_H_

// The server side of the endpoint's TLS, as the kubelet sets up its own
// (cmd/kubelet/app/server.go InitializeTLS, with k8s.io/component-base
// cli/flag ciphersuites_flag.go for the names): the serving pair, the minimum
// version and the TLS 1.2 cipher suites from --tls-min-version and
// --tls-cipher-suites with the kubelet's names and Go's defaults, and client
// certificates requested but not verified (the authenticator verifies them).
// Thread-safe (no state).

#include <openssl/ssl.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace endpoint {

struct TlsServerOptions {
  std::string cert_file;  // PEM: the serving certificate, then any chain
  std::string key_file;
  // --tls-min-version: "VersionTLS10" ... "VersionTLS13"; empty: Go's and the
  // kubelet's default, TLS 1.2.
  std::string min_version;
  // --tls-cipher-suites: Go's IANA names. Empty: Go's defaults (crypto/tls
  // defaults.go: every ECDHE suite with AES-GCM, ChaCha20-Poly1305 or AES-CBC
  // with SHA-1; no RSA key exchange, no 3DES, RC4 or CBC-SHA256). They apply to
  // TLS 1.0-1.2; TLS 1.3 suites are accepted by name and, as in Go, not
  // configurable.
  std::vector<std::string> cipher_suites;
};

// The OpenSSL protocol version for a --tls-min-version name; errors as the
// kubelet's: `unknown tls version "X"`.
absl::StatusOr<int> ParseTlsMinVersion(const std::string& name);

// The OpenSSL cipher list (for SSL_CTX_set_cipher_list) for Go cipher suite
// names; empty names: Go's default list. Errors as the kubelet's:
// `Cipher suite X not supported or doesn't exist`.
absl::StatusOr<std::string> OpensslCipherList(const std::vector<std::string>& go_names);

// Go's default TLS 1.2 suites, by Go name, in Go's preference order.
const std::vector<std::string>& GoDefaultCipherSuites();

// Makes a server context ask every client for a certificate without requiring
// or verifying one (SSL_VERIFY_PEER with a callback that accepts anything): as
// the kubelet does, an untrusted certificate must reach the authenticator and
// get 401 rather than fail the handshake. Also turns off session resumption
// (cache and tickets), so every connection carries the client's chain, and sets
// a session id context as OpenSSL requires with SSL_VERIFY_PEER.
void RequestClientCertificates(SSL_CTX* ctx);

struct SslCtxFree {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxFree>;

// A server context serving `cert_file` (the whole chain in it is sent) with
// `key_file`: the versions and suites above, no compression or renegotiation,
// the server's suite preference, client certificates requested as above.
// Errors are those of CheckKeyPair (serving_pair.h) or of the options (naming
// the flag), or say which OpenSSL call refused which file.
absl::StatusOr<SslCtxPtr> MakeServerSslContext(const TlsServerOptions& options);

}  // namespace endpoint

#endif  // ENDPOINT_TLS_SERVER_CONTEXT_H_
