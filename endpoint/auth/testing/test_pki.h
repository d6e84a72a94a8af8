#ifndef ENDPOINT_AUTH_TESTING_TEST_PKI_H_
#define ENDPOINT_AUTH_TESTING_TEST_PKI_H_

// Test-only: makes CAs and client certificates in memory with OpenSSL, so that
// tests need no fixture files. Keys are EC P-256. Aborts the test binary on an
// OpenSSL failure (a broken test environment, not a test result).
// Values are immutable after creation; thread-compatible.

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <ctime>
#include <memory>
#include <string>
#include <vector>

namespace endpoint::testing {

struct CertSpec {
  std::string common_name;                 // empty: no CN in the subject
  std::vector<std::string> organizations;  // one O entry each, in order
  bool is_ca = false;
  std::time_t not_before = 0;
  std::time_t not_after = 0;
  // extendedKeyUsage as OpenSSL spells it ("clientAuth", "serverAuth,...");
  // empty: no extension. Default: clientAuth (ignored for CAs).
  std::string extended_key_usage = "clientAuth";
  // subjectAltName as OpenSSL spells it ("IP:127.0.0.1,DNS:localhost"); empty: none.
  std::string subject_alt_names;
  long serial = 1;
};

class TestCert {
 public:
  // A self-signed CA.
  static TestCert SelfSignedCa(const CertSpec& spec);

  // A certificate for `spec`, signed by this one.
  TestCert Issue(const CertSpec& spec) const;

  std::string Pem() const;
  // The private key, PKCS#8 PEM.
  std::string KeyPem() const;

 private:
  TestCert(std::shared_ptr<EVP_PKEY> key, std::shared_ptr<X509> cert);

  std::shared_ptr<EVP_PKEY> key_;
  std::shared_ptr<X509> cert_;
};

// Seconds since the epoch for a UTC calendar date, midnight.
std::time_t UtcDate(int year, int month, int day);

}  // namespace endpoint::testing

#endif  // ENDPOINT_AUTH_TESTING_TEST_PKI_H_
