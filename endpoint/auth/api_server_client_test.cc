#include "endpoint/auth/api_server_client.h"

#include <sys/stat.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "endpoint/auth/testing/fake_api_server.h"
#include "endpoint/auth/testing/tls_pairs.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/fake_clock.h"
#include "testing/temp_dir.h"

namespace endpoint {
namespace {

using ::endpoint::testing::FakeApiResponse;
using ::endpoint::testing::FakeApiServer;
using ::endpoint::testing::PemPair;
using ::endpoint::testing::RecordedApiRequest;
using ::endpoint::testing::SilentListener;
using ::endpoint::testing::TlsTestCa;
using ::endpoint::testing::UnusedLoopbackPort;
using ::kit::testing::FakeClock;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kPath[] = "/apis/authentication.k8s.io/v1/tokenreviews";
constexpr char kKubeletToken[] = "kubelet-own-token";

class ApiServerClientTest : public ::testing::Test {
 protected:
  // TLS writes to a peer that has gone raise SIGPIPE (main ignores it too).
  static void SetUpTestSuite() { std::signal(SIGPIPE, SIG_IGN); }

  ApiServerClientTest() : ca_("test-api-ca") {}

  // A server whose certificate `ca_` signed for 127.0.0.1 (or `sans`).
  std::unique_ptr<FakeApiServer> StartServer(const std::string& sans = "IP:127.0.0.1",
                                             const std::string& client_ca_pem = "") {
    auto server = std::make_unique<FakeApiServer>(
        FakeApiServer::Options{ca_.IssueServer("kube-apiserver", sans), client_ca_pem});
    server->SetResponses(kPath, {FakeApiResponse{201, R"({"kind":"TokenReview"})", {}}});
    return server;
  }

  Kubeconfig ConfigFor(int port) const {
    Kubeconfig config;
    config.source = "k.yaml";
    config.context = "default";
    config.server_url = absl::StrCat("https://127.0.0.1:", port);
    config.scheme = "https";
    config.host = "127.0.0.1";
    config.port = port;
    config.ca_pem = ca_.ca_pem();
    config.ca_origin = "kubeconfig k.yaml: clusters[0].cluster.certificate-authority-data";
    config.token = kKubeletToken;
    return config;
  }

  std::unique_ptr<ApiServerClient> Client(const Kubeconfig& config,
                                          const ApiServerClientOptions& options = {}) {
    absl::StatusOr<std::unique_ptr<ApiServerClient>> client =
        ApiServerClient::Create(config, options);
    EXPECT_TRUE(client.ok()) << client.status();
    return client.ok() ? *std::move(client) : nullptr;
  }

  TlsTestCa ca_;
};

TEST_F(ApiServerClientTest, PostsJsonWithTheKubeconfigsBearerToken) {
  auto server = StartServer();
  ApiServerClientOptions options;
  options.user_agent = "kubelet-under-test";
  auto client = Client(ConfigFor(server->port()), options);

  absl::StatusOr<ApiResponse> response = client->Post(kPath, R"({"a":1})");

  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->body, R"({"kind":"TokenReview"})");
  EXPECT_FALSE(response->retry_after);
  std::vector<RecordedApiRequest> requests = server->requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].path, kPath);
  EXPECT_EQ(requests[0].body, R"({"a":1})");
  EXPECT_EQ(requests[0].headers["content-type"], "application/json");
  EXPECT_EQ(requests[0].headers["accept"], "application/json, */*");
  EXPECT_EQ(requests[0].headers["authorization"], absl::StrCat("Bearer ", kKubeletToken));
  EXPECT_EQ(requests[0].headers["user-agent"], "kubelet-under-test");
}

TEST_F(ApiServerClientTest, ServerPathFromTheKubeconfigPrefixesTheApiPath) {
  auto server = StartServer();
  server->SetResponses(absl::StrCat("/proxy", kPath), {FakeApiResponse{200, "{}", {}}});
  Kubeconfig config = ConfigFor(server->port());
  config.base_path = "/proxy";
  auto client = Client(config);

  absl::StatusOr<ApiResponse> response = client->Post(kPath, "{}");

  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(client->Url(kPath),
            absl::StrCat("https://127.0.0.1:", server->port(), "/proxy", kPath));
}

TEST_F(ApiServerClientTest, NonSuccessAnswersAreResponsesNotErrors) {
  auto server = StartServer();
  server->SetResponses(kPath, {FakeApiResponse{429, "slow down", {{"Retry-After", "1"}}}});
  auto client = Client(ConfigFor(server->port()));

  absl::StatusOr<ApiResponse> response = client->Post(kPath, "{}");

  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 429);
  EXPECT_EQ(response->body, "slow down");
  EXPECT_TRUE(response->retry_after);
}

TEST_F(ApiServerClientTest, ServerSignedByAnotherCaIsRefused) {
  auto server = StartServer();
  Kubeconfig config = ConfigFor(server->port());
  config.ca_pem = TlsTestCa("other-ca").ca_pem();
  auto client = Client(config);

  absl::StatusOr<ApiResponse> response = client->Post(kPath, "{}");

  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(response.status().message(),
            absl::StrCat("Post \"https://127.0.0.1:", server->port(), kPath,
                         "\": tls: failed to verify certificate: x509: certificate signed by "
                         "unknown authority"));
  EXPECT_TRUE(server->requests().empty());
}

TEST_F(ApiServerClientTest, ServerCertificateMustNameTheHostInASan) {
  auto server = StartServer("DNS:api.example");
  auto client = Client(ConfigFor(server->port()));

  absl::StatusOr<ApiResponse> response = client->Post(kPath, "{}");

  ASSERT_FALSE(response.ok());
  EXPECT_THAT(response.status().message(),
              HasSubstr("tls: failed to verify certificate: x509: certificate is not valid for "
                        "127.0.0.1"));
}

TEST_F(ApiServerClientTest, CommonNameAloneDoesNotNameTheServer) {
  auto server =
      std::make_unique<FakeApiServer>(FakeApiServer::Options{ca_.IssueServer("127.0.0.1", ""), ""});
  auto client = Client(ConfigFor(server->port()));

  absl::StatusOr<ApiResponse> response = client->Post(kPath, "{}");

  ASSERT_FALSE(response.ok());
  EXPECT_THAT(response.status().message(), HasSubstr("certificate is not valid for 127.0.0.1"));
}

TEST_F(ApiServerClientTest, TlsServerNameIsCheckedInsteadOfTheHost) {
  auto server = StartServer("DNS:api.example");
  Kubeconfig config = ConfigFor(server->port());
  config.tls_server_name = "api.example";
  auto client = Client(config);

  absl::StatusOr<ApiResponse> response = client->Post(kPath, "{}");

  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 201);
}

TEST_F(ApiServerClientTest, InsecureSkipTlsVerifyAcceptsAnyServer) {
  auto server = StartServer("DNS:elsewhere.example");
  Kubeconfig config = ConfigFor(server->port());
  config.ca_pem.clear();
  config.insecure_skip_tls_verify = true;
  auto client = Client(config);

  absl::StatusOr<ApiResponse> response = client->Post(kPath, "{}");

  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 201);
}

TEST_F(ApiServerClientTest, WithoutACaTheSystemRootsDoNotTrustATestServer) {
  auto server = StartServer();
  Kubeconfig config = ConfigFor(server->port());
  config.ca_pem.clear();
  auto client = Client(config);

  absl::StatusOr<ApiResponse> response = client->Post(kPath, "{}");

  ASSERT_FALSE(response.ok());
  EXPECT_THAT(response.status().message(), HasSubstr("certificate signed by unknown authority"));
}

TEST_F(ApiServerClientTest, PresentsTheKubeconfigsClientCertificate) {
  TlsTestCa client_ca("client-ca");
  PemPair kubelet = client_ca.IssueClient("system:node:node-1", {"system:nodes"});
  auto server = StartServer("IP:127.0.0.1", client_ca.ca_pem());
  Kubeconfig config = ConfigFor(server->port());
  config.token.clear();
  config.client_cert_pem = kubelet.cert_pem + kubelet.key_pem;  // as kubelet-client-current.pem
  config.client_key_pem = kubelet.cert_pem + kubelet.key_pem;
  config.client_cert_origin = "kubeconfig k.yaml: users[0].user.client-certificate";
  auto client = Client(config);

  absl::StatusOr<ApiResponse> response = client->Post(kPath, "{}");

  ASSERT_TRUE(response.ok()) << response.status();
  std::vector<RecordedApiRequest> requests = server->requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].client_common_name, "system:node:node-1");
  EXPECT_EQ(requests[0].headers.count("authorization"), 0u);
}

TEST_F(ApiServerClientTest, KeyThatDoesNotMatchTheCertificateIsRefusedAtCreate) {
  TlsTestCa client_ca("client-ca");
  Kubeconfig config = ConfigFor(443);
  config.client_cert_pem = client_ca.IssueClient("a").cert_pem;
  config.client_key_pem = client_ca.IssueClient("b").key_pem;
  config.client_cert_origin = "kubeconfig k.yaml: users[0].user.client-certificate-data";

  absl::StatusOr<std::unique_ptr<ApiServerClient>> client = ApiServerClient::Create(config);

  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.status().message(),
            "kubeconfig k.yaml: users[0].user.client-certificate-data: tls: private key does not "
            "match public key");
}

TEST_F(ApiServerClientTest, CaWithoutCertificatesIsRefusedAtCreate) {
  Kubeconfig config = ConfigFor(443);
  config.ca_pem = "not a certificate";

  absl::StatusOr<std::unique_ptr<ApiServerClient>> client = ApiServerClient::Create(config);

  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.status().message(),
            "kubeconfig k.yaml: clusters[0].cluster.certificate-authority-data: no PEM "
            "certificates found");
}

TEST_F(ApiServerClientTest, UnreachableServerIsUnavailableWithoutTheToken) {
  const int port = UnusedLoopbackPort();
  auto client = Client(ConfigFor(port));

  absl::StatusOr<ApiResponse> response = client->Post(kPath, "{}");

  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(response.status().message(),
            absl::StrCat("Post \"https://127.0.0.1:", port, kPath, "\": could not connect"));
  EXPECT_THAT(response.status().message(), Not(HasSubstr(kKubeletToken)));
}

TEST_F(ApiServerClientTest, SilentServerTimesOut) {
  SilentListener silent;
  ApiServerClientOptions options;
  options.timeout = std::chrono::milliseconds(200);
  auto client = Client(ConfigFor(silent.port()), options);

  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<ApiResponse> response = client->Post(kPath, "{}");
  const auto elapsed = std::chrono::steady_clock::now() - start;

  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_LT(elapsed, std::chrono::seconds(5));
}

TEST_F(ApiServerClientTest, TokenFileWinsAndIsRereadAfterAMinute) {
  auto server = StartServer();
  kit::testing::TempDir dir;
  const std::string token_file = dir.Join("token");
  std::ofstream(token_file, std::ios::trunc) << "  first-token\n";
  Kubeconfig config = ConfigFor(server->port());
  config.token_file = token_file;
  FakeClock clock;
  ApiServerClientOptions options;
  options.clock = &clock;
  auto client = Client(config, options);

  ASSERT_TRUE(client->Post(kPath, "{}").ok());
  std::ofstream(token_file, std::ios::trunc) << "second-token";
  clock.Advance(std::chrono::seconds(59));
  ASSERT_TRUE(client->Post(kPath, "{}").ok());
  clock.Advance(std::chrono::seconds(1));
  ASSERT_TRUE(client->Post(kPath, "{}").ok());
  ::unlink(token_file.c_str());
  clock.Advance(std::chrono::minutes(5));
  ASSERT_TRUE(client->Post(kPath, "{}").ok());

  std::vector<RecordedApiRequest> requests = server->requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[0].headers["authorization"], "Bearer first-token");
  EXPECT_EQ(requests[1].headers["authorization"], "Bearer first-token");
  EXPECT_EQ(requests[2].headers["authorization"], "Bearer second-token");
  EXPECT_EQ(requests[3].headers["authorization"], "Bearer second-token");  // last good one
}

TEST_F(ApiServerClientTest, WorksEndToEndFromAKubeconfigFile) {
  auto server = StartServer();
  kit::testing::TempDir temp;
  const std::string dir = temp.path();
  std::ofstream(dir + "/ca.crt", std::ios::trunc) << ca_.ca_pem();
  std::ofstream(dir + "/kubelet.conf", std::ios::trunc) << absl::StrCat(R"(apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    certificate-authority: ca.crt
    server: )",
                                                                        server->url(), R"(
contexts:
- name: kubelet@local
  context: {cluster: local, user: kubelet}
current-context: kubelet@local
users:
- name: kubelet
  user:
    token: from-file-config
)");
  absl::StatusOr<Kubeconfig> config = LoadKubeconfig(dir + "/kubelet.conf");
  ASSERT_TRUE(config.ok()) << config.status();
  auto client = Client(*config);

  absl::StatusOr<ApiResponse> response = client->Post(kPath, "{}");

  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(server->requests().at(0).headers["authorization"], "Bearer from-file-config");
}

}  // namespace
}  // namespace endpoint
