// Authentication and authorization end to end: the real endpoint over TLS in
// front of the real fake-cri, with client certificates, and with TokenReview
// and SubjectAccessReview answered by a small fake API server.
#include <filesystem>
#include <fstream>

#include "common/log.h"
#include "endpoint/auth/testing/fake_api_server.h"
#include "endpoint/auth/testing/tls_pairs.h"
#include "endpoint/endpoint.h"
#include "fake-cri/archive/file_ops.h"
#include "fake-cri/clock.h"
#include "fake-cri/server.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "testing/temp_dir.h"

namespace endpoint {
namespace {

using testing::FakeApiResponse;
using testing::FakeApiServer;
using testing::TlsTestCa;

constexpr char kTokenReviews[] = "/apis/authentication.k8s.io/v1/tokenreviews";
constexpr char kSubjectAccessReviews[] = "/apis/authorization.k8s.io/v1/subjectaccessreviews";

class AuthIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    kit::SetLogLevel(kit::LogLevel::kWarn);
    std::ofstream(dir_.Join("fixture.json")) << R"({"pods":[{"namespace":"default","name":"web",
        "containers":[{"name":"nginx","image":"nginx"}]}]})";
    auto fixture = fakecri::LoadFixture(dir_.Join("fixture.json"));
    ASSERT_TRUE(fixture.ok());
    fixture_ = std::move(*fixture);
    fakecri::ServerOptions o;
    o.listen = "unix://" + dir_.Join("cri.sock");
    // The reference runtime: a cancelled CRI call ends at once (real runtimes go on).
    o.UseProfile(*fakecri::FindRuntimeProfile("reference"));
    o.checkpoint.latency.fixed_cost_ns = 0;
    o.checkpoint.latency.throughput_bytes_per_second = 1e12;
    o.fixture = &fixture_;
    auto s = fakecri::FakeCriServer::Start(o, &runtime_clock_, fakecri::RealFileOps());
    ASSERT_TRUE(s.ok()) << s.status();
    runtime_ = std::move(*s);
    config_.container_runtime_endpoint = o.listen;
    config_.root_dir = dir_.Join("kubelet");
    config_.cert_dir = dir_.Join("pki");
    config_.address = "127.0.0.1";
    config_.port = 0;
    config_.hostname_override = "node-1";
  }

  void StartEndpoint() {
    auto e = Endpoint::Start(config_, &clock_);
    ASSERT_TRUE(e.ok()) << e.status();
    endpoint_ = std::move(*e);
  }

  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_.Join(name)) << text;
    return dir_.Join(name);
  }

  httplib::Result Post(httplib::SSLClient& cli, const std::string& token = "") {
    httplib::Headers h;
    if (!token.empty()) h.emplace("Authorization", "Bearer " + token);
    return cli.Post("/checkpoint/default/web/nginx", h, "", "text/plain");
  }

  std::unique_ptr<httplib::SSLClient> Client(const std::string& cert = "",
                                             const std::string& key = "") {
    auto cli = cert.empty() ? std::make_unique<httplib::SSLClient>("127.0.0.1", endpoint_->port())
                            : std::make_unique<httplib::SSLClient>("127.0.0.1", endpoint_->port(),
                                                                   cert, key);
    cli->set_ca_cert_path(endpoint_->cert_file().c_str());
    cli->enable_server_certificate_verification(true);
    return cli;
  }

  kit::testing::TempDir dir_;
  fakecri::Fixture fixture_;
  fakecri::RealClock runtime_clock_;
  std::unique_ptr<fakecri::FakeCriServer> runtime_;
  RealClock clock_;
  Config config_;
  std::unique_ptr<Endpoint> endpoint_;
};

TEST_F(AuthIntegrationTest, ClientCertificateFromTheCaIsTheUserAndAnUntrustedOneIs401) {
  TlsTestCa trusted("client-ca"), stranger("other-ca");
  config_.client_ca_file = Write("ca.pem", trusted.ca_pem());
  StartEndpoint();

  auto alice = trusted.IssueClient("alice", {"system:masters"});
  auto cli = Client(Write("alice.crt", alice.cert_pem), Write("alice.key", alice.key_pem));
  auto r = Post(*cli);
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 200) << r->body;

  auto mallory = stranger.IssueClient("alice", {"system:masters"});
  auto bad = Client(Write("m.crt", mallory.cert_pem), Write("m.key", mallory.key_pem));
  r = Post(*bad);
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(r->body, "Unauthorized");
}

class WebhookIntegrationTest : public AuthIntegrationTest {
 protected:
  void SetUp() override {
    AuthIntegrationTest::SetUp();
    api_ = std::make_unique<FakeApiServer>(
        FakeApiServer::Options{ca_.IssueServer("apiserver", "IP:127.0.0.1"), ""});
    std::string kubeconfig = Write("kubeconfig", R"(apiVersion: v1
kind: Config
clusters:
- name: test
  cluster:
    server: )" + api_->url() + R"(
    certificate-authority: )" + Write("api-ca.pem", ca_.ca_pem()) +
                                                     R"(
users:
- name: node
  user:
    token: node-credential
contexts:
- name: test
  context: {cluster: test, user: node}
current-context: test
)");
    config_.kubeconfig = kubeconfig;
    config_.authentication_token_webhook = true;
    config_.authorization_mode = "Webhook";
  }

  void Review(bool authenticated, bool allowed) {
    nlohmann::json tr = {
        {"apiVersion", "authentication.k8s.io/v1"},
        {"kind", "TokenReview"},
        {"status",
         {{"authenticated", authenticated},
          {"user", {{"username", "alice"}, {"uid", "42"}, {"groups", {"devs"}}}}}}};
    nlohmann::json sar = {{"apiVersion", "authorization.k8s.io/v1"},
                          {"kind", "SubjectAccessReview"},
                          {"status", {{"allowed", allowed}, {"reason", "test"}}}};
    api_->SetResponses(kTokenReviews, {FakeApiResponse{201, tr.dump(), {}}});
    api_->SetResponses(kSubjectAccessReviews, {FakeApiResponse{201, sar.dump(), {}}});
  }

  std::vector<nlohmann::json> Bodies(const std::string& path) {
    std::vector<nlohmann::json> out;
    for (const auto& r : api_->requests()) {
      if (r.path == path) out.push_back(nlohmann::json::parse(r.body));
    }
    return out;
  }

  TlsTestCa ca_{"api-ca"};
  std::unique_ptr<FakeApiServer> api_;
};

TEST_F(WebhookIntegrationTest, TokenReviewAndSubjectAccessReviewAllow) {
  Review(true, true);
  StartEndpoint();
  auto cli = Client();
  auto r = Post(*cli, "user-token");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;

  auto tr = Bodies(kTokenReviews);
  ASSERT_EQ(tr.size(), 1u);
  EXPECT_EQ(tr[0]["spec"]["token"], "user-token");
  auto sar = Bodies(kSubjectAccessReviews);
  ASSERT_EQ(sar.size(), 1u);
  EXPECT_EQ(sar[0]["spec"]["user"], "alice");
  const auto& ra = sar[0]["spec"]["resourceAttributes"];
  EXPECT_EQ(ra["verb"], "create");
  EXPECT_EQ(ra["resource"], "nodes");
  EXPECT_EQ(ra["subresource"], "checkpoint");
  EXPECT_EQ(ra["name"], "node-1");
  EXPECT_EQ(ra["version"], "v1");
  // The endpoint's own credential went to the API server, not the user's token.
  EXPECT_EQ(api_->requests()[0].headers.at("authorization"), "Bearer node-credential");
}

TEST_F(WebhookIntegrationTest, DeniedReviewIs403AndUnauthenticatedIs401) {
  Review(true, false);
  StartEndpoint();
  auto cli = Client();
  auto r = Post(*cli, "user-token");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(r->body,
            "Forbidden (user=alice, verb=create, resource=nodes, subresource(s)=[checkpoint])\n");

  Review(false, true);
  r = Post(*cli, "another-token");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
}

TEST_F(WebhookIntegrationTest, AnswersAreCached) {
  Review(true, true);
  // Two checkpoints likely in one second: the kubelet's names would collide
  // (and fake-cri refuses to overwrite), which is not what this test is about.
  config_.unique_archive_names = true;
  StartEndpoint();
  auto cli = Client();
  ASSERT_EQ(Post(*cli, "user-token")->status, 200);
  ASSERT_EQ(Post(*cli, "user-token")->status, 200);
  EXPECT_EQ(Bodies(kTokenReviews).size(), 1u);
  EXPECT_EQ(Bodies(kSubjectAccessReviews).size(), 1u);
}

}  // namespace
}  // namespace endpoint
