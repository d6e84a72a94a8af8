#include "endpoint/auth/testing/tls_pairs.h"

#include <atomic>
#include <ctime>

namespace endpoint::testing {
namespace {

constexpr long kDay = 24 * 60 * 60;

// Real time: TLS peers check the wall clock. Distinct serials per process.
CertSpec Spec(const std::string& common_name, const std::vector<std::string>& organizations) {
  static std::atomic<long> serial{1};
  CertSpec spec;
  spec.common_name = common_name;
  spec.organizations = organizations;
  const std::time_t now = std::time(nullptr);
  spec.not_before = now - kDay;
  spec.not_after = now + 365 * kDay;
  spec.serial = serial++;
  return spec;
}

}  // namespace

TlsTestCa::TlsTestCa(const std::string& common_name)
    : ca_(TestCert::SelfSignedCa(Spec(common_name, {}))), ca_pem_(ca_.Pem()) {}

PemPair TlsTestCa::Issue(const std::string& common_name,
                         const std::vector<std::string>& organizations,
                         const std::string& extended_key_usage,
                         const std::string& subject_alt_names) const {
  CertSpec spec = Spec(common_name, organizations);
  spec.extended_key_usage = extended_key_usage;
  spec.subject_alt_names = subject_alt_names;
  TestCert cert = ca_.Issue(spec);
  return PemPair{cert.Pem(), cert.KeyPem()};
}

PemPair TlsTestCa::IssueServer(const std::string& common_name,
                               const std::string& subject_alt_names) const {
  return Issue(common_name, {}, "serverAuth", subject_alt_names);
}

PemPair TlsTestCa::IssueClient(const std::string& common_name,
                               const std::vector<std::string>& organizations) const {
  return Issue(common_name, organizations, "clientAuth", "");
}

}  // namespace endpoint::testing
