#include "endpoint/router.h"

#include "endpoint/metrics.h"
#include "endpoint/testing/mocks.h"
#include "gtest/gtest.h"
#include "testing/fake_clock.h"
#include "testing/temp_dir.h"

namespace endpoint {
namespace {

using ::kit::testing::FakeClock;

using ::testing::_;
using ::testing::Return;
using ::testing::StrictMock;

AuthnResult Authenticated(const std::string& user) {
  AuthnResult r;
  r.kind = AuthnResult::Kind::kAuthenticated;
  r.user.name = user;
  r.user.groups = {"system:authenticated"};
  return r;
}

AuthnResult Rejected() {
  AuthnResult r;
  r.kind = AuthnResult::Kind::kRejected;
  return r;
}

AuthzDecision Decide(AuthzDecision::Kind k) {
  AuthzDecision d;
  d.kind = k;
  return d;
}

class RouterTest : public ::testing::Test {
 protected:
  // The newest kubelet unless told otherwise (the per-version rows are in
  // kubelet_profile_test.cc).
  std::unique_ptr<Router> Make(bool gate = true, const std::string& version = "1.36") {
    handler_ = std::make_unique<CheckpointHandler>(&runtime_, &namer_, CheckpointHandlerOptions());
    RouterOptions o;
    o.profile = *FindKubeletProfile(version);
    o.checkpoint_gate = gate;
    o.node_name = "node-1";
    return std::make_unique<Router>(o, &authn_, &authz_, handler_.get(), &metrics_);
  }
  HttpRequest Req(const std::string& method, const std::string& path) {
    HttpRequest r;
    r.method = method;
    r.path = path;
    return r;
  }

  kit::testing::TempDir dir_;
  FakeClock clock_{WallTime(std::chrono::seconds(1728962280))};
  ArchiveNamer namer_{dir_.path(), &clock_, /*unique=*/false};
  StrictMock<MockRuntimeClient> runtime_;
  StrictMock<MockAuthenticator> authn_;
  StrictMock<MockAuthorizer> authz_;
  Metrics metrics_;
  std::unique_ptr<CheckpointHandler> handler_;
};

// A route without an auth case is a hole: every registered route must answer
// 401 to an unauthenticated request, and never reach the authorizer.
TEST_F(RouterTest, EveryRouteRequiresAuthentication) {
  auto router = Make();
  ASSERT_FALSE(router->routes().empty());
  for (const auto& route : router->routes()) {
    std::string path =
        route.metrics_label == "checkpoint"
            ? route.pattern + (route.pattern.back() == '/' ? "" : "/") + "default/web/nginx"
            : route.pattern;
    for (const char* method : {"GET", "POST", "PUT", "DELETE"}) {
      EXPECT_CALL(authn_, Authenticate(_)).WillOnce(Return(Rejected()));
      EXPECT_CALL(authz_, Authorize(_)).Times(0);
      RoutedAnswer a = router->Serve(Req(method, path));
      EXPECT_EQ(a.answer.status, 401) << method << " " << path;
      EXPECT_EQ(a.answer.body, "Unauthorized");
      ::testing::Mock::VerifyAndClearExpectations(&authz_);
    }
  }
}

TEST_F(RouterTest, GateOffMeansNoRouteAndNoAuthentication) {
  auto router = Make(/*gate=*/false);
  // StrictMock: any call to the authenticator or authorizer fails the test.
  RoutedAnswer a = router->Serve(Req("POST", "/checkpoint/default/web/nginx"));
  EXPECT_EQ(a.answer.status, 404);
  EXPECT_EQ(a.answer.body, "404 page not found\n");  // Go's http.NotFound
  EXPECT_TRUE(a.answer.nosniff);
}

TEST_F(RouterTest, UnregisteredPathIs404BeforeAuthentication) {
  auto router = Make();
  RoutedAnswer a = router->Serve(Req("GET", "/pods"));
  EXPECT_EQ(a.answer.status, 404);
  EXPECT_EQ(a.answer.body, "404 page not found\n");
  EXPECT_EQ(a.answer.content_type, "text/plain; charset=utf-8");
  EXPECT_TRUE(a.answer.nosniff);
}

TEST_F(RouterTest, UncleanPathsAreRedirectedBeforeAuthentication) {
  auto router = Make();
  const std::pair<std::string, std::string> rows[] = {
      {"/checkpoint/default//nginx", "/checkpoint/default/nginx?timeout=5"},
      {"/checkpoint/default/./web/nginx", "/checkpoint/default/web/nginx?timeout=5"},
      {"/checkpoint/default/x/../web/nginx", "/checkpoint/default/web/nginx?timeout=5"},
      {"/checkpoint/default/web/nginx/.", "/checkpoint/default/web/nginx?timeout=5"},
      {"//metrics", "/metrics?timeout=5"},
  };
  for (const auto& [path, location] : rows) {
    HttpRequest r = Req("POST", path);
    r.raw_query = "timeout=5";
    RoutedAnswer a = router->Serve(r);  // StrictMock: no authentication
    EXPECT_EQ(a.answer.status, 301) << path;
    EXPECT_EQ(a.answer.body, "") << path;
    EXPECT_EQ(a.answer.content_type, "") << path;
    EXPECT_EQ(a.answer.headers,
              (std::vector<std::pair<std::string, std::string>>{{"Location", location}}))
        << path;
  }
}

TEST_F(RouterTest, TrailingSlashStillCheckpoints) {
  auto router = Make();
  EXPECT_CALL(authn_, Authenticate(_)).WillOnce(Return(Authenticated("alice")));
  EXPECT_CALL(authz_, Authorize(_)).WillOnce(Return(Decide(AuthzDecision::Kind::kAllow)));
  EXPECT_CALL(runtime_, FindPod("default", "web")).WillOnce(Return(std::optional<PodRef>()));
  RoutedAnswer a = router->Serve(Req("POST", "/checkpoint/default/web/nginx/"));
  EXPECT_EQ(a.answer.status, 404);
  EXPECT_EQ(a.answer.body, "pod does not exist");  // the handler was reached
}

TEST_F(RouterTest, DeniedIs403WithTheKubeletsText) {
  auto router = Make();
  EXPECT_CALL(authn_, Authenticate(_)).WillOnce(Return(Authenticated("alice")));
  Attributes seen;
  EXPECT_CALL(authz_, Authorize(_)).WillOnce([&](const Attributes& a) {
    seen = a;
    return Decide(AuthzDecision::Kind::kDeny);
  });
  RoutedAnswer a = router->Serve(Req("POST", "/checkpoint/default/web/nginx"));
  EXPECT_EQ(a.answer.status, 403);
  EXPECT_EQ(a.answer.body,
            "Forbidden (user=alice, verb=create, resource=nodes, subresource(s)=[checkpoint])\n");
  EXPECT_EQ(seen.verb, "create");
  EXPECT_EQ(seen.resource, "nodes");
  EXPECT_EQ(seen.subresource, "checkpoint");
  EXPECT_EQ(seen.name, "node-1");
  EXPECT_EQ(seen.api_version, "v1");
  EXPECT_TRUE(seen.resource_request);
}

TEST_F(RouterTest, AuthorizerFailureIs500) {
  auto router = Make();
  EXPECT_CALL(authn_, Authenticate(_)).WillOnce(Return(Authenticated("alice")));
  EXPECT_CALL(authz_, Authorize(_)).WillOnce(Return(Decide(AuthzDecision::Kind::kError)));
  RoutedAnswer a = router->Serve(Req("POST", "/checkpoint/default/web/nginx"));
  EXPECT_EQ(a.answer.status, 500);
  EXPECT_EQ(
      a.answer.body,
      "Authorization error (user=alice, verb=create, resource=nodes, subresource=checkpoint)");
}

TEST_F(RouterTest, GetOnACheckpointPathIs405WithAllowPost) {
  auto router = Make();
  EXPECT_CALL(authn_, Authenticate(_)).WillOnce(Return(Authenticated("alice")));
  EXPECT_CALL(authz_, Authorize(_)).WillOnce(Return(Decide(AuthzDecision::Kind::kAllow)));
  RoutedAnswer a = router->Serve(Req("GET", "/checkpoint/default/web/nginx"));
  EXPECT_EQ(a.answer.status, 405);
  EXPECT_EQ(a.answer.body, "405: Method Not Allowed");
  EXPECT_FALSE(a.answer.nosniff);  // go-restful's writer sets none
  ASSERT_EQ(a.answer.headers.size(), 1u);
  EXPECT_EQ(a.answer.headers[0], std::make_pair(std::string("Allow"), std::string("POST")));
}

TEST_F(RouterTest, WrongNumberOfSegmentsIs404AfterAuth) {
  auto router = Make();
  for (const char* path :
       {"/checkpoint/", "/checkpoint/default/web", "/checkpoint/default/web/nginx/extra"}) {
    EXPECT_CALL(authn_, Authenticate(_)).WillOnce(Return(Authenticated("alice")));
    EXPECT_CALL(authz_, Authorize(_)).WillOnce(Return(Decide(AuthzDecision::Kind::kAllow)));
    RoutedAnswer a = router->Serve(Req("POST", path));
    EXPECT_EQ(a.answer.status, 404) << path;
    EXPECT_EQ(a.answer.body, "404: Page Not Found") << path;
  }
}

TEST_F(RouterTest, MetricsAndHealthzServeAuthorizedCallers) {
  auto router = Make();
  EXPECT_CALL(authn_, Authenticate(_)).Times(2).WillRepeatedly(Return(Authenticated("prom")));
  std::vector<std::string> subresources;
  EXPECT_CALL(authz_, Authorize(_)).Times(2).WillRepeatedly([&](const Attributes& a) {
    subresources.push_back(a.subresource);
    return Decide(AuthzDecision::Kind::kAllow);
  });
  metrics_.RecordRuntimeOperation("checkpoint_container", 0.1, false);  // a first series
  RoutedAnswer m = router->Serve(Req("GET", "/metrics"));
  EXPECT_EQ(m.answer.status, 200);
  EXPECT_NE(m.answer.body.find("kubelet_runtime_operations_total"), std::string::npos);
  RoutedAnswer h = router->Serve(Req("GET", "/healthz"));
  EXPECT_EQ(h.answer.status, 200);
  EXPECT_EQ(h.answer.body, "ok");
  EXPECT_EQ(subresources, (std::vector<std::string>{"metrics", "proxy"}));
}

}  // namespace
}  // namespace endpoint
