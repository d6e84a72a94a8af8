#ifndef ENDPOINT_AUTH_TESTING_TLS_PAIRS_H_
#define ENDPOINT_AUTH_TESTING_TLS_PAIRS_H_

// Test-only: a CA that issues certificates *with their private keys* (serving
// certificates with SANs, client certificates), as PEM, for tests that run a
// real TLS server or client. Built on test_pki.h's TestCert. Keys are EC P-256; certificates are
// valid from a day ago for a year (real time: TLS peers check the wall clock). Aborts the test
// binary on an OpenSSL failure (a broken environment, not a test result). Immutable after creation;
// thread-compatible.

#include <memory>
#include <string>
#include <vector>

#include "endpoint/auth/testing/test_pki.h"

namespace endpoint::testing {

struct PemPair {
  std::string cert_pem;
  std::string key_pem;  // PKCS#8 "PRIVATE KEY"
};

class TlsTestCa {
 public:
  explicit TlsTestCa(const std::string& common_name);

  const std::string& ca_pem() const { return ca_pem_; }

  // A serving certificate (extendedKeyUsage serverAuth) whose subjectAltName
  // is `subject_alt_names` as OpenSSL spells it, e.g. "IP:127.0.0.1,DNS:localhost";
  // empty: no SAN extension.
  PemPair IssueServer(const std::string& common_name, const std::string& subject_alt_names) const;

  // A client certificate (extendedKeyUsage clientAuth), subject CN and O's.
  PemPair IssueClient(const std::string& common_name,
                      const std::vector<std::string>& organizations = {}) const;

 private:
  PemPair Issue(const std::string& common_name, const std::vector<std::string>& organizations,
                const std::string& extended_key_usage, const std::string& subject_alt_names) const;

  TestCert ca_;
  std::string ca_pem_;
};

}  // namespace endpoint::testing

#endif  // ENDPOINT_AUTH_TESTING_TLS_PAIRS_H_
