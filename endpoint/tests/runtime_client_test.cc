// The CRI client against the real fake-cri: pods and containers are found as
// crictl makes them (metadata only) and as a kubelet makes them (labels too).
#include "endpoint/runtime_client.h"

#include <mutex>

#include "common/log.h"
#include "endpoint/metrics.h"
#include "fake-cri/archive/file_ops.h"
#include "fake-cri/clock.h"
#include "fake-cri/server.h"
#include "fake-cri/tests/cri_client.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "testing/temp_dir.h"

namespace endpoint {
namespace {

namespace v1 = runtime::v1;

class RuntimeClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    kit::SetLogLevel(kit::LogLevel::kWarn);
    fakecri::ServerOptions o;
    o.listen = "unix://" + dir_.Join("cri.sock");
    auto s = fakecri::FakeCriServer::Start(o, &clock_, fakecri::RealFileOps());
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = std::move(*s);
    cri_ = std::make_unique<fakecri::CriClient>(o.listen);
    client_ = NewGrpcRuntimeClient(o.listen, std::chrono::seconds(10), &metrics_);
  }

  std::string Sandbox(const std::string& md_name, const std::string& md_ns,
                      const std::map<std::string, std::string>& labels, uint32_t attempt = 0) {
    v1::RunPodSandboxRequest req;
    auto* md = req.mutable_config()->mutable_metadata();
    md->set_name(md_name);
    md->set_namespace_(md_ns);
    md->set_uid("uid-" + md_name);
    md->set_attempt(attempt);
    for (const auto& [k, v] : labels) (*req.mutable_config()->mutable_labels())[k] = v;
    v1::RunPodSandboxResponse resp;
    EXPECT_TRUE(cri_->runtime->RunPodSandbox(fakecri::Ctx().get(), req, &resp).ok());
    return resp.pod_sandbox_id();
  }

  std::string Container(const std::string& sandbox, const std::string& md_name,
                        const std::map<std::string, std::string>& labels, bool start) {
    v1::CreateContainerRequest req;
    req.set_pod_sandbox_id(sandbox);
    req.mutable_config()->mutable_metadata()->set_name(md_name);
    req.mutable_config()->mutable_image()->set_image("busybox");
    for (const auto& [k, v] : labels) (*req.mutable_config()->mutable_labels())[k] = v;
    v1::CreateContainerResponse resp;
    EXPECT_TRUE(cri_->runtime->CreateContainer(fakecri::Ctx().get(), req, &resp).ok());
    if (start) {
      v1::StartContainerRequest s;
      s.set_container_id(resp.container_id());
      v1::StartContainerResponse sr;
      EXPECT_TRUE(cri_->runtime->StartContainer(fakecri::Ctx().get(), s, &sr).ok());
    }
    return resp.container_id();
  }

  void StopSandbox(const std::string& id) {
    v1::StopPodSandboxRequest req;
    req.set_pod_sandbox_id(id);
    v1::StopPodSandboxResponse resp;
    EXPECT_TRUE(cri_->runtime->StopPodSandbox(fakecri::Ctx().get(), req, &resp).ok());
  }

  kit::testing::TempDir dir_;
  fakecri::RealClock clock_;
  std::unique_ptr<fakecri::FakeCriServer> server_;
  std::unique_ptr<fakecri::CriClient> cri_;
  Metrics metrics_;
  std::unique_ptr<RuntimeClient> client_;
};

TEST_F(RuntimeClientTest, FindsAPodByMetadataAsCrictlMakesIt) {
  std::string id = Sandbox("web", "default", {});
  auto pod = client_->FindPod("default", "web");
  ASSERT_TRUE(pod.ok()) << pod.status();
  ASSERT_TRUE(pod->has_value());
  EXPECT_EQ((*pod)->sandbox_id, id);
  EXPECT_FALSE(client_->FindPod("other", "web")->has_value());
}

TEST_F(RuntimeClientTest, FindsAPodAndContainerByTheKubeletsLabels) {
  std::string id =
      Sandbox("ignored-name", "ignored-ns",
              {{"io.kubernetes.pod.name", "web"}, {"io.kubernetes.pod.namespace", "default"}});
  auto pod = client_->FindPod("default", "web");
  ASSERT_TRUE(pod.ok() && pod->has_value());
  EXPECT_EQ((*pod)->sandbox_id, id);
  std::string c = Container(id, "k8s-name", {{"io.kubernetes.container.name", "nginx"}}, true);
  auto container = client_->FindContainer(**pod, "nginx");
  ASSERT_TRUE(container.ok() && container->has_value());
  EXPECT_EQ((*container)->id, c);
  EXPECT_TRUE((*container)->running);
}

TEST_F(RuntimeClientTest, PrefersTheNewestReadySandbox) {
  std::string ready = Sandbox("web", "default", {}, /*attempt=*/0);
  std::string stopped = Sandbox("web", "default", {}, /*attempt=*/1);  // newer
  StopSandbox(stopped);
  auto pod = client_->FindPod("default", "web");
  ASSERT_TRUE(pod.ok() && pod->has_value());
  EXPECT_EQ((*pod)->sandbox_id, ready);
}

TEST_F(RuntimeClientTest, ReportsAStoppedContainerAsNotRunning) {
  std::string id = Sandbox("web", "default", {});
  Container(id, "job", {}, /*start=*/false);
  auto pod = client_->FindPod("default", "web");
  auto container = client_->FindContainer(**pod, "job");
  ASSERT_TRUE(container.ok() && container->has_value());
  EXPECT_FALSE((*container)->running);
  EXPECT_FALSE(client_->FindContainer(**pod, "nope")->has_value());
}

TEST_F(RuntimeClientTest, RuntimeDownIsAnUnavailableError) {
  server_->Shutdown();
  auto pod = client_->FindPod("default", "web");
  ASSERT_FALSE(pod.ok());
  EXPECT_EQ(pod.status().code(), absl::StatusCode::kUnavailable);
}

// The CRI timeout rule, as (*remoteRuntimeService).CheckpointContainer computes it.
TEST(CriTimeout, FollowsTheKubeletsRule) {
  using std::chrono::milliseconds;
  using std::chrono::seconds;
  struct Row {
    int64_t timeout;
    std::chrono::nanoseconds d;
    int64_t want_request;
    std::chrono::nanoseconds want_deadline;
  } rows[] = {
      {0, std::chrono::minutes(2), 120, std::chrono::minutes(2)},
      {1, std::chrono::minutes(2), 120, std::chrono::minutes(2)},
      {120, std::chrono::minutes(2), 120, std::chrono::minutes(2)},
      {121, std::chrono::minutes(2), 121, seconds(121)},
      // D < 1 s: defaultTimeout is 0, so the request carries 0 and the deadline is D.
      {0, milliseconds(500), 0, milliseconds(500)},
      {1, milliseconds(500), 1, seconds(1)},
      // Truncated, not rounded: D = 1.5 s gives defaultTimeout 1.
      {1, milliseconds(1500), 1, milliseconds(1500)},
      {2, milliseconds(1500), 2, seconds(2)},
      // Go's Duration(timeout) * time.Second wraps: an expired deadline.
      {9223372037, std::chrono::minutes(2), 9223372037,
       std::chrono::nanoseconds(static_cast<int64_t>(9223372037ull * 1000000000ull))},
  };
  for (const Row& r : rows) {
    CriTimeout t = ComputeCriTimeout(r.timeout, r.d);
    EXPECT_EQ(t.request_timeout_seconds, r.want_request) << r.timeout << " " << r.d.count();
    EXPECT_EQ(t.deadline, r.want_deadline) << r.timeout << " " << r.d.count();
  }
  EXPECT_LT(ComputeCriTimeout(9223372037, std::chrono::minutes(2)).deadline.count(), 0);
}

// A runtime that records what CheckpointContainer receives.
class RecordingRuntime final : public v1::RuntimeService::Service {
 public:
  grpc::Status CheckpointContainer(grpc::ServerContext* context,
                                   const v1::CheckpointContainerRequest* request,
                                   v1::CheckpointContainerResponse*) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++calls_;
    timeout_ = request->timeout();
    remaining_ = context->deadline() - std::chrono::system_clock::now();
    return grpc::Status::OK;
  }
  int calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }
  int64_t timeout() {
    std::lock_guard<std::mutex> lock(mu_);
    return timeout_;
  }
  std::chrono::system_clock::duration remaining() {
    std::lock_guard<std::mutex> lock(mu_);
    return remaining_;
  }

 private:
  std::mutex mu_;
  int calls_ = 0;
  int64_t timeout_ = -1;
  std::chrono::system_clock::duration remaining_{};
};

class CriTimeoutOnTheWireTest : public ::testing::Test {
 protected:
  void SetUp() override {
    endpoint_ = "unix://" + dir_.Join("rec.sock");
    grpc::ServerBuilder b;
    b.AddListeningPort(endpoint_, grpc::InsecureServerCredentials());
    b.RegisterService(&runtime_);
    server_ = b.BuildAndStart();
    ASSERT_TRUE(server_);
  }
  void TearDown() override { server_->Shutdown(); }

  // One checkpoint through a client whose --runtime-request-timeout is `d`.
  absl::Status Checkpoint(std::chrono::nanoseconds d, int64_t timeout) {
    auto client = NewGrpcRuntimeClient(endpoint_, d, &metrics_);
    return client->Checkpoint("c1", "/tmp/x.tar", timeout, [] { return false; });
  }

  kit::testing::TempDir dir_;
  std::string endpoint_;
  RecordingRuntime runtime_;
  std::unique_ptr<grpc::Server> server_;
  Metrics metrics_;
};

TEST_F(CriTimeoutOnTheWireTest, SubSecondDefaultSendsZeroWithDAsTheDeadline) {
  ASSERT_TRUE(Checkpoint(std::chrono::milliseconds(500), 0).ok());
  EXPECT_EQ(runtime_.timeout(), 0);
  EXPECT_GT(runtime_.remaining(), std::chrono::milliseconds(0));
  // (gRPC sends the deadline as a rounded-up timeout: a little slack.)
  EXPECT_LE(runtime_.remaining(), std::chrono::milliseconds(550));
}

TEST_F(CriTimeoutOnTheWireTest, LargerRequestTimeoutIsSentAndIsTheDeadline) {
  ASSERT_TRUE(Checkpoint(std::chrono::milliseconds(500), 3).ok());
  EXPECT_EQ(runtime_.timeout(), 3);
  EXPECT_GT(runtime_.remaining(), std::chrono::milliseconds(2000));
  EXPECT_LE(runtime_.remaining(), std::chrono::milliseconds(3050));
}

TEST_F(CriTimeoutOnTheWireTest, SmallerRequestTimeoutSendsDInWholeSeconds) {
  ASSERT_TRUE(Checkpoint(std::chrono::minutes(2), 10).ok());
  EXPECT_EQ(runtime_.timeout(), 120);
  EXPECT_GT(runtime_.remaining(), std::chrono::seconds(100));
  EXPECT_LE(runtime_.remaining(), std::chrono::seconds(122));  // gRPC rounds coarser here
}

TEST_F(CriTimeoutOnTheWireTest, NegativeTimeoutIsRejectedWithoutACallAndCounted) {
  absl::Status s = Checkpoint(std::chrono::minutes(2), -1);
  EXPECT_TRUE(IsKubeletError(s));
  EXPECT_EQ(s.message(), "CheckpointContainer requires the timeout value to be > 0");
  EXPECT_EQ(runtime_.calls(), 0);
  const std::string text = metrics_.Render();
  EXPECT_NE(
      text.find("kubelet_runtime_operations_total{operation_type=\"checkpoint_container\"} 1\n"),
      std::string::npos)
      << text;
  EXPECT_NE(
      text.find(
          "kubelet_runtime_operations_errors_total{operation_type=\"checkpoint_container\"} 1\n"),
      std::string::npos)
      << text;
}

TEST_F(CriTimeoutOnTheWireTest, WrappedDeadlineHasAlreadyExpired) {
  absl::Status s = Checkpoint(std::chrono::minutes(2), 9223372037);
  EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(s.message(), "context deadline exceeded");
  EXPECT_EQ(runtime_.calls(), 0);
  EXPECT_NE(
      metrics_.Render().find(
          "kubelet_runtime_operations_errors_total{operation_type=\"checkpoint_container\"} 1\n"),
      std::string::npos);
}

}  // namespace
}  // namespace endpoint
