#include "endpoint/auth/x509.h"

#include <openssl/err.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "endpoint/auth/testing/test_pki.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/fake_clock.h"
#include "testing/temp_dir.h"

namespace endpoint {
namespace {

using ::endpoint::testing::CertSpec;
using ::endpoint::testing::TestCert;
using ::endpoint::testing::UtcDate;
using ::testing::ElementsAre;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;
using Kind = AuthnResult::Kind;
using ::kit::testing::FakeClock;

CertSpec Spec(const std::string& cn, std::vector<std::string> organizations = {}, long serial = 2) {
  CertSpec spec;
  spec.common_name = cn;
  spec.organizations = std::move(organizations);
  spec.not_before = UtcDate(2024, 1, 1);
  spec.not_after = UtcDate(2025, 1, 1);
  spec.serial = serial;
  return spec;
}

// A file per test in one directory that lives as long as the test binary.
std::string WriteTempFile(const std::string& contents) {
  static kit::testing::TempDir dir("x509-test");
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return dir.WriteFile(std::string(info->test_suite_name()) + "_" + info->name() + ".pem",
                       contents);
}

AuthRequest WithChain(std::vector<std::string> chain) {
  AuthRequest request;
  request.method = "POST";
  request.path = "/checkpoint/ns/pod/ctr";
  request.peer_chain = std::move(chain);
  return request;
}

class X509Test : public ::testing::Test {
 protected:
  X509Test()
      : clock_(std::chrono::system_clock::from_time_t(UtcDate(2024, 6, 1))),
        ca_(TestCert::SelfSignedCa(Spec("test-ca", {}, 1))),
        other_ca_(TestCert::SelfSignedCa(Spec("other-ca", {}, 1))) {}

  std::unique_ptr<X509Authenticator> Trusting(const std::string& bundle_pem) {
    absl::StatusOr<std::unique_ptr<X509Authenticator>> authenticator =
        X509Authenticator::Create(WriteTempFile(bundle_pem), &clock_);
    EXPECT_TRUE(authenticator.ok()) << authenticator.status();
    return authenticator.ok() ? *std::move(authenticator) : nullptr;
  }

  FakeClock clock_;
  TestCert ca_;
  TestCert other_ca_;
};

TEST_F(X509Test, AuthenticatesAClientCertSignedByTheCaAsCnAndOrganizations) {
  auto authenticator = Trusting(ca_.Pem());
  ASSERT_NE(authenticator, nullptr);
  TestCert client = ca_.Issue(Spec("alice", {"system:masters", "devs"}));

  AuthnResult result = authenticator->Authenticate(WithChain({client.Pem()}));

  EXPECT_EQ(result.kind, Kind::kAuthenticated) << result.reason;
  EXPECT_EQ(result.user.name, "alice");
  EXPECT_EQ(result.user.uid, "");
  EXPECT_THAT(result.user.groups, ElementsAre("system:masters", "devs"));
}

TEST_F(X509Test, GivesACertWithoutOrganizationsNoGroups) {
  auto authenticator = Trusting(ca_.Pem());
  ASSERT_NE(authenticator, nullptr);
  AuthnResult result = authenticator->Authenticate(WithChain({ca_.Issue(Spec("bob")).Pem()}));
  EXPECT_EQ(result.kind, Kind::kAuthenticated) << result.reason;
  EXPECT_EQ(result.user.name, "bob");
  EXPECT_THAT(result.user.groups, IsEmpty());
}

TEST_F(X509Test, HasNoOpinionWithoutAPeerCertificate) {
  auto authenticator = Trusting(ca_.Pem());
  ASSERT_NE(authenticator, nullptr);
  EXPECT_EQ(authenticator->Authenticate(WithChain({})).kind, Kind::kNoOpinion);
}

TEST_F(X509Test, RejectsACertFromAnotherCa) {
  auto authenticator = Trusting(ca_.Pem());
  ASSERT_NE(authenticator, nullptr);
  TestCert stranger = other_ca_.Issue(Spec("mallory", {"system:masters"}, 4242));

  AuthnResult result = authenticator->Authenticate(WithChain({stranger.Pem()}));

  EXPECT_EQ(result.kind, Kind::kRejected);
  EXPECT_THAT(result.reason, StartsWith("verifying certificate SN=4242, SKID="));
  EXPECT_THAT(result.reason, EndsWith(" failed: x509: certificate signed by unknown authority"));
}

TEST_F(X509Test, RejectsASelfSignedClientCert) {
  auto authenticator = Trusting(ca_.Pem());
  ASSERT_NE(authenticator, nullptr);
  AuthnResult result = authenticator->Authenticate(WithChain({other_ca_.Pem()}));
  EXPECT_EQ(result.kind, Kind::kRejected);
  EXPECT_THAT(result.reason, EndsWith("x509: certificate signed by unknown authority"));
}

TEST_F(X509Test, RejectsAnExpiredCert) {
  auto authenticator = Trusting(ca_.Pem());
  ASSERT_NE(authenticator, nullptr);
  CertSpec spec = Spec("alice");
  spec.not_after = UtcDate(2024, 3, 1);

  AuthnResult result = authenticator->Authenticate(WithChain({ca_.Issue(spec).Pem()}));

  EXPECT_EQ(result.kind, Kind::kRejected);
  EXPECT_THAT(result.reason, EndsWith("x509: certificate has expired or is not yet valid: "
                                      "current time 2024-06-01T00:00:00Z is after "
                                      "2024-03-01T00:00:00Z"));
}

TEST_F(X509Test, RejectsACertNotYetValid) {
  auto authenticator = Trusting(ca_.Pem());
  ASSERT_NE(authenticator, nullptr);
  CertSpec spec = Spec("alice");
  spec.not_before = UtcDate(2024, 7, 1);

  AuthnResult result = authenticator->Authenticate(WithChain({ca_.Issue(spec).Pem()}));

  EXPECT_EQ(result.kind, Kind::kRejected);
  EXPECT_THAT(result.reason, EndsWith("x509: certificate has expired or is not yet valid: "
                                      "current time 2024-06-01T00:00:00Z is before "
                                      "2024-07-01T00:00:00Z"));
}

TEST_F(X509Test, ChecksValidityAtTheClocksTime) {
  auto authenticator = Trusting(ca_.Pem());
  ASSERT_NE(authenticator, nullptr);
  std::string pem = ca_.Issue(Spec("alice")).Pem();
  EXPECT_EQ(authenticator->Authenticate(WithChain({pem})).kind, Kind::kAuthenticated);
  clock_.SleepUntil(std::chrono::system_clock::from_time_t(UtcDate(2025, 1, 2)));
  EXPECT_EQ(authenticator->Authenticate(WithChain({pem})).kind, Kind::kRejected);
}

TEST_F(X509Test, UsesTheSystemClockWhenGivenNone) {
  CertSpec ca_spec = Spec("now-ca", {}, 1);
  CertSpec leaf_spec = Spec("alice");
  const std::time_t now = std::time(nullptr);
  ca_spec.not_before = leaf_spec.not_before = now - 3600;
  ca_spec.not_after = leaf_spec.not_after = now + 86400;
  TestCert ca = TestCert::SelfSignedCa(ca_spec);
  absl::StatusOr<std::unique_ptr<X509Authenticator>> authenticator =
      X509Authenticator::FromPem(ca.Pem(), "bundle");
  ASSERT_TRUE(authenticator.ok()) << authenticator.status();
  EXPECT_EQ((*authenticator)->Authenticate(WithChain({ca.Issue(leaf_spec).Pem()})).kind,
            Kind::kAuthenticated);
}

TEST_F(X509Test, RejectsACertNotForClientAuth) {
  auto authenticator = Trusting(ca_.Pem());
  ASSERT_NE(authenticator, nullptr);
  CertSpec spec = Spec("web");
  spec.extended_key_usage = "serverAuth";

  AuthnResult result = authenticator->Authenticate(WithChain({ca_.Issue(spec).Pem()}));

  EXPECT_EQ(result.kind, Kind::kRejected);
  EXPECT_THAT(result.reason, EndsWith("x509: certificate specifies an incompatible key usage"));
}

TEST_F(X509Test, AcceptsACertWithoutExtendedKeyUsageAsGoDoes) {
  auto authenticator = Trusting(ca_.Pem());
  ASSERT_NE(authenticator, nullptr);
  CertSpec spec = Spec("alice");
  spec.extended_key_usage = "";
  EXPECT_EQ(authenticator->Authenticate(WithChain({ca_.Issue(spec).Pem()})).kind,
            Kind::kAuthenticated);
}

TEST_F(X509Test, HasNoOpinionOnAVerifiedCertWithoutCommonName) {
  auto authenticator = Trusting(ca_.Pem());
  ASSERT_NE(authenticator, nullptr);
  AuthnResult result =
      authenticator->Authenticate(WithChain({ca_.Issue(Spec("", {"system:masters"})).Pem()}));
  EXPECT_EQ(result.kind, Kind::kNoOpinion);
}

TEST_F(X509Test, VerifiesThroughAnIntermediateTheClientSends) {
  CertSpec intermediate_spec = Spec("intermediate-ca", {}, 3);
  intermediate_spec.is_ca = true;
  TestCert intermediate = ca_.Issue(intermediate_spec);
  TestCert leaf = intermediate.Issue(Spec("alice", {"devs"}));
  auto authenticator = Trusting(ca_.Pem());
  ASSERT_NE(authenticator, nullptr);

  AuthnResult with_chain = authenticator->Authenticate(WithChain({leaf.Pem(), intermediate.Pem()}));
  EXPECT_EQ(with_chain.kind, Kind::kAuthenticated) << with_chain.reason;
  EXPECT_EQ(with_chain.user.name, "alice");

  AuthnResult leaf_only = authenticator->Authenticate(WithChain({leaf.Pem()}));
  EXPECT_EQ(leaf_only.kind, Kind::kRejected);
  EXPECT_THAT(leaf_only.reason, EndsWith("x509: certificate signed by unknown authority"));
}

TEST_F(X509Test, TrustsAnIntermediateInTheBundleAsGoDoes) {
  CertSpec intermediate_spec = Spec("intermediate-ca", {}, 3);
  intermediate_spec.is_ca = true;
  TestCert intermediate = ca_.Issue(intermediate_spec);
  auto authenticator = Trusting(intermediate.Pem());
  ASSERT_NE(authenticator, nullptr);
  EXPECT_EQ(authenticator->Authenticate(WithChain({intermediate.Issue(Spec("alice")).Pem()})).kind,
            Kind::kAuthenticated);
}

TEST_F(X509Test, TrustsEveryCaInTheBundle) {
  auto authenticator = Trusting(ca_.Pem() + other_ca_.Pem());
  ASSERT_NE(authenticator, nullptr);
  EXPECT_EQ(authenticator->Authenticate(WithChain({ca_.Issue(Spec("a")).Pem()})).kind,
            Kind::kAuthenticated);
  EXPECT_EQ(authenticator->Authenticate(WithChain({other_ca_.Issue(Spec("b")).Pem()})).kind,
            Kind::kAuthenticated);
}

TEST_F(X509Test, RejectsAnUnparsableCertificate) {
  auto authenticator = Trusting(ca_.Pem());
  ASSERT_NE(authenticator, nullptr);
  AuthnResult result = authenticator->Authenticate(WithChain({"not a cert"}));
  EXPECT_EQ(result.kind, Kind::kRejected);
  EXPECT_THAT(result.reason, StartsWith("x509: cannot parse the client certificate"));
}

TEST_F(X509Test, LeavesNoOpenSslErrorBehind) {
  auto authenticator = Trusting(ca_.Pem());
  ASSERT_NE(authenticator, nullptr);
  ERR_clear_error();
  authenticator->Authenticate(WithChain({other_ca_.Issue(Spec("m")).Pem()}));
  EXPECT_EQ(ERR_peek_error(), 0u);
  authenticator->Authenticate(WithChain({"garbage"}));
  EXPECT_EQ(ERR_peek_error(), 0u);
}

TEST_F(X509Test, SkipsNonCertificateBlocksInTheBundle) {
  auto authenticator = Trusting(
      "# our client CA\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE "
      "KEY-----\n" +
      ca_.Pem());
  ASSERT_NE(authenticator, nullptr);
  EXPECT_EQ(authenticator->Authenticate(WithChain({ca_.Issue(Spec("a")).Pem()})).kind,
            Kind::kAuthenticated);
}

TEST_F(X509Test, VerifiesFromManyThreadsAtOnce) {
  auto authenticator = Trusting(ca_.Pem());
  ASSERT_NE(authenticator, nullptr);
  const std::string good = ca_.Issue(Spec("alice", {"devs"})).Pem();
  const std::string bad = other_ca_.Issue(Spec("mallory")).Pem();
  std::vector<int> failures(4, 0);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < failures.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        if (authenticator->Authenticate(WithChain({good})).user.name != "alice" ||
            authenticator->Authenticate(WithChain({bad})).kind != Kind::kRejected) {
          ++failures[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_THAT(failures, ::testing::Each(0));
}

TEST(X509CaFile, ReportsAMissingFile) {
  absl::Status status = X509Authenticator::Create("/nonexistent/ca.pem").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(status.message(),
            "client CA file /nonexistent/ca.pem: cannot read: No such file or "
            "directory");
}

TEST(X509CaFile, RefusesAFileWithoutCertificates) {
  for (const std::string contents : {"", "hello\n"}) {
    std::string path = WriteTempFile(contents);
    absl::Status status = X509Authenticator::Create(path).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(status.message(), "client CA file " + path + ": no PEM certificates found");
  }
}

TEST(X509CaFile, RefusesABrokenCertificateNamingItsPlace) {
  const std::string broken = "-----BEGIN CERTIFICATE-----\nnot*base64\n-----END CERTIFICATE-----\n";
  std::string path = WriteTempFile(broken);
  absl::Status first = X509Authenticator::Create(path).status();
  EXPECT_EQ(first.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(first.message()),
              StartsWith("client CA file " + path + ": certificate 1: invalid PEM certificate: "));

  TestCert ca = TestCert::SelfSignedCa(Spec("ca", {}, 1));
  absl::Status second = X509Authenticator::FromPem(ca.Pem() + broken, "bundle.pem").status();
  EXPECT_THAT(std::string(second.message()),
              StartsWith("client CA file bundle.pem: certificate 2: invalid PEM "
                         "certificate: "));
}

}  // namespace
}  // namespace endpoint
