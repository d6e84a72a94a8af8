#include "endpoint/auth/webhook_authorizer.h"

#include <chrono>
#include <csignal>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/strings/str_cat.h"
#include "endpoint/auth/api_server_client.h"
#include "endpoint/auth/attributes.h"
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
using ::testing::HasSubstr;
using Kind = AuthzDecision::Kind;
using nlohmann::json;

constexpr char kPath[] = "/apis/authorization.k8s.io/v1/subjectaccessreviews";

FakeApiResponse Review(json status) {
  json body = {{"kind", "SubjectAccessReview"},
               {"apiVersion", "authorization.k8s.io/v1"},
               {"metadata", json::object()},
               {"spec", json::object()},
               {"status", std::move(status)}};
  return FakeApiResponse{201, body.dump(), {}};
}

FakeApiResponse Allowed(const std::string& reason = "") {
  json status = {{"allowed", true}};
  if (!reason.empty()) status["reason"] = reason;
  return Review(status);
}

FakeApiResponse Denied(const std::string& reason) {
  return Review({{"allowed", false}, {"denied", true}, {"reason", reason}});
}

// Step 2's attributes for a checkpoint request to node-1.
Attributes Checkpoint(const std::string& user = "alice") {
  return GetRequestAttributes(UserInfo{user, "1001", {"devs", "system:authenticated"}}, "POST",
                              "/checkpoint/default/web/app", "node-1");
}

class WebhookAuthorizerTest : public ::testing::Test {
 protected:
  // TLS writes to a peer that has gone raise SIGPIPE (main ignores it too).
  static void SetUpTestSuite() { std::signal(SIGPIPE, SIG_IGN); }

  WebhookAuthorizerTest()
      : ca_("api-ca"),
        server_(FakeApiServer::Options{ca_.IssueServer("kube-apiserver", "IP:127.0.0.1"), ""}) {
    options_.clock = &clock_;
  }

  std::unique_ptr<WebhookAuthorizer> Authorizer(int port = 0) {
    Kubeconfig config;
    config.source = "k.yaml";
    config.host = "127.0.0.1";
    config.port = port != 0 ? port : server_.port();
    config.ca_pem = ca_.ca_pem();
    config.ca_origin = "ca";
    config.token = "kubelet-own-token";
    absl::StatusOr<std::unique_ptr<ApiServerClient>> client = ApiServerClient::Create(config);
    EXPECT_TRUE(client.ok()) << client.status();
    return std::make_unique<WebhookAuthorizer>(std::shared_ptr<ApiClient>(std::move(*client)),
                                               options_);
  }

  size_t Reviews() const { return server_.requests().size(); }

  TlsTestCa ca_;
  FakeApiServer server_;
  FakeClock clock_;
  WebhookAuthorizerOptions options_;
};

TEST_F(WebhookAuthorizerTest, SendsTheSubjectAccessReviewUpstreamSends) {
  server_.SetResponses(kPath, {Allowed()});
  auto authorizer = Authorizer();

  authorizer->Authorize(Checkpoint());

  std::vector<RecordedApiRequest> requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].path, kPath);
  EXPECT_EQ(requests[0].headers["authorization"], "Bearer kubelet-own-token");
  EXPECT_EQ(json::parse(requests[0].body), json::parse(R"({
      "kind": "SubjectAccessReview", "apiVersion": "authorization.k8s.io/v1", "metadata": {},
      "spec": {
        "resourceAttributes": {"verb": "create", "version": "v1", "resource": "nodes",
                               "subresource": "checkpoint", "name": "node-1"},
        "user": "alice", "groups": ["devs", "system:authenticated"], "uid": "1001"},
      "status": {"allowed": false}})"));
}

TEST_F(WebhookAuthorizerTest, AnonymousHeadRequestOmitsEmptyVerbUidAndNamespace) {
  server_.SetResponses(kPath, {Allowed()});
  auto authorizer = Authorizer();
  Attributes attributes = Checkpoint("system:anonymous");
  attributes.verb = "";  // HEAD has no verb
  attributes.user.uid = "";
  attributes.user.groups = {"system:unauthenticated"};

  authorizer->Authorize(attributes);

  ASSERT_EQ(Reviews(), 1u);
  EXPECT_EQ(json::parse(server_.requests()[0].body)["spec"], json::parse(R"({
      "resourceAttributes": {"version": "v1", "resource": "nodes", "subresource": "checkpoint",
                             "name": "node-1"},
      "user": "system:anonymous", "groups": ["system:unauthenticated"]})"));
}

TEST_F(WebhookAuthorizerTest, AllowedReviewAllows) {
  server_.SetResponses(kPath, {Allowed("RBAC: allowed by ClusterRoleBinding \"checkpointers\"")});
  auto authorizer = Authorizer();

  AuthzDecision decision = authorizer->Authorize(Checkpoint());

  EXPECT_EQ(decision.kind, Kind::kAllow);
  EXPECT_EQ(decision.reason, "RBAC: allowed by ClusterRoleBinding \"checkpointers\"");
}

TEST_F(WebhookAuthorizerTest, DeniedReviewDenies) {
  server_.SetResponses(kPath, {Denied("checkpoints are off on this node")});
  auto authorizer = Authorizer();

  AuthzDecision decision = authorizer->Authorize(Checkpoint());

  EXPECT_EQ(decision.kind, Kind::kDeny);
  EXPECT_EQ(decision.reason, "checkpoints are off on this node");
}

TEST_F(WebhookAuthorizerTest, NoOpinionDeniesAsTheKubeletDoes) {
  server_.SetResponses(kPath, {Review({{"allowed", false}})});
  auto authorizer = Authorizer();

  AuthzDecision decision = authorizer->Authorize(Checkpoint());

  EXPECT_EQ(decision.kind, Kind::kDeny);
  EXPECT_EQ(decision.reason, "no opinion");
}

TEST_F(WebhookAuthorizerTest, EvaluationErrorIsReportedButDoesNotDecide) {
  server_.SetResponses(kPath, {Review({{"allowed", false},
                                       {"reason", "no RBAC policy matched"},
                                       {"evaluationError", "clusterrole \"x\" not found"}}),
                               Review({{"allowed", true}, {"evaluationError", "partial"}})});
  auto authorizer = Authorizer();

  AuthzDecision denied = authorizer->Authorize(Checkpoint("alice"));
  AuthzDecision allowed = authorizer->Authorize(Checkpoint("bob"));

  EXPECT_EQ(denied.kind, Kind::kDeny);
  EXPECT_EQ(denied.reason, "no RBAC policy matched; evaluation error: clusterrole \"x\" not found");
  EXPECT_EQ(allowed.kind, Kind::kAllow);
}

TEST_F(WebhookAuthorizerTest, AllowedAndDeniedTogetherIsAnError) {
  server_.SetResponses(kPath, {Review({{"allowed", true}, {"denied", true}})});
  auto authorizer = Authorizer();

  AuthzDecision decision = authorizer->Authorize(Checkpoint());

  EXPECT_EQ(decision.kind, Kind::kError);
  EXPECT_EQ(decision.reason, "webhook subject access review returned both allow and deny response");
}

TEST_F(WebhookAuthorizerTest, InternalServerErrorIsAnErrorAfterFiveCalls) {
  server_.SetResponses(kPath, {FakeApiResponse{500, "etcd is sad", {}}});
  auto authorizer = Authorizer();

  AuthzDecision decision = authorizer->Authorize(Checkpoint());

  EXPECT_EQ(decision.kind, Kind::kError);
  EXPECT_EQ(decision.reason, "webhook authorizer: the server responded with HTTP 500: etcd is sad");
  EXPECT_EQ(Reviews(), 5u);
  EXPECT_EQ(clock_.sleeps().size(), 4u);
}

TEST_F(WebhookAuthorizerTest, ServiceUnavailableIsRetriedOnlyWithRetryAfter) {
  server_.SetResponses(kPath, {FakeApiResponse{503, "", {{"Retry-After", "1"}}},
                               FakeApiResponse{503, "", {}}, Allowed()});
  auto authorizer = Authorizer();

  AuthzDecision decision = authorizer->Authorize(Checkpoint());

  EXPECT_EQ(decision.kind, Kind::kError);
  EXPECT_EQ(Reviews(), 2u);
}

TEST_F(WebhookAuthorizerTest, UnreachableServerIsAnError) {
  const int port = UnusedLoopbackPort();
  auto authorizer = Authorizer(port);

  AuthzDecision decision = authorizer->Authorize(Checkpoint());

  EXPECT_EQ(decision.kind, Kind::kError);
  EXPECT_EQ(decision.reason, absl::StrCat("webhook authorizer: Post \"https://127.0.0.1:", port,
                                          kPath, "\": could not connect"));
  EXPECT_TRUE(clock_.sleeps().empty());  // transport errors are not retried
}

TEST_F(WebhookAuthorizerTest, UndecodableAnswerIsAnError) {
  server_.SetResponses(kPath, {FakeApiResponse{200, R"({"status":{"allowed":"yes"}})", {}}});
  auto authorizer = Authorizer();

  AuthzDecision decision = authorizer->Authorize(Checkpoint());

  EXPECT_EQ(decision.kind, Kind::kError);
  EXPECT_EQ(decision.reason,
            "webhook authorizer: decoding SubjectAccessReview: status.allowed: expected a boolean");
}

TEST_F(WebhookAuthorizerTest, ErrorReasonBecomesTheRoutersFiveHundredText) {
  // The router turns kError into this text; the reason only goes to the log.
  // (Every kubelet version words the 500 with this format; kubelet_profile.cc.)
  Attributes attributes = Checkpoint();
  EXPECT_EQ(
      FormatAuthorizationText("Authorization error (user=$0, verb=$1, resource=$2, subresource=$3)",
                              attributes),
      "Authorization error (user=alice, verb=create, resource=nodes, subresource=checkpoint)");
}

TEST_F(WebhookAuthorizerTest, AllowedAnswerIsCachedForFiveMinutes) {
  server_.SetResponses(kPath, {Allowed()});
  auto authorizer = Authorizer();

  EXPECT_EQ(authorizer->Authorize(Checkpoint()).kind, Kind::kAllow);
  clock_.Advance(std::chrono::minutes(5) - std::chrono::seconds(1));
  EXPECT_EQ(authorizer->Authorize(Checkpoint()).kind, Kind::kAllow);
  EXPECT_EQ(Reviews(), 1u);

  clock_.Advance(std::chrono::seconds(1));
  EXPECT_EQ(authorizer->Authorize(Checkpoint()).kind, Kind::kAllow);
  EXPECT_EQ(Reviews(), 2u);
}

TEST_F(WebhookAuthorizerTest, DeniedAnswerIsCachedForThirtySeconds) {
  server_.SetResponses(kPath, {Denied("no"), Allowed()});
  auto authorizer = Authorizer();

  EXPECT_EQ(authorizer->Authorize(Checkpoint()).kind, Kind::kDeny);
  clock_.Advance(std::chrono::seconds(29));
  EXPECT_EQ(authorizer->Authorize(Checkpoint()).kind, Kind::kDeny);
  EXPECT_EQ(Reviews(), 1u);

  clock_.Advance(std::chrono::seconds(1));
  EXPECT_EQ(authorizer->Authorize(Checkpoint()).kind, Kind::kAllow);
  EXPECT_EQ(Reviews(), 2u);
}

TEST_F(WebhookAuthorizerTest, TtlsAreConfigurableAndZeroCachesNothing) {
  options_.cache_authorized_ttl = std::chrono::seconds(10);
  options_.cache_unauthorized_ttl = std::chrono::seconds(0);
  server_.SetResponses(kPath, {Denied("no"), Denied("no"), Allowed()});
  auto authorizer = Authorizer();

  authorizer->Authorize(Checkpoint());
  authorizer->Authorize(Checkpoint());
  EXPECT_EQ(Reviews(), 2u);  // denials are not kept

  authorizer->Authorize(Checkpoint());
  clock_.Advance(std::chrono::seconds(9));
  authorizer->Authorize(Checkpoint());
  EXPECT_EQ(Reviews(), 3u);
  clock_.Advance(std::chrono::seconds(1));
  authorizer->Authorize(Checkpoint());
  EXPECT_EQ(Reviews(), 4u);
}

TEST_F(WebhookAuthorizerTest, CacheIsKeyedByTheWholeReview) {
  server_.SetResponses(kPath, {Allowed()});
  auto authorizer = Authorizer();
  Attributes other_verb = Checkpoint();
  other_verb.verb = "get";
  Attributes other_group = Checkpoint();
  other_group.user.groups.push_back("extra-group");

  authorizer->Authorize(Checkpoint("alice"));
  authorizer->Authorize(Checkpoint("bob"));
  authorizer->Authorize(other_verb);
  authorizer->Authorize(other_group);
  authorizer->Authorize(Checkpoint("alice"));

  EXPECT_EQ(Reviews(), 4u);
}

TEST_F(WebhookAuthorizerTest, FailedCallsAreNotCached) {
  server_.SetResponses(kPath, {FakeApiResponse{403, "", {}}, Allowed()});
  auto authorizer = Authorizer();

  EXPECT_EQ(authorizer->Authorize(Checkpoint()).kind, Kind::kError);
  EXPECT_EQ(authorizer->Authorize(Checkpoint()).kind, Kind::kAllow);
}

TEST_F(WebhookAuthorizerTest, HugeAttributesAreNeverCached) {
  server_.SetResponses(kPath, {Allowed()});
  auto authorizer = Authorizer();
  Attributes huge = Checkpoint();
  huge.path = "/checkpoint/" + std::string(10000, 'x');

  authorizer->Authorize(huge);
  authorizer->Authorize(huge);

  EXPECT_EQ(Reviews(), 2u);
}

}  // namespace
}  // namespace endpoint
