#ifndef ENDPOINT_TLS_H_
#define ENDPOINT_TLS_H_

// The endpoint's TLS: the serving certificate the kubelet makes for itself when
// it is given none, the check of a given pair, the HTTPS server that asks for
// (but does not verify) client certificates, and what a handler can learn of
// its connection (the client's chain; whether the client has gone away).
//
// Every function here is thread-safe: none keeps state between calls.

#include <openssl/ssl.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

// Debian's cpp-httplib is a compiled library built with OpenSSL on; a TU that
// includes its header without the same macros sees different class layouts.
// The flags come from pkg-config (cpp-httplib.pc), never from a local #define.
#ifndef CPPHTTPLIB_OPENSSL_SUPPORT
#error "endpoint/tls.h needs cpp-httplib's pkg-config compile flags (PkgConfig::HTTPLIB)"
#endif
#include <httplib.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace endpoint {

// The serving pair the endpoint uses.
struct TlsFiles {
  std::string cert_file;   // PEM: serving certificate first, then its CA
  std::string key_file;    // PEM: the serving certificate's private key
  bool generated = false;  // true when this call wrote them
};

// A certificate (chain) and its key, as PEM text.
struct PemCertKey {
  std::string cert_pem;  // serving certificate, then the CA that signed it
  std::string key_pem;   // "RSA PRIVATE KEY" (PKCS#1), as client-go writes it
};

// What client-go's cert.GenerateSelfSignedCertKey(host, nil, nil) makes: a
// throw-away CA (RSA 2048, serial 1, CN "<host>-ca@<unix seconds>") and a
// serving certificate signed by it (RSA 2048, serial 2, CN "<host>@<unix>",
// key usage digitalSignature+keyEncipherment, extended usage serverAuth), both
// valid from now-1h for 365 days, SHA-256 signatures. Upstream's only SAN is the
// host (an IP SAN when it parses as an IP, else DNS). **Our choice**: the SANs
// also hold "localhost", 127.0.0.1 and ::1 so local clients can verify us.
// `now` is injected so tests can check the validity window.
absl::StatusOr<PemCertKey> GenerateSelfSignedCertKey(const std::string& host_name,
                                                     std::chrono::system_clock::time_point now);

// What the kubelet does at start-up without --tls-cert-file and
// --tls-private-key-file (cmd/kubelet/app/server.go InitializeTLS, with
// client-go util/cert CanReadCertAndKey/WriteCert and keyutil.WriteKey):
// the pair is <cert_dir>/kubelet.crt and <cert_dir>/kubelet.key;
//  - both readable: they are used as they are (never regenerated). **Our
//    choice**: we also check them now (CheckKeyPair) and fail with the file's
//    name, where the kubelet would fail later when serving;
//  - exactly one readable: error "certificate and key must be supplied as a
//    pair", as upstream;
//  - neither: a new pair from GenerateSelfSignedCertKey(host_name, now) is
//    written: key 0600, cert 0644 (as upstream). **Our choice**: the key file
//    never exists with a wider mode or partly written (each file is written
//    under a temporary name created O_EXCL with its final mode, then linked to
//    its final name, which must not exist), and a missing cert_dir is created
//    0700 (upstream: 0755).
absl::StatusOr<TlsFiles> EnsureSelfSignedPair(const std::string& cert_dir,
                                              const std::string& host_name);

// Loads the certificate file and the key file and checks the key belongs to
// the first certificate. Errors name the flag (--tls-cert-file or
// --tls-private-key-file) and the file, and say what is wrong: unreadable, no
// PEM certificate / private key in it, or the key does not match.
absl::Status CheckKeyPair(const std::string& cert_file, const std::string& key_file);

// The certificate chain the client presented on this connection, leaf first,
// as PEM blocks; empty when it presented none or `ssl` is null (plain HTTP).
// Nothing here is verified: that is the authenticator's job. (Server side,
// SSL_get_peer_cert_chain lacks the leaf; we add it from
// SSL_get0_peer_certificate.) Sessions are never resumed on servers set up by
// RequestClientCertificates, so the whole chain is always there.
absl::StatusOr<std::vector<std::string>> PeerChainPem(const SSL* ssl);

// True when the client has closed (or reset) its side of the TCP connection,
// checked without blocking and without consuming anything: poll() for
// POLLRDHUP/POLLHUP/POLLERR, then recv(MSG_PEEK|MSG_DONTWAIT) == 0. POLLRDHUP is
// needed because a polite TLS client sends close_notify before its FIN, so a
// peek alone sees a pending byte, not end-of-file. Like Go's net/http, a client
// that only half-closes (shutdown(SHUT_WR)) also counts as gone. Used to cancel
// a checkpoint whose client disconnected.
bool PeerClosed(const SSL* ssl);
// The same for a plain socket.
bool PeerClosedFd(int fd);

// Makes a server context ask every client for a certificate without requiring
// or verifying one (SSL_VERIFY_PEER with a callback that accepts anything): as
// the kubelet does, an untrusted certificate must reach the authenticator and
// get 401 rather than fail the handshake. Also turns off session resumption
// (cache and tickets), so every connection carries the client's chain, and sets
// a session id context as OpenSSL requires with SSL_VERIFY_PEER.
void RequestClientCertificates(SSL_CTX* ctx);

// An HTTPS server serving `cert_file` (the whole chain in it is sent) with
// `key_file`: TLS 1.2 or later, no compression or renegotiation, and client
// certificates requested as above. Errors are those of CheckKeyPair, or say
// which OpenSSL call refused which file.
struct SslCtxFree {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxFree>;
// The same TLS settings as MakeTlsServer, as a bare context for our own server.
absl::StatusOr<SslCtxPtr> MakeServerSslContext(const std::string& cert_file,
                                               const std::string& key_file);

absl::StatusOr<std::unique_ptr<httplib::SSLServer>> MakeTlsServer(const std::string& cert_file,
                                                                  const std::string& key_file);

}  // namespace endpoint

#endif  // ENDPOINT_TLS_H_
