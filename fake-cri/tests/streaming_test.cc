// Exec, Attach and PortForward URLs over a real socket: the gRPC call, then
// the streaming server with a WebSocket client (testing/ws_client.h)
// or plain HTTP, checked against what containerd 1.6.20 answers (measured by
// ci/containerd/cri-diff).
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "absl/strings/match.h"
#include "fake-cri/annotations.h"
#include "fake-cri/tests/fake_cri_env.h"
#include "gmock/gmock.h"
#include "testing/ws_client.h"

namespace fakecri {
namespace {

namespace v1 = runtime::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Pair;
using ::testing::StartsWith;

constexpr char kExecTable[] = R"({"exec": {
    "cat /etc/hostname": {"stdout": "web\n"},
    "sh -c echo e >&2; exit 3": {"stdout": "o\n", "stderr": "e\n", "exit_code": 3},
    "nope": {"not_found": true}}, "exit_after": "300ms"})";

class StreamingTest : public FakeCriTest {
 protected:
  void SetUp() override {
    ServerOptions o = DefaultOptions("containerd-1.6.9");
    o.checkpoint.time_scale = 1;
    StartServer(o);
    sandbox_ = RunSandbox("web");
  }

  std::string ExecUrl(const std::string& id, std::vector<std::string> cmd, bool out = true,
                      bool err = true, bool tty = false) {
    v1::ExecRequest req;
    req.set_container_id(id);
    for (auto& c : cmd) req.add_cmd(c);
    req.set_stdout(out);
    req.set_stderr(err);
    req.set_tty(tty);
    v1::ExecResponse resp;
    grpc::Status s = client_->runtime->Exec(Ctx().get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.url();
  }

  std::string Shell(bool exits = false) {
    std::string table = kExecTable;
    if (!exits) table.replace(table.find(", \"exit_after\": \"300ms\""), 23, "");
    return CreateContainer(sandbox_, exits ? "short" : "shell", {{kProcessAnnotation, table}});
  }

  std::string sandbox_;
};

TEST_F(StreamingTest, ExecUrlsLookLikeContainerds) {
  EXPECT_THAT(ExecUrl(Shell(), {"true"}),
              MatchesRegex("http://127\\.0\\.0\\.1:[0-9]+/exec/[A-Za-z0-9_-]{8}"));
}

TEST_F(StreamingTest, ExecOverWebSocketGivesTheAnswerAndTheV4Status) {
  WsSession s = WsOpen(ExecUrl(Shell(), {"cat", "/etc/hostname"}), "v4.channel.k8s.io");
  EXPECT_THAT(s.head, HasSubstr("Sec-WebSocket-Protocol: v4.channel.k8s.io"));
  EXPECT_THAT(s.frames, ElementsAre(Pair(1, ""), Pair(1, "web\n"),
                                    Pair(3, R"({"metadata":{},"status":"Success"})")));
  EXPECT_EQ(s.close_code, 1000);
}

TEST_F(StreamingTest, ANonZeroExitIsTheStatusAndV1SaysItInText) {
  const std::string id = Shell();
  WsSession v4 = WsOpen(ExecUrl(id, {"sh", "-c", "echo e >&2; exit 3"}), "v4.channel.k8s.io");
  ASSERT_EQ(v4.frames.size(), 4u);
  EXPECT_EQ(v4.frames[1], std::make_pair(1, std::string("o\n")));
  EXPECT_EQ(v4.frames[2], std::make_pair(2, std::string("e\n")));
  EXPECT_THAT(v4.frames[3].second, HasSubstr(R"("reason":"NonZeroExitCode")"));

  WsSession v1 =
      WsOpen(ExecUrl(id, {"sh", "-c", "echo e >&2; exit 3"}, true, false), "channel.k8s.io");
  EXPECT_THAT(v1.frames,
              ElementsAre(Pair(1, ""), Pair(1, "o\n"),
                          Pair(3,
                               "command terminated with non-zero exit code: error executing "
                               "command [sh -c echo e >&2; exit 3], exit code 3")));
}

TEST_F(StreamingTest, ATtyMergesTheStreamsWithCarriageReturns) {
  WsSession s = WsOpen(ExecUrl(Shell(), {"sh", "-c", "echo e >&2; exit 3"}, true, false, true),
                       "v4.channel.k8s.io");
  ASSERT_GE(s.frames.size(), 2u);
  EXPECT_EQ(s.frames[1], std::make_pair(1, std::string("o\r\ne\r\n")));
}

TEST_F(StreamingTest, Base64ProtocolsSendTextFrames) {
  WsSession s = WsOpen(ExecUrl(Shell(), {"cat", "/etc/hostname"}), "v4.base64.channel.k8s.io");
  EXPECT_THAT(s.frames, ElementsAre(Pair('1', ""), Pair('1', "d2ViCg=="),
                                    Pair('3', "eyJtZXRhZGF0YSI6e30sInN0YXR1cyI6IlN1Y2Nlc3MifQ==")));
}

TEST_F(StreamingTest, ACommandThatCannotStartIsAnInternalError) {
  WsSession s = WsOpen(ExecUrl(Shell(), {"nope"}), "v4.channel.k8s.io");
  ASSERT_EQ(s.frames.size(), 2u);
  EXPECT_THAT(
      s.frames[1].second,
      HasSubstr(R"(executable file not found in $PATH: unknown","reason":"InternalError")"));
}

TEST_F(StreamingTest, TokensAreGoodOnceAndPlainRequestsGetContainerdsAnswers) {
  const std::string id = Shell();
  const std::string url = ExecUrl(id, {"true"});
  EXPECT_THAT(HttpGet(url), AllOf(StartsWith("HTTP/1.1 400 Bad Request\r\n"),
                                  HasSubstr("\r\n\r\nunable to upgrade: X-Stream-Protocol-Version "
                                            "is required\n")));
  EXPECT_THAT(HttpGet(url), AllOf(StartsWith("HTTP/1.1 404 Not Found\r\n"),
                                  HasSubstr("\r\n\r\n404 page not found\n")));
  const std::string refused = HttpGet(ExecUrl(id, {"true"}), {"X-Stream-Protocol-Version: nope"});
  const std::string text =
      "unable to upgrade: unable to negotiate protocol: client supports [nope], server accepts "
      "[v4.channel.k8s.io v3.channel.k8s.io v2.channel.k8s.io channel.k8s.io]\n";
  EXPECT_THAT(refused, AllOf(StartsWith("HTTP/1.1 403 Forbidden\r\n"),
                             HasSubstr("X-Accepted-Stream-Protocol-Versions: v4.channel.k8s.io"),
                             HasSubstr("\r\n\r\n" + text + text)));
  const std::string base = url.substr(0, url.find("/exec/"));
  EXPECT_THAT(HttpGet(base + "/"), HasSubstr("\r\n\r\n404: Page Not Found"));
}

TEST_F(StreamingTest, SpdyGetsTheHandshakeThenAGoAway) {
  const std::string answer = HttpGet(
      ExecUrl(Shell(), {"true"}),
      {"Connection: Upgrade", "Upgrade: SPDY/3.1", "X-Stream-Protocol-Version: v4.channel.k8s.io"});
  EXPECT_THAT(answer, StartsWith("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"
                                 "Upgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: "
                                 "v4.channel.k8s.io\r\n\r\n"));
  EXPECT_EQ(answer.substr(answer.find("\r\n\r\n") + 4),
            std::string("\x80\x03\x00\x07\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00", 16));
}

TEST_F(StreamingTest, ExecRefusesWhatContainerdRefuses) {
  const std::string id = Shell();
  v1::ExecRequest req;
  req.set_container_id(id);
  req.add_cmd("x");
  v1::ExecResponse resp;
  grpc::Status s = client_->runtime->Exec(Ctx().get(), req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "one of stdin, stdout, or stderr must be set");
  req.set_tty(true);
  req.set_stderr(true);
  s = client_->runtime->Exec(Ctx().get(), req, &resp);
  EXPECT_EQ(s.error_message(), "tty and stderr cannot both be true");
  req.set_container_id("feed");
  s = client_->runtime->Exec(Ctx().get(), req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(s.error_message(), "failed to find container \"feed\" in store: not found");

  v1::AttachRequest attach;
  attach.set_container_id(id);
  v1::AttachResponse attached;
  s = client_->runtime->Attach(Ctx().get(), attach, &attached);
  EXPECT_EQ(s.error_message(), "one of stdin, stdout, and stderr must be set");
}

TEST_F(StreamingTest, AttachHoldsUntilTheContainerExits) {
  const std::string id = Shell(/*exits=*/true);  // exits 300 ms after it started
  v1::AttachRequest req;
  req.set_container_id(id);
  req.set_stdout(true);
  v1::AttachResponse resp;
  ASSERT_TRUE(client_->runtime->Attach(Ctx().get(), req, &resp).ok());
  EXPECT_THAT(resp.url(), MatchesRegex("http://127\\.0\\.0\\.1:[0-9]+/attach/[A-Za-z0-9_-]{8}"));
  WsSession s = WsOpen(resp.url(), "v4.channel.k8s.io");
  EXPECT_THAT(s.frames, ElementsAre(Pair(1, ""), Pair(3, R"({"metadata":{},"status":"Success"})")));
  EXPECT_EQ(s.close_code, 1000);
  grpc::Status st;
  v1::ContainerStatusRequest sreq;
  sreq.set_container_id(id);
  v1::ContainerStatusResponse sresp;
  ASSERT_TRUE(client_->runtime->ContainerStatus(Ctx().get(), sreq, &sresp).ok());
  EXPECT_EQ(sresp.status().state(), v1::CONTAINER_EXITED);
}

// A host-network sandbox, as the kubelet makes one for hostNetwork pods.
std::string HostNetworkSandbox(CriClient* client, const std::string& name) {
  v1::RunPodSandboxRequest req;
  auto* md = req.mutable_config()->mutable_metadata();
  md->set_name(name);
  md->set_namespace_("default");
  md->set_uid("uid-" + name);
  req.mutable_config()
      ->mutable_linux()
      ->mutable_security_context()
      ->mutable_namespace_options()
      ->set_network(v1::NODE);
  v1::RunPodSandboxResponse resp;
  EXPECT_TRUE(client->runtime->RunPodSandbox(Ctx().get(), req, &resp).ok());
  return resp.pod_sandbox_id();
}

std::string PortForwardUrl(CriClient* client, const std::string& sandbox) {
  v1::PortForwardRequest req;
  req.set_pod_sandbox_id(sandbox);
  v1::PortForwardResponse resp;
  grpc::Status s = client->runtime->PortForward(Ctx().get(), req, &resp);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return resp.url();
}

TEST_F(StreamingTest, PortForwardRelaysAHostNetworkPodsPort) {
  // An echo server on the node's loopback stands for the pod's.
  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(listener, 1), 0);
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len), 0);
  const int port = ntohs(a.sin_port);
  std::thread echo([listener] {
    int c = ::accept(listener, nullptr, nullptr);
    char buf[64];
    ssize_t n = ::recv(c, buf, sizeof buf, 0);
    if (n > 0) ::send(c, "pong:", 5, 0), ::send(c, buf, static_cast<size_t>(n), 0);
    ::close(c);
  });
  const std::string url = PortForwardUrl(client_.get(), HostNetworkSandbox(client_.get(), "net")) +
                          "?port=" + std::to_string(port);
  WsSession s = WsOpen(url, "v4.channel.k8s.io", [](TestSocket& sock) {
    sock.Send(ClientFrame(2, std::string("\x00", 1) + "ping"));
  });
  echo.join();
  ::close(listener);
  const std::string le = {static_cast<char>(port & 0xff), static_cast<char>(port >> 8)};
  EXPECT_THAT(s.frames, ElementsAre(Pair(0, le), Pair(1, le), Pair(0, "pong:ping")));
  EXPECT_EQ(s.close_code, 1000);
}

TEST_F(StreamingTest, PortForwardToAClosedPortIsContainerdsError) {
  const std::string sandbox = HostNetworkSandbox(client_.get(), "closed");
  WsSession s = WsOpen(PortForwardUrl(client_.get(), sandbox) + "?port=1", "v4.channel.k8s.io");
  ASSERT_EQ(s.frames.size(), 3u);
  EXPECT_EQ(s.frames[2].first, 1);
  EXPECT_EQ(s.frames[2].second,
            "error forwarding port 1 to pod " + sandbox +
                ", uid : failed to execute portforward in network namespace \"host\": failed to "
                "connect to localhost:1 inside namespace \"" +
                sandbox +
                "\", IPv4: dial tcp4 127.0.0.1:1: connect: connection refused IPv6 dial tcp6: "
                "address localhost: no suitable address found ");
}

TEST_F(StreamingTest, PortForwardInAStoppedSandboxIsRefused) {
  v1::StopPodSandboxRequest stop;
  stop.set_pod_sandbox_id(sandbox_);
  v1::StopPodSandboxResponse stopped;
  ASSERT_TRUE(client_->runtime->StopPodSandbox(Ctx().get(), stop, &stopped).ok());
  v1::PortForwardRequest req;
  req.set_pod_sandbox_id(sandbox_);
  v1::PortForwardResponse resp;
  grpc::Status s = client_->runtime->PortForward(Ctx().get(), req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNKNOWN);
  EXPECT_EQ(s.error_message(), "sandbox container is not running");
}

}  // namespace
}  // namespace fakecri
