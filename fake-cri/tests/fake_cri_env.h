#ifndef FAKE_CRI_TESTS_FAKE_CRI_ENV_H_
#define FAKE_CRI_TESTS_FAKE_CRI_ENV_H_

#include <memory>
#include <string>

#include "fake-cri/archive/file_ops.h"
#include "fake-cri/clock.h"
#include "fake-cri/server.h"
#include "fake-cri/tests/cri_client.h"
#include "gtest/gtest.h"
#include "testing/temp_dir.h"

namespace fakecri {

// The real fake-cri server, in process, on a unix socket in a temp dir, with a
// real clock; plus a client. Tests add pods through CRI calls or a fixture.
class FakeCriTest : public ::testing::Test {
 protected:
  // Starts the server; call once per test (SetUp does it with defaults).
  void StartServer(ServerOptions options) {
    options.listen = "unix://" + dir_.Join("cri.sock");
    auto server = FakeCriServer::Start(options, &clock_, RealFileOps());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    client_ = std::make_unique<CriClient>(options.listen);
    ASSERT_TRUE(client_->WaitReady());
  }

  // The reference profile (atomic archives, enforced timeouts), ~instant
  // checkpoints; tests of a real runtime's semantics pick its profile.
  static ServerOptions DefaultOptions(const std::string& profile = "reference") {
    ServerOptions o;
    o.UseProfile(*FindRuntimeProfile(profile));
    o.checkpoint.latency.fixed_cost_ns = 0;
    o.checkpoint.latency.throughput_bytes_per_second = 1e15;  // ~instant unless a test says
    o.checkpoint.time_scale = 1;
    return o;
  }

  // A sandbox as crictl makes it (metadata only), plus optional annotations.
  std::string RunSandbox(const std::string& name, const std::string& ns = "default",
                         const std::map<std::string, std::string>& annotations = {}) {
    runtime::v1::RunPodSandboxRequest req;
    auto* md = req.mutable_config()->mutable_metadata();
    md->set_name(name);
    md->set_namespace_(ns);
    md->set_uid("uid-" + name);
    // As the kubelet lays logs out (<ns>_<name>_<uid>/<container>/<attempt>.log),
    // under the test's directory rather than /var/log/pods: starting a container
    // writes its log file.
    req.mutable_config()->set_log_directory(dir_.Join("pods/" + ns + "_" + name + "_uid-" + name));
    for (const auto& [k, v] : annotations) (*req.mutable_config()->mutable_annotations())[k] = v;
    runtime::v1::RunPodSandboxResponse resp;
    grpc::Status s = client_->runtime->RunPodSandbox(Ctx().get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.pod_sandbox_id();
  }

  std::string CreateContainer(const std::string& sandbox, const std::string& name,
                              const std::map<std::string, std::string>& annotations = {},
                              bool start = true) {
    runtime::v1::CreateContainerRequest req;
    req.set_pod_sandbox_id(sandbox);
    req.mutable_config()->mutable_metadata()->set_name(name);
    req.mutable_config()->mutable_image()->set_image("busybox");
    req.mutable_config()->add_command("/bin/sleep");
    req.mutable_config()->add_args("infinity");
    req.mutable_config()->set_log_path(name + "/0.log");
    for (const auto& [k, v] : annotations) (*req.mutable_config()->mutable_annotations())[k] = v;
    runtime::v1::CreateContainerResponse resp;
    grpc::Status s = client_->runtime->CreateContainer(Ctx().get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    if (start && s.ok()) {
      runtime::v1::StartContainerRequest sreq;
      sreq.set_container_id(resp.container_id());
      runtime::v1::StartContainerResponse sresp;
      EXPECT_TRUE(client_->runtime->StartContainer(Ctx().get(), sreq, &sresp).ok());
    }
    return resp.container_id();
  }

  grpc::Status Checkpoint(const std::string& id, const std::string& location, int64_t timeout = 0,
                          std::chrono::milliseconds deadline = std::chrono::milliseconds(30000)) {
    runtime::v1::CheckpointContainerRequest req;
    req.set_container_id(id);
    req.set_location(location);
    req.set_timeout(timeout);
    runtime::v1::CheckpointContainerResponse resp;
    return client_->runtime->CheckpointContainer(Ctx(deadline).get(), req, &resp);
  }

  std::string AddFault(const std::string& rule_json) {
    fakecri::control::v1::AddFaultRequest req;
    req.set_rule_json(rule_json);
    fakecri::control::v1::AddFaultResponse resp;
    grpc::Status s = client_->control->AddFault(Ctx().get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.id();
  }

  fakecri::control::v1::GetCountersResponse Counters() {
    fakecri::control::v1::GetCountersResponse resp;
    EXPECT_TRUE(client_->control->GetCounters(Ctx().get(), {}, &resp).ok());
    return resp;
  }

  kit::testing::TempDir dir_;
  RealClock clock_;
  std::unique_ptr<FakeCriServer> server_;
  std::unique_ptr<CriClient> client_;
};

}  // namespace fakecri

#endif  // FAKE_CRI_TESTS_FAKE_CRI_ENV_H_
