#ifndef ENDPOINT_SERVING_PAIR_H_
#define ENDPOINT_SERVING_PAIR_H_

// The serving certificate and key on disk: found or written in --cert-dir as
// the kubelet does, or given by flags and checked. Thread-safe (no state).

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace endpoint {

// The serving pair the endpoint uses.
struct TlsFiles {
  std::string cert_file;   // PEM: serving certificate first, then its CA
  std::string key_file;    // PEM: the serving certificate's private key
  bool generated = false;  // true when this call wrote them
};

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

}  // namespace endpoint

#endif  // ENDPOINT_SERVING_PAIR_H_
