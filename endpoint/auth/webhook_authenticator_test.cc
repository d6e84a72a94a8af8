#include "endpoint/auth/webhook_authenticator.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "endpoint/auth/api_server_client.h"
#include "endpoint/auth/testing/fake_api_server.h"
#include "endpoint/auth/testing/tls_pairs.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/fake_clock.h"

namespace endpoint {
namespace {

using ::endpoint::testing::FakeApiResponse;
using ::endpoint::testing::FakeApiServer;
using ::endpoint::testing::RecordedApiRequest;
using ::endpoint::testing::TlsTestCa;
using ::endpoint::testing::UnusedLoopbackPort;
using ::kit::testing::FakeClock;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using Kind = AuthnResult::Kind;
using nlohmann::json;

constexpr char kPath[] = "/apis/authentication.k8s.io/v1/tokenreviews";
constexpr char kUserToken[] = "user-secret-token-0123456789";
constexpr char kKubeletToken[] = "kubelet-own-token";

FakeApiResponse Authenticated(const std::string& name, const std::string& uid,
                              std::vector<std::string> groups) {
  json body = {{"kind", "TokenReview"},
               {"apiVersion", "authentication.k8s.io/v1"},
               {"metadata", json::object()},
               {"spec", json::object()},
               {"status",
                {{"authenticated", true},
                 {"user", {{"username", name}, {"uid", uid}, {"groups", groups}}}}}};
  return FakeApiResponse{201, body.dump(), {}};
}

FakeApiResponse NotAuthenticated(const std::string& error = "") {
  json status = {{"user", json::object()}};
  if (!error.empty()) status["error"] = error;
  json body = {
      {"kind", "TokenReview"}, {"apiVersion", "authentication.k8s.io/v1"}, {"status", status}};
  return FakeApiResponse{201, body.dump(), {}};
}

AuthRequest WithAuthorization(const std::string& value) {
  AuthRequest request;
  request.method = "POST";
  request.path = "/checkpoint/ns/pod/ctr";
  if (!value.empty()) request.headers["authorization"] = value;
  return request;
}

AuthRequest WithBearer(const std::string& token = kUserToken) {
  return WithAuthorization("Bearer " + token);
}

class WebhookAuthenticatorTest : public ::testing::Test {
 protected:
  // TLS writes to a peer that has gone raise SIGPIPE (main ignores it too).
  static void SetUpTestSuite() { std::signal(SIGPIPE, SIG_IGN); }

  WebhookAuthenticatorTest()
      : ca_("api-ca"),
        server_(FakeApiServer::Options{ca_.IssueServer("kube-apiserver", "IP:127.0.0.1"), ""}) {}

  Kubeconfig ConfigFor(int port) const {
    Kubeconfig config;
    config.source = "k.yaml";
    config.host = "127.0.0.1";
    config.port = port;
    config.ca_pem = ca_.ca_pem();
    config.ca_origin = "ca";
    config.token = kKubeletToken;
    return config;
  }

  std::unique_ptr<WebhookTokenAuthenticator> Authenticator(
      std::chrono::milliseconds cache_ttl = std::chrono::minutes(2), int port = 0) {
    absl::StatusOr<std::unique_ptr<ApiServerClient>> client =
        ApiServerClient::Create(ConfigFor(port != 0 ? port : server_.port()));
    EXPECT_TRUE(client.ok()) << client.status();
    WebhookAuthenticatorOptions options;
    options.cache_ttl = cache_ttl;
    options.clock = &clock_;
    return std::make_unique<WebhookTokenAuthenticator>(
        std::shared_ptr<ApiClient>(std::move(*client)), options);
  }

  size_t Reviews() const { return server_.requests().size(); }

  TlsTestCa ca_;
  FakeApiServer server_;
  FakeClock clock_;
};

TEST_F(WebhookAuthenticatorTest, RequestWithoutBearerTokenHasNoOpinionAndAsksNobody) {
  auto authenticator = Authenticator();
  for (const char* header : {"", "Basic dXNlcjpwYXNz", "Bearer", "Bearer  x"}) {
    AuthnResult result = authenticator->Authenticate(WithAuthorization(header));
    EXPECT_EQ(result.kind, Kind::kNoOpinion) << header;
  }
  EXPECT_EQ(Reviews(), 0u);
}

TEST_F(WebhookAuthenticatorTest, SendsTheTokenReviewUpstreamSendsWithTheKubeletsCredentials) {
  server_.SetResponses(kPath, {Authenticated("alice", "1001", {"devs"})});
  auto authenticator = Authenticator();

  authenticator->Authenticate(WithBearer());

  std::vector<RecordedApiRequest> requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].path, kPath);
  EXPECT_EQ(requests[0].headers["authorization"], absl::StrCat("Bearer ", kKubeletToken));
  EXPECT_EQ(requests[0].headers["content-type"], "application/json");
  EXPECT_EQ(json::parse(requests[0].body),
            json::parse(absl::StrCat(R"({
      "kind": "TokenReview", "apiVersion": "authentication.k8s.io/v1", "metadata": {},
      "spec": {"token": ")",
                                     kUserToken, R"("}, "status": {"user": {}}})")));
}

TEST_F(WebhookAuthenticatorTest, AuthenticatedReviewGivesItsUser) {
  server_.SetResponses(kPath, {Authenticated("system:serviceaccount:ns:sa", "u-1",
                                             {"system:serviceaccounts", "system:authenticated"})});
  auto authenticator = Authenticator();

  AuthnResult result = authenticator->Authenticate(WithBearer());

  EXPECT_EQ(result.kind, Kind::kAuthenticated);
  EXPECT_EQ(result.user.name, "system:serviceaccount:ns:sa");
  EXPECT_EQ(result.user.uid, "u-1");
  EXPECT_THAT(result.user.groups, ElementsAre("system:serviceaccounts", "system:authenticated"));
}

TEST_F(WebhookAuthenticatorTest, UnauthenticatedReviewIsRejectedAsAnInvalidBearerToken) {
  server_.SetResponses(kPath, {NotAuthenticated()});
  auto authenticator = Authenticator();

  AuthnResult result = authenticator->Authenticate(WithBearer());

  EXPECT_EQ(result.kind, Kind::kRejected);
  EXPECT_EQ(result.reason, "invalid bearer token");
}

TEST_F(WebhookAuthenticatorTest, ReviewErrorIsTheReasonWithTheTokenBlanked) {
  server_.SetResponses(kPath,
                       {NotAuthenticated(absl::StrCat("token ", kUserToken, " has expired"))});
  auto authenticator = Authenticator();

  AuthnResult result = authenticator->Authenticate(WithBearer());

  EXPECT_EQ(result.kind, Kind::kRejected);
  EXPECT_EQ(result.reason, "token <token> has expired");
}

TEST_F(WebhookAuthenticatorTest, ForbiddenAnswerIsRejectedWithTheServersMessage) {
  server_.SetResponses(
      kPath,
      {FakeApiResponse{403,
                       R"({"kind":"Status","apiVersion":"v1","status":"Failure","message":)"
                       R"("tokenreviews.authentication.k8s.io is forbidden: User \"system:)"
                       R"(node:n\" cannot create resource","reason":"Forbidden","code":403})",
                       {}}});
  auto authenticator = Authenticator();

  AuthnResult result = authenticator->Authenticate(WithBearer());

  EXPECT_EQ(result.kind, Kind::kRejected);
  EXPECT_EQ(result.reason,
            "webhook token authenticator: tokenreviews.authentication.k8s.io is forbidden: User "
            "\"system:node:n\" cannot create resource (HTTP 403)");
  EXPECT_EQ(Reviews(), 1u);  // 403 is not retried
}

TEST_F(WebhookAuthenticatorTest, UndecodableAnswerIsRejected) {
  server_.SetResponses(kPath, {FakeApiResponse{200, "<html>hello</html>", {}}});
  auto authenticator = Authenticator();

  AuthnResult result = authenticator->Authenticate(WithBearer());

  EXPECT_EQ(result.kind, Kind::kRejected);
  EXPECT_EQ(result.reason, "webhook token authenticator: decoding TokenReview: invalid JSON");
}

TEST_F(WebhookAuthenticatorTest, UnreachableServerIsRejectedWithoutAnyToken) {
  const int port = UnusedLoopbackPort();
  auto authenticator = Authenticator(std::chrono::minutes(2), port);

  AuthnResult result = authenticator->Authenticate(WithBearer());

  EXPECT_EQ(result.kind, Kind::kRejected);
  EXPECT_EQ(result.reason, absl::StrCat("webhook token authenticator: Post \"https://127.0.0.1:",
                                        port, kPath, "\": could not connect"));
  EXPECT_THAT(result.reason, Not(HasSubstr(kUserToken)));
  EXPECT_THAT(result.reason, Not(HasSubstr(kKubeletToken)));
}

TEST_F(WebhookAuthenticatorTest, InternalServerErrorIsRetriedWithBackoffThenSucceeds) {
  server_.SetResponses(kPath, {FakeApiResponse{500, "oops", {}}, FakeApiResponse{504, "", {}},
                               Authenticated("alice", "", {})});
  auto authenticator = Authenticator();

  AuthnResult result = authenticator->Authenticate(WithBearer());

  EXPECT_EQ(result.kind, Kind::kAuthenticated);
  EXPECT_EQ(Reviews(), 3u);
  EXPECT_THAT(clock_.sleeps(),
              ElementsAre(std::chrono::milliseconds(500), std::chrono::milliseconds(750)));
}

TEST_F(WebhookAuthenticatorTest, PersistentServerErrorGivesUpAfterFiveCalls) {
  server_.SetResponses(kPath, {FakeApiResponse{500, "", {}}});
  auto authenticator = Authenticator();

  AuthnResult result = authenticator->Authenticate(WithBearer());

  EXPECT_EQ(result.kind, Kind::kRejected);
  EXPECT_EQ(result.reason, "webhook token authenticator: the server responded with HTTP 500");
  EXPECT_EQ(Reviews(), 5u);
  EXPECT_THAT(clock_.sleeps(),
              ElementsAre(std::chrono::microseconds(500000), std::chrono::microseconds(750000),
                          std::chrono::microseconds(1125000), std::chrono::microseconds(1687500)));
}

TEST_F(WebhookAuthenticatorTest, AnswerIsCachedForTheTtlThenAskedAgain) {
  server_.SetResponses(kPath, {Authenticated("alice", "", {})});
  auto authenticator = Authenticator(std::chrono::minutes(2));

  EXPECT_EQ(authenticator->Authenticate(WithBearer()).kind, Kind::kAuthenticated);
  clock_.Advance(std::chrono::seconds(119));
  EXPECT_EQ(authenticator->Authenticate(WithBearer()).user.name, "alice");
  EXPECT_EQ(Reviews(), 1u);

  clock_.Advance(std::chrono::seconds(1));
  EXPECT_EQ(authenticator->Authenticate(WithBearer()).user.name, "alice");
  EXPECT_EQ(Reviews(), 2u);
}

TEST_F(WebhookAuthenticatorTest, UnauthenticatedAnswerIsCachedToo) {
  server_.SetResponses(kPath, {NotAuthenticated()});
  auto authenticator = Authenticator(std::chrono::minutes(2));

  authenticator->Authenticate(WithBearer());
  AuthnResult second = authenticator->Authenticate(WithBearer());

  EXPECT_EQ(second.kind, Kind::kRejected);
  EXPECT_EQ(second.reason, "invalid bearer token");
  EXPECT_EQ(Reviews(), 1u);
}

TEST_F(WebhookAuthenticatorTest, ErrorsAreNotCached) {
  server_.SetResponses(kPath, {NotAuthenticated("webhook down"), FakeApiResponse{403, "", {}},
                               Authenticated("alice", "", {})});
  auto authenticator = Authenticator(std::chrono::minutes(2));

  EXPECT_EQ(authenticator->Authenticate(WithBearer()).reason, "webhook down");
  EXPECT_EQ(authenticator->Authenticate(WithBearer()).kind, Kind::kRejected);
  EXPECT_EQ(authenticator->Authenticate(WithBearer()).kind, Kind::kAuthenticated);
  EXPECT_EQ(Reviews(), 3u);
}

TEST_F(WebhookAuthenticatorTest, ZeroTtlAsksEveryTime) {
  server_.SetResponses(kPath, {Authenticated("alice", "", {})});
  auto authenticator = Authenticator(std::chrono::milliseconds(0));

  authenticator->Authenticate(WithBearer());
  authenticator->Authenticate(WithBearer());

  EXPECT_EQ(Reviews(), 2u);
}

TEST_F(WebhookAuthenticatorTest, EachTokenIsCachedOnItsOwn) {
  server_.SetResponses(kPath, {Authenticated("alice", "", {}), Authenticated("bob", "", {})});
  auto authenticator = Authenticator();

  EXPECT_EQ(authenticator->Authenticate(WithBearer("token-a")).user.name, "alice");
  EXPECT_EQ(authenticator->Authenticate(WithBearer("token-b")).user.name, "bob");
  EXPECT_EQ(authenticator->Authenticate(WithBearer("token-a")).user.name, "alice");
  EXPECT_EQ(authenticator->Authenticate(WithBearer("token-b")).user.name, "bob");
  EXPECT_EQ(Reviews(), 2u);
}

TEST_F(WebhookAuthenticatorTest, TokenEchoedInAnErrorBodyNeverReachesTheReason) {
  server_.SetResponses(kPath, {FakeApiResponse{400, absl::StrCat("bad token ", kUserToken), {}}});
  auto authenticator = Authenticator();

  AuthnResult result = authenticator->Authenticate(WithBearer());

  EXPECT_EQ(result.kind, Kind::kRejected);
  EXPECT_EQ(result.reason,
            "webhook token authenticator: the server responded with HTTP 400: bad token <token>");
}

TEST_F(WebhookAuthenticatorTest, ConcurrentRequestsAllGetTheirUser) {
  server_.SetResponses(kPath, {Authenticated("alice", "", {})});
  auto authenticator = Authenticator();
  std::vector<std::thread> threads;
  std::atomic<int> authenticated{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        AuthnResult result = authenticator->Authenticate(WithBearer(absl::StrCat("token-", t)));
        if (result.kind == Kind::kAuthenticated) ++authenticated;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  EXPECT_EQ(authenticated.load(), 20);
  EXPECT_GE(Reviews(), 4u);  // one per token at least; concurrent misses may each ask
  EXPECT_LE(Reviews(), 20u);
}

}  // namespace
}  // namespace endpoint
