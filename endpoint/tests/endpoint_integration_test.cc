// The real endpoint (TLS on a free port) in front of the real fake-cri (unix
// socket), both in process, driven over HTTPS as curl would: every row of the
// contract that needs a runtime, plus restarts, disconnects and retention.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "common/log.h"
#include "endpoint/endpoint.h"
#include "endpoint/testing/mocks.h"
#include "fake-cri/archive/file_ops.h"
#include "fake-cri/clock.h"
#include "fake-cri/server.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "testing/archive_reader.h"
#include "testing/fake_clock.h"
#include "testing/temp_dir.h"
#include "testing/wait_for.h"

namespace endpoint {
namespace {

using ::kit::testing::FakeClock;
using ::kit::testing::WaitFor;

using std::chrono::milliseconds;
using Steady = std::chrono::steady_clock;

constexpr char kFixture[] = R"({
  "runtime": {"checkpoint": {"fixed_cost": "0ms", "throughput": "1000Gi"}},
  "pods": [
    {"namespace": "default", "name": "web", "containers": [
      {"name": "nginx", "image": "nginx:1.25", "working_set_bytes": "48Mi"},
      {"name": "slow", "image": "busybox", "working_set_bytes": "1Gi",
       "checkpoint": {"throughput": "1Ki"}},
      {"name": "done", "image": "busybox", "state": "exited"}]},
    {"namespace": "other", "name": "db", "containers": [
      {"name": "postgres", "image": "postgres:16"}]}
  ]})";

constexpr char kTokens[] =
    "admin-token,admin,1,\"system:masters\"\n"
    "viewer-token,viewer,2,\"viewers\"\n";

constexpr char kPolicy[] = R"({"rules": [
  {"groups": ["system:masters"], "verbs": ["*"], "subresources": ["*"]},
  {"users": ["viewer"], "verbs": ["get"], "subresources": ["metrics", "proxy"]}
]})";

class EndpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    kit::SetLogLevel(kit::LogLevel::kWarn);
    root_ = dir_.Join("kubelet");
    socket_ = "unix://" + dir_.Join("cri.sock");
    std::ofstream(dir_.Join("fixture.json")) << kFixture;
    std::ofstream(dir_.Join("tokens.csv")) << kTokens;
    std::ofstream(dir_.Join("policy.json")) << kPolicy;
    StartRuntime();
  }

  void StartRuntime() {
    auto fixture = fakecri::LoadFixture(dir_.Join("fixture.json"));
    ASSERT_TRUE(fixture.ok()) << fixture.status();
    fixture_ = std::move(*fixture);
    fakecri::ServerOptions o;
    o.listen = socket_;
    // The reference runtime: a cancelled CRI call ends at once (real runtimes go on).
    o.UseProfile(*fakecri::FindRuntimeProfile("reference"));
    o.checkpoint.latency.fixed_cost_ns = 0;
    o.checkpoint.latency.throughput_bytes_per_second = 1e12;
    o.fixture = &fixture_;
    auto s = fakecri::FakeCriServer::Start(o, &runtime_clock_, fakecri::RealFileOps());
    ASSERT_TRUE(s.ok()) << s.status();
    runtime_ = std::move(*s);
  }

  Config BaseConfig() {
    Config c;
    c.container_runtime_endpoint = socket_;
    c.root_dir = root_;
    c.cert_dir = dir_.Join("pki");
    c.address = "127.0.0.1";
    c.port = 0;
    c.hostname_override = "node-1";
    c.token_auth_file = dir_.Join("tokens.csv");
    c.authorization_mode = "Policy";
    c.authorization_policy_file = dir_.Join("policy.json");
    c.runtime_request_timeout = std::chrono::seconds(10);
    return c;
  }

  void StartEndpoint(Config c, Clock* clock = nullptr) {
    auto e = Endpoint::Start(c, clock ? clock : &clock_);
    ASSERT_TRUE(e.ok()) << e.status();
    endpoint_ = std::move(*e);
  }

  // Plain HTTP on loopback, so that a test can send and read exact bytes.
  Config PlainHttpConfig() {
    Config c = BaseConfig();
    c.insecure_http = true;
    return c;
  }

  // One request written as is on a new connection (which it closes); the
  // whole response, with the Date header's value masked.
  std::string Raw(const std::string& request) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(endpoint_->port()));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(fd);
      return "connect failed";
    }
    std::string req = request;
    size_t head_end = req.find("\r\n\r\n");
    req.insert(head_end, "\r\nConnection: close");
    (void)!::send(fd, req.data(), req.size(), MSG_NOSIGNAL);
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;)
      out.append(buf, static_cast<size_t>(n));
    ::close(fd);
    return std::regex_replace(out, std::regex("\r\nDate: [^\r]*\r\n"), "\r\nDate: *\r\n");
  }

  std::unique_ptr<httplib::SSLClient> Client() {
    auto cli = std::make_unique<httplib::SSLClient>("127.0.0.1", endpoint_->port());
    cli->set_ca_cert_path(endpoint_->cert_file().c_str());
    cli->enable_server_certificate_verification(true);
    cli->set_read_timeout(60, 0);
    return cli;
  }

  httplib::Result Post(const std::string& path, const std::string& token = "admin-token") {
    auto cli = Client();
    httplib::Headers h;
    if (!token.empty()) h.emplace("Authorization", "Bearer " + token);
    return cli->Post(path.c_str(), h, "", "text/plain");
  }

  httplib::Result Get(const std::string& path, const std::string& token = "admin-token") {
    auto cli = Client();
    httplib::Headers h;
    if (!token.empty()) h.emplace("Authorization", "Bearer " + token);
    return cli->Get(path.c_str(), h);
  }

  std::string Checkpoints() { return root_ + "/checkpoints"; }
  std::vector<std::string> Archives() {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(Checkpoints())) {
      out.push_back(e.path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  double Metric(const std::string& line_prefix) {
    auto r = Get("/metrics");
    if (!r || r->status != 200) return -1;
    std::istringstream in(r->body);
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind(line_prefix + " ", 0) == 0)
        return std::stod(line.substr(line_prefix.size() + 1));
    }
    return -1;
  }

  kit::testing::TempDir dir_;
  std::string root_, socket_;
  fakecri::Fixture fixture_;
  fakecri::RealClock runtime_clock_;
  std::unique_ptr<fakecri::FakeCriServer> runtime_;
  RealClock clock_;
  std::unique_ptr<Endpoint> endpoint_;
};

TEST_F(EndpointTest, CheckpointAnswers200WithTheArchivePath) {
  StartEndpoint(BaseConfig());
  auto r = Post("/checkpoint/default/web/nginx");
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
  auto j = nlohmann::json::parse(r->body);
  ASSERT_EQ(j["items"].size(), 1u);
  std::string path = j["items"][0];
  EXPECT_EQ(path.rfind(Checkpoints() + "/checkpoint-web_default-nginx-", 0), 0u) << path;
  struct stat st;
  ASSERT_EQ(::lstat(path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  kit::testing::ReadArchive a = kit::testing::ReadTar(path);
  ASSERT_TRUE(a.ok) << a.error;
  EXPECT_EQ(a.entries.count("checkpoint/inventory.img"), 1u);
  ASSERT_EQ(::stat(Checkpoints().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
}

TEST_F(EndpointTest, AuthenticationFailuresAre401) {
  StartEndpoint(BaseConfig());
  for (const std::string& token : {std::string(), std::string("wrong-token")}) {
    auto r = Post("/checkpoint/default/web/nginx", token);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401) << token;
    EXPECT_EQ(r->body, "Unauthorized");
  }
  EXPECT_TRUE(Archives().empty());
}

TEST_F(EndpointTest, AnonymousIsAUserWhenAllowed) {
  Config c = BaseConfig();
  c.anonymous_auth = true;
  StartEndpoint(c);
  auto r = Post("/checkpoint/default/web/nginx", "");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(r->body,
            "Forbidden (user=system:anonymous, verb=create, resource=nodes, "
            "subresource(s)=[checkpoint])\n");
}

TEST_F(EndpointTest, NotAllowedIs403) {
  StartEndpoint(BaseConfig());
  auto r = Post("/checkpoint/default/web/nginx", "viewer-token");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(r->body,
            "Forbidden (user=viewer, verb=create, resource=nodes, subresource(s)=[checkpoint])\n");
}

TEST_F(EndpointTest, NotFoundRows) {
  StartEndpoint(BaseConfig());
  struct Row {
    std::string path, body;
  } rows[] = {
      {"/checkpoint/nope/web/nginx", "pod does not exist"},
      {"/checkpoint/default/nope/nginx", "pod does not exist"},
      {"/checkpoint/default/web/nope", "container nope does not exist"},
      {"/checkpoint/default/web/nginx?timeout=30s", "cannot parse value of timeout parameter"},
      {"/checkpoint/default/web", "404: Page Not Found"},
  };
  for (const Row& row : rows) {
    auto r = Post(row.path);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 404) << row.path;
    EXPECT_EQ(r->body, row.body) << row.path;
  }
  EXPECT_TRUE(Archives().empty());
}

TEST_F(EndpointTest, GetIs405WithAllowPost) {
  StartEndpoint(BaseConfig());
  auto r = Get("/checkpoint/default/web/nginx");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->body, "405: Method Not Allowed");
  EXPECT_EQ(r->get_header_value("Allow"), "POST");
}

TEST_F(EndpointTest, GateOffIsAPlain404BeforeAuthentication) {
  Config c = BaseConfig();
  c.checkpoint_gate = false;
  StartEndpoint(c);
  auto r = Post("/checkpoint/default/web/nginx", "");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->body, "404 page not found\n");  // Go's http.NotFound
  EXPECT_EQ(r->get_header_value("X-Content-Type-Options"), "nosniff");
}

// Every kubelet version, on the wire: the exact responses that differ
// between versions (the Date header masked).
TEST_F(EndpointTest, EveryKubeletVersionOnTheWire) {
  const std::string viewer_post =
      "POST /checkpoint/default/web/nginx HTTP/1.1\r\nHost: x\r\n"
      "Authorization: Bearer viewer-token\r\n\r\n";
  auto text = [](const std::string& status, const std::string& body,
                 const std::string& extra_headers = "") {
    return "HTTP/1.1 " + status + "\r\nContent-Type: text/plain; charset=utf-8\r\n" +
           extra_headers + "Date: *\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\nConnection: close\r\n\r\n" + body;
  };
  for (const KubeletProfile& p : KubeletProfiles()) {
    const std::string v(p.version);
    SCOPED_TRACE(v);
    const int minor = std::stoi(v.substr(2));
    Config c = PlainHttpConfig();
    c.kubelet_version = v;
    StartEndpoint(c);
    if (minor < 30) {  // alpha, off by default: Go's 404 before authentication
      EXPECT_EQ(Raw(viewer_post), text("404 Not Found", "404 page not found\n",
                                       "X-Content-Type-Options: nosniff\r\n"));
      endpoint_.reset();
      c.checkpoint_gate = true;
      StartEndpoint(c);
    }
    const std::string forbidden =
        minor < 30 ? "Forbidden (user=viewer, verb=create, resource=nodes, subresource=proxy)"
        : minor < 32
            ? "Forbidden (user=viewer, verb=create, resource=nodes, subresource=checkpoint)"
            : "Forbidden (user=viewer, verb=create, resource=nodes, "
              "subresource(s)=[checkpoint])\n";
    EXPECT_EQ(Raw(viewer_post), text("403 Forbidden", forbidden));

    const std::string bare_root =
        "POST /checkpoint HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer admin-token\r\n\r\n";
    if (minor < 30) {
      EXPECT_EQ(Raw(bare_root), text("404 Not Found", "404: Page Not Found"));
    } else {
      EXPECT_EQ(Raw(bare_root),
                "HTTP/1.1 301 Moved Permanently\r\nDate: *\r\nLocation: /checkpoint/\r\n"
                "Content-Length: 0\r\nConnection: close\r\n\r\n");
    }

    const std::string zero_length_text_accept =
        "POST /checkpoint/default/web/nginx HTTP/1.1\r\nHost: x\r\n"
        "Authorization: Bearer admin-token\r\nAccept: text/plain\r\nContent-Length: 0\r\n\r\n";
    if (minor < 34) {
      EXPECT_EQ(Raw(zero_length_text_accept),
                text("406 Not Acceptable",
                     "406: Not Acceptable\n\nAvailable representations: application/json"));
    } else {
      EXPECT_EQ(Raw(zero_length_text_accept),
                text("415 Unsupported Media Type",
                     "415: Unsupported Media Type\n\nAvailable representations: application/json"));
    }

    const std::string metrics =
        Raw("GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer admin-token\r\n\r\n");
    EXPECT_NE(metrics.find("git_version=\"v" + v + ".0\""), std::string::npos) << metrics;
    endpoint_.reset();
  }
}

TEST_F(EndpointTest, DebuggingHandlersOffRemovesTheRouteFrom133) {
  for (const char* v : {"1.32", "1.33"}) {
    Config c = PlainHttpConfig();
    c.kubelet_version = v;
    c.enable_debugging_handlers = false;
    StartEndpoint(c);
    const std::string answer =
        Raw("POST /checkpoint/default/web/nginx HTTP/1.1\r\nHost: x\r\n"
            "Authorization: Bearer admin-token\r\n\r\n");
    EXPECT_EQ(answer.substr(0, 12), std::string(v) == "1.32" ? "HTTP/1.1 200" : "HTTP/1.1 404")
        << v << ": " << answer;
    endpoint_.reset();
  }
}

TEST_F(EndpointTest, PathsAreCleanedAndQueriesReadAsGoDoes) {
  StartEndpoint(PlainHttpConfig());
  // An empty segment: redirected before authentication, query kept.
  EXPECT_EQ(Raw("POST /checkpoint/default//nginx?timeout=5 HTTP/1.1\r\nHost: x\r\n\r\n"),
            "HTTP/1.1 301 Moved Permanently\r\nDate: *\r\n"
            "Location: /checkpoint/default/nginx?timeout=5\r\nContent-Length: 0\r\n"
            "Connection: close\r\n\r\n");
  auto admin_post = [&](const std::string& target) {
    return Raw("POST " + target +
               " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer admin-token\r\n\r\n");
  };
  // A trailing slash checkpoints.
  std::string answer = admin_post("/checkpoint/default/web/nginx/");
  EXPECT_EQ(answer.substr(0, 15), "HTTP/1.1 200 OK") << answer;
  // A pair with ';' is dropped, so this timeout is not "cannot parse": the
  // default applies.
  answer = admin_post("/checkpoint/other/db/postgres?timeout=30s;x=1");
  EXPECT_EQ(answer.substr(0, 15), "HTTP/1.1 200 OK") << answer;
  answer = admin_post("/checkpoint/other/db/postgres?timeout=30s");
  EXPECT_EQ(answer.substr(answer.size() - 39), "cannot parse value of timeout parameter");
}

TEST_F(EndpointTest, ServerErrorRows) {
  StartEndpoint(BaseConfig());
  auto r = Post("/checkpoint/default/web/done");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->body, "checkpointing of default/web/done failed (container done not found)");

  r = Post("/checkpoint/default/web/nginx?timeout=-1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->body,
            "checkpointing of default/web/nginx failed (CheckpointContainer requires the timeout "
            "value to be > 0)");

  fakecri::FaultRule rule;
  rule.method = "CheckpointContainer";
  rule.effect = fakecri::FaultEffect::kUnimplemented;
  ASSERT_TRUE(runtime_->faults()->Add(rule).ok());
  r = Post("/checkpoint/default/web/nginx");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->body,
            "checkpointing of default/web/nginx failed (rpc error: code = Unimplemented desc = "
            "method CheckpointContainer not implemented)");
  EXPECT_TRUE(Archives().empty());
}

TEST_F(EndpointTest, DeadlineExceededIs500) {
  Config c = BaseConfig();
  c.runtime_request_timeout = std::chrono::seconds(1);
  StartEndpoint(c);
  auto start = Steady::now();
  auto r = Post("/checkpoint/default/web/slow");  // modelled: minutes
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->body.rfind("checkpointing of default/web/slow failed (rpc error: code = "
                          "DeadlineExceeded desc = ",
                          0),
            0u)
      << r->body;
  EXPECT_GE(Steady::now() - start, milliseconds(1000));
  EXPECT_TRUE(WaitFor([&] { return Archives().empty(); }));
}

TEST_F(EndpointTest, SubSecondRuntimeRequestTimeoutIsTheDeadline) {
  // defaultTimeout = int64(D / time.Second) = 0: the request carries 0 and
  // the deadline is D itself (tests/runtime_client_test.cc checks the request).
  Config c = BaseConfig();
  c.runtime_request_timeout = milliseconds(500);
  StartEndpoint(c);
  auto start = Steady::now();
  auto r = Post("/checkpoint/default/web/slow");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->body,
            "checkpointing of default/web/slow failed (rpc error: code = DeadlineExceeded desc = "
            "context deadline exceeded)");
  EXPECT_GE(Steady::now() - start, milliseconds(500));
  EXPECT_LT(Steady::now() - start, milliseconds(5000));
}

TEST_F(EndpointTest, LargerTimeoutLengthensTheDeadline) {
  Config c = BaseConfig();
  c.runtime_request_timeout = std::chrono::seconds(1);
  StartEndpoint(c);
  // 1.5 s modelled: fails within D = 1 s, succeeds with timeout=3.
  fakecri::FaultRule rule;
  rule.method = "CheckpointContainer";
  rule.effect = fakecri::FaultEffect::kLatency;
  rule.latency_ns = 1'500'000'000;
  ASSERT_TRUE(runtime_->faults()->Add(rule).ok());
  auto r = Post("/checkpoint/default/web/nginx");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500) << r->body;
  r = Post("/checkpoint/default/web/nginx?timeout=3");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
}

TEST_F(EndpointTest, TwoCheckpointsInTheSameSecondGetTheSameNameByDefault) {
  // As the kubelet. fake-cri then refuses to write over the first archive
  // (containerd and CRI-O would overwrite it in place).
  FakeClock frozen(std::chrono::system_clock::now());
  StartEndpoint(BaseConfig(), &frozen);
  auto first = Post("/checkpoint/default/web/nginx");
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200) << first->body;
  std::string location = nlohmann::json::parse(first->body)["items"][0];
  auto second = Post("/checkpoint/default/web/nginx");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 500);
  EXPECT_EQ(second->body,
            "checkpointing of default/web/nginx failed (rpc error: code = "
            "AlreadyExists desc = checkpoint location \"" +
                location + "\" already exists; refusing to overwrite it)");
  EXPECT_TRUE(kit::testing::ReadTar(location).ok);
  EXPECT_EQ(Archives().size(), 1u);
}

TEST_F(EndpointTest, UniqueArchiveNamesGiveTwoIntactArchivesInTheSameSecond) {
  Config c = BaseConfig();
  c.unique_archive_names = true;
  StartEndpoint(c);
  int status[2] = {0, 0};
  std::string body[2];
  auto post = [&](int i) {
    auto r = Post("/checkpoint/default/web/nginx");
    if (r) {
      status[i] = r->status;
      body[i] = r->body;
    }
  };
  std::thread t1(post, 0), t2(post, 1);
  t1.join();
  t2.join();
  ASSERT_EQ(status[0], 200) << body[0];
  ASSERT_EQ(status[1], 200) << body[1];
  std::string pa = nlohmann::json::parse(body[0])["items"][0];
  std::string pb = nlohmann::json::parse(body[1])["items"][0];
  EXPECT_NE(pa, pb);
  EXPECT_TRUE(kit::testing::ReadTar(pa).ok);
  EXPECT_TRUE(kit::testing::ReadTar(pb).ok);
  EXPECT_EQ(Archives().size(), 2u);
}

TEST_F(EndpointTest, RuntimeRestartIs500UnavailableThenRecovers) {
  StartEndpoint(BaseConfig());
  ASSERT_EQ(Post("/checkpoint/default/web/nginx")->status, 200);
  runtime_->Shutdown();
  runtime_.reset();
  auto r = Post("/checkpoint/default/web/nginx");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_NE(r->body.find("(rpc error: code = Unavailable desc = "), std::string::npos) << r->body;
  StartRuntime();
  EXPECT_TRUE(WaitFor([&] {
    auto again = Post("/checkpoint/default/web/nginx");
    return again && again->status == 200;
  }));
}

TEST_F(EndpointTest, ClientDisconnectCancelsTheCriCall) {
  StartEndpoint(BaseConfig());
  {
    auto cli = Client();
    cli->set_read_timeout(0, 300000);  // give up after 300 ms: closes the connection
    httplib::Headers h{{"Authorization", "Bearer admin-token"}};
    auto r = cli->Post("/checkpoint/default/web/slow", h, "", "text/plain");
    EXPECT_FALSE(r);
  }
  EXPECT_TRUE(WaitFor([&] { return runtime_->counters()->checkpoints_failed.load() == 1; },
                      milliseconds(5000)));
  EXPECT_TRUE(Archives().empty());
}

TEST_F(EndpointTest, RetentionKeepsTheNewestN) {
  Config c = BaseConfig();
  c.max_checkpoints_per_container = 2;
  FakeClock clock(std::chrono::system_clock::now());  // one second per checkpoint
  StartEndpoint(c, &clock);
  std::vector<std::string> paths;
  for (int i = 0; i < 3; ++i) {
    clock.Advance(std::chrono::seconds(1));
    auto r = Post("/checkpoint/default/web/nginx");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    paths.push_back(nlohmann::json::parse(r->body)["items"][0]);
  }
  ASSERT_EQ(Post("/checkpoint/other/db/postgres")->status, 200);
  EXPECT_FALSE(std::filesystem::exists(paths[0]));
  EXPECT_TRUE(std::filesystem::exists(paths[1]));
  EXPECT_TRUE(std::filesystem::exists(paths[2]));
  EXPECT_EQ(Archives().size(), 3u);
}

TEST_F(EndpointTest, MetricsMoveByExactlyOneCheckpoint) {
  // As the kubelet: no checkpoint_container series before the first attempt
  // (the node e2e test reads a missing one as 0), and no error series after a
  // success.
  StartEndpoint(BaseConfig());
  const std::string total =
      "kubelet_runtime_operations_total{operation_type=\"checkpoint_container\"}";
  const std::string errors =
      "kubelet_runtime_operations_errors_total{operation_type=\"checkpoint_container\"}";
  EXPECT_EQ(Metric(total), -1);  // absent
  EXPECT_EQ(Metric(errors), -1);
  ASSERT_EQ(Post("/checkpoint/default/web/nginx")->status, 200);
  EXPECT_EQ(Metric(total), 1);
  EXPECT_EQ(Metric(errors), -1);
}

TEST_F(EndpointTest, NegativeTimeoutIsCountedAsAFailedCheckpointOperation) {
  StartEndpoint(BaseConfig());
  const std::string total =
      "kubelet_runtime_operations_total{operation_type=\"checkpoint_container\"}";
  const std::string errors =
      "kubelet_runtime_operations_errors_total{operation_type=\"checkpoint_container\"}";
  // Not running: rejected before the CRI call, nothing counted.
  auto r = Post("/checkpoint/default/web/done?timeout=-1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "checkpointing of default/web/done failed (container done not found)");
  EXPECT_EQ(Metric(total), -1);
  // Running: the CRI client rejects it inside the instrumented call.
  r = Post("/checkpoint/default/web/nginx?timeout=-1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(Metric(total), 1);
  EXPECT_EQ(Metric(errors), 1);
  EXPECT_EQ(runtime_->counters()->Calls().count("CheckpointContainer"), 0u);  // no RPC sent
  EXPECT_TRUE(Archives().empty());
}

TEST_F(EndpointTest, HealthzAndMetricsNeedAuth) {
  StartEndpoint(BaseConfig());
  EXPECT_EQ(Get("/healthz", "")->status, 401);
  EXPECT_EQ(Get("/metrics", "")->status, 401);
  auto h = Get("/healthz", "viewer-token");
  EXPECT_EQ(h->status, 200);
  EXPECT_EQ(h->body, "ok");
}

TEST_F(EndpointTest, ExistingCheckpointsDirKeepsItsModeByDefault) {
  // The kubelet's MkdirAll(dir, 0700) never changes an existing directory.
  std::filesystem::create_directories(Checkpoints());
  ::chmod(Checkpoints().c_str(), 0755);
  StartEndpoint(BaseConfig());
  struct stat st;
  ASSERT_EQ(::stat(Checkpoints().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0755u);
  EXPECT_EQ(Post("/checkpoint/default/web/nginx")->status, 200);
}

TEST_F(EndpointTest, WiderCheckpointsDirIsTightenedWithTheFlag) {
  std::filesystem::create_directories(Checkpoints());
  ::chmod(Checkpoints().c_str(), 0755);
  Config c = BaseConfig();
  c.tighten_checkpoints_dir = true;
  StartEndpoint(c);
  struct stat st;
  ASSERT_EQ(::stat(Checkpoints().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
}

TEST_F(EndpointTest, SymlinkedCheckpointsDirIsFollowedByDefaultAndRefusedWithTheFlag) {
  std::filesystem::create_directories(root_);
  std::filesystem::create_directories(dir_.Join("elsewhere"));
  std::filesystem::create_directory_symlink(dir_.Join("elsewhere"), Checkpoints());
  Config c = BaseConfig();
  c.tighten_checkpoints_dir = true;
  auto refused = Endpoint::Start(c, &clock_);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("is a symlink"), std::string::npos) << refused.status();
  StartEndpoint(BaseConfig());  // as MkdirAll, which follows it
  auto r = Post("/checkpoint/default/web/nginx");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_.Join("elsewhere")),
                          std::filesystem::directory_iterator()),
            1);
}

TEST_F(EndpointTest, CheckpointsPathThatIsAFileStopsStartUp) {
  std::filesystem::create_directories(root_);
  std::ofstream(Checkpoints()) << "not a directory";
  auto e = Endpoint::Start(BaseConfig(), &clock_);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().message(),
            "error creating checkpoint directory: mkdir " + Checkpoints() + ": not a directory");
}

}  // namespace
}  // namespace endpoint
