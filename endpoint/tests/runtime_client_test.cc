// The CRI client against the real fake-cri: pods and containers are found as
// crictl makes them (metadata only) and as a kubelet makes them (labels too).
#include "endpoint/runtime_client.h"

#include "common/log.h"
#include "endpoint/metrics.h"
#include "fake-cri/archive/file_ops.h"
#include "fake-cri/clock.h"
#include "fake-cri/server.h"
#include "fake-cri/testing/temp_dir.h"
#include "fake-cri/tests/cri_client.h"
#include "gtest/gtest.h"

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

  fakecri::TempDir dir_;
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
  std::string id = Sandbox("ignored-name", "ignored-ns",
                           {{"io.kubernetes.pod.name", "web"},
                            {"io.kubernetes.pod.namespace", "default"}});
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

}  // namespace
}  // namespace endpoint
