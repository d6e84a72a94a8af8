#ifndef ENDPOINT_AUTH_X509_H_
#define ENDPOINT_AUTH_X509_H_

// Authenticates requests by their TLS client certificate, as the kubelet does
// with --client-ca-file (k8s.io/apiserver/pkg/authentication/request/x509/
// x509.go: Authenticator with CommonNameUserConversion).
//
//   - No peer certificate: kNoOpinion.
//   - The leaf (peer_chain[0]) is verified with OpenSSL X509_verify_cert against
//     the CA bundle, the rest of peer_chain as untrusted intermediates, purpose
//     SSL client (X509_PURPOSE_SSL_CLIENT: extended key usage, if present, must
//     allow clientAuth, as Go's ExtKeyUsageClientAuth), at the clock's time.
//     Any certificate in the bundle is a trust anchor, self-signed or not
//     (X509_V_FLAG_PARTIAL_CHAIN), as in Go's x509.CertPool.
//     Failure: kRejected, reason `verifying certificate SN=<serial>, SKID=<hex>,
//     AKID=<hex> failed: x509: <problem>` with Go's texts for the common cases
//     (`certificate signed by unknown authority`, `certificate has expired or is
//     not yet valid: ...`, `certificate specifies an incompatible key usage`).
//   - Verified: user = subject CN (the last CN if several), groups = every
//     subject O value in order, uid "". A verified certificate without a CN
//     is kNoOpinion, as upstream.
// Differs from Go in one known way: OpenSSL's SSL-client purpose also requires
// a leaf's key usage, if present, to include digitalSignature or keyAgreement.
//
// Immutable after Create; thread-safe (the X509_STORE is only read).

#include <openssl/x509.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "endpoint/auth/auth.h"
#include "endpoint/clock.h"

namespace endpoint {

class X509Authenticator final : public Authenticator {
 public:
  // Loads the PEM CA bundle at `client_ca_file`. Errors name the file:
  //   `client CA file <path>: cannot read: <reason>` (NotFound, ...)
  //   `client CA file <path>: no PEM certificates found` (InvalidArgument)
  //   `client CA file <path>: certificate <n>: invalid PEM certificate: <why>`
  // `clock`: the time certificates are checked at; null means the system
  // clock. REQUIRES: a non-null `clock` outlives the authenticator.
  static absl::StatusOr<std::unique_ptr<X509Authenticator>> Create(
      const std::string& client_ca_file, Clock* clock = nullptr);

  // As Create, from the bundle's contents; `source_name` stands for the path.
  static absl::StatusOr<std::unique_ptr<X509Authenticator>> FromPem(const std::string& pem,
                                                                    const std::string& source_name,
                                                                    Clock* clock = nullptr);

  ~X509Authenticator() override;

  AuthnResult Authenticate(const AuthRequest& request) override;

 private:
  X509Authenticator(X509_STORE* store, Clock* clock);

  X509_STORE* const store_;  // owned
  Clock* const clock_;       // not owned; may be null
};

}  // namespace endpoint

#endif  // ENDPOINT_AUTH_X509_H_
