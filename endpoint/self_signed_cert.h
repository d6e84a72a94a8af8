#ifndef ENDPOINT_SELF_SIGNED_CERT_H_
#define ENDPOINT_SELF_SIGNED_CERT_H_

// The serving certificate the kubelet makes for itself when it is given none,
// made in memory. Thread-safe (no state).

#include <chrono>
#include <string>

#include "absl/status/statusor.h"

namespace endpoint {

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

}  // namespace endpoint

#endif  // ENDPOINT_SELF_SIGNED_CERT_H_
