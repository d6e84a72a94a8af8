// The process model, container logs, ExecSync, resources and sandbox status
// through the real server, as containerd 1.6.20 answers them (measured by
// ci/containerd/cri-diff). The server runs its durations 50 times faster
// (--time-scale); waits are on conditions with deadlines.
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "fake-cri/annotations.h"
#include "fake-cri/tests/fake_cri_env.h"
#include "gmock/gmock.h"

namespace fakecri {
namespace {

namespace v1 = runtime::v1;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using Steady = std::chrono::steady_clock;

constexpr double kTimeScale = 50;

class ProcessIntegrationTest : public FakeCriTest {
 protected:
  void SetUp() override {
    ServerOptions o = DefaultOptions("containerd-1.6.9");
    o.checkpoint.time_scale = kTimeScale;
    o.runtime.runtime_handlers = {"runc", "kata"};
    StartServer(o);
    sandbox_ = RunSandbox("web");
  }

  std::string Start(const std::string& name, const std::string& process, bool start = true) {
    return CreateContainer(sandbox_, name, {{kProcessAnnotation, process}}, start);
  }

  v1::ContainerStatus Status(const std::string& id) {
    v1::ContainerStatusRequest req;
    req.set_container_id(id);
    v1::ContainerStatusResponse resp;
    grpc::Status s = client_->runtime->ContainerStatus(Ctx().get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.status();
  }

  // Polls until the container has exited (a deadline, no fixed sleep).
  v1::ContainerStatus WaitExited(const std::string& id) {
    const auto end = Steady::now() + std::chrono::seconds(10);
    v1::ContainerStatus st = Status(id);
    while (st.state() != v1::CONTAINER_EXITED && Steady::now() < end) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      st = Status(id);
    }
    return st;
  }

  grpc::Status Stop(const std::string& id, int64_t timeout) {
    v1::StopContainerRequest req;
    req.set_container_id(id);
    req.set_timeout(timeout);
    v1::StopContainerResponse resp;
    return client_->runtime->StopContainer(Ctx().get(), req, &resp);
  }

  grpc::Status ExecSync(const std::string& id, std::vector<std::string> cmd, int64_t timeout,
                        v1::ExecSyncResponse* resp) {
    v1::ExecSyncRequest req;
    req.set_container_id(id);
    for (auto& c : cmd) req.add_cmd(c);
    req.set_timeout(timeout);
    return client_->runtime->ExecSync(Ctx().get(), req, resp);
  }

  std::string LogPath(const std::string& name) {
    return dir_.Join("pods/default_web_uid-web/" + name + "/0.log");
  }

  static std::string Read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  std::string sandbox_;
};

TEST_F(ProcessIntegrationTest, AContainerExitsByItselfWithContainerdsReason) {
  const std::string failed = Start("fails", R"({"exit_after": "1s", "exit_code": 3})");
  const std::string done = Start("done", R"({"exit_after": "500ms"})");
  const std::string oom = Start("oom", R"({"exit_after": "500ms", "oom_killed": true})");
  v1::ContainerStatus st = WaitExited(failed);
  EXPECT_EQ(st.exit_code(), 3);
  EXPECT_EQ(st.reason(), "Error");
  // finished_at is the exit's moment: 1 s of the simulation after the start.
  EXPECT_NEAR(static_cast<double>(st.finished_at() - st.started_at()), 1e9 / kTimeScale, 5e6);
  st = WaitExited(done);
  EXPECT_EQ(st.exit_code(), 0);
  EXPECT_EQ(st.reason(), "Completed");
  st = WaitExited(oom);
  EXPECT_EQ(st.exit_code(), 137);
  EXPECT_EQ(st.reason(), "OOMKilled");
}

TEST_F(ProcessIntegrationTest, StopContainerFollowsWhatTheProcessDoesWithSigterm) {
  const std::string dies = Start("dies", "{}");
  const std::string graceful =
      Start("graceful", R"({"on_sigterm": "exit", "sigterm_delay": "1s"})");
  const std::string stubborn = Start("stubborn", R"({"on_sigterm": "ignore"})");

  ASSERT_TRUE(Stop(dies, 10).ok());
  EXPECT_EQ(Status(dies).exit_code(), 143);
  EXPECT_EQ(Status(dies).reason(), "Error");

  auto start = Steady::now();
  ASSERT_TRUE(Stop(graceful, 10).ok());
  EXPECT_GE(Steady::now() - start, std::chrono::milliseconds(19));  // 1 s / 50
  EXPECT_EQ(Status(graceful).exit_code(), 0);
  EXPECT_EQ(Status(graceful).reason(), "Completed");

  start = Steady::now();
  ASSERT_TRUE(Stop(stubborn, 2).ok());  // the whole timeout, then SIGKILL
  EXPECT_GE(Steady::now() - start, std::chrono::milliseconds(39));  // 2 s / 50
  EXPECT_EQ(Status(stubborn).exit_code(), 137);
  EXPECT_EQ(Status(stubborn).reason(), "Error");
}

TEST_F(ProcessIntegrationTest, AStartInAStoppedSandboxIsAStartError) {
  const std::string late = Start("late", "{}", /*start=*/false);
  v1::StopPodSandboxRequest stop;
  stop.set_pod_sandbox_id(sandbox_);
  v1::StopPodSandboxResponse stopped;
  ASSERT_TRUE(client_->runtime->StopPodSandbox(Ctx().get(), stop, &stopped).ok());
  v1::StartContainerRequest req;
  req.set_container_id(late);
  v1::StartContainerResponse resp;
  grpc::Status s = client_->runtime->StartContainer(Ctx().get(), req, &resp);
  const std::string text = "sandbox container \"" + sandbox_ + "\" is not running";
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNKNOWN);
  EXPECT_EQ(s.error_message(), text);
  v1::ContainerStatus st = Status(late);
  EXPECT_EQ(st.state(), v1::CONTAINER_EXITED);
  EXPECT_EQ(st.exit_code(), 128);
  EXPECT_EQ(st.reason(), "StartError");
  EXPECT_EQ(st.message(), text);
  EXPECT_EQ(st.started_at(), 0);
}

TEST_F(ProcessIntegrationTest, StartingWritesTheLogFileInTheCriFormat) {
  const std::string id = Start("logs", R"({"stdout": ["hello", "world"], "stderr": "oops\n"})");
  const std::string path = LogPath("logs");
  EXPECT_EQ(Status(id).log_path(), path);
  const std::string log = Read(path);
  const std::string ts = "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}(\\.[0-9]{1,9})?Z";
  EXPECT_THAT(log, MatchesRegex(ts + " stdout F hello\n" + ts + " stdout F world\n" + ts +
                                " stderr F oops\n"));
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);

  // Rotated away (as the kubelet's log manager does), then reopened.
  ASSERT_EQ(std::rename(path.c_str(), (path + ".1").c_str()), 0);
  v1::ReopenContainerLogRequest reopen;
  reopen.set_container_id(id);
  v1::ReopenContainerLogResponse reopened;
  ASSERT_TRUE(client_->runtime->ReopenContainerLog(Ctx().get(), reopen, &reopened).ok());
  EXPECT_EQ(Read(path), "");
  ASSERT_EQ(::stat(path.c_str(), &st), 0);

  ASSERT_TRUE(Stop(id, 0).ok());
  grpc::Status s = client_->runtime->ReopenContainerLog(Ctx().get(), reopen, &reopened);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNKNOWN);
  EXPECT_EQ(s.error_message(), "container is not running");
}

TEST_F(ProcessIntegrationTest, ExecSyncAnswersFromTheContainersTable) {
  const std::string id = Start("shell", R"({"exec": {
      "echo hi": {"stdout": "hi\n"},
      "sh -c exit 3": {"stderr": "e\n", "exit_code": 3},
      "sleep 5": {"delay": "5s"},
      "nope": {"not_found": true}}})");
  v1::ExecSyncResponse r;
  ASSERT_TRUE(ExecSync(id.substr(0, 10), {"echo", "hi"}, 5, &r).ok());  // a prefix resolves
  EXPECT_EQ(r.stdout(), "hi\n");
  ASSERT_TRUE(ExecSync(id, {"sh", "-c", "exit 3"}, 5, &r).ok());
  EXPECT_EQ(r.stderr(), "e\n");
  EXPECT_EQ(r.exit_code(), 3);
  ASSERT_TRUE(ExecSync(id, {"anything", "else"}, 5, &r).ok());  // the default answer
  EXPECT_EQ(r.exit_code(), 0);

  grpc::Status s = ExecSync(id, {"sleep", "5"}, 1, &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_EQ(s.error_message(),
            "failed to exec in container: timeout 1s exceeded: context deadline exceeded");
  EXPECT_TRUE(ExecSync(id, {"sleep", "5"}, 0, &r).ok());  // no timeout: 5 s / 50 later

  s = ExecSync(id, {"nope"}, 5, &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNKNOWN);
  EXPECT_THAT(
      s.error_message(),
      MatchesRegex("failed to exec in container: failed to start exec \"[0-9a-f]{64}\": OCI "
                   "runtime exec failed: exec failed: unable to start container process: "
                   "exec: \"nope\": executable file not found in \\$PATH: unknown"));
  s = ExecSync(id, {}, 5, &r);
  EXPECT_THAT(s.error_message(), HasSubstr("exec failed: args must not be empty: unknown"));
  s = ExecSync("feed", {"true"}, 5, &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(s.error_message(),
            "failed to exec in container: failed to find container \"feed\" in store: not found");
  ASSERT_TRUE(Stop(id, 0).ok());
  s = ExecSync(id, {"echo", "hi"}, 5, &r);
  EXPECT_EQ(s.error_message(),
            "failed to exec in container: container is in CONTAINER_EXITED state");
}

TEST_F(ProcessIntegrationTest, ResourcesAreStoredMergedAndReported) {
  v1::CreateContainerRequest create;
  create.set_pod_sandbox_id(sandbox_);
  create.mutable_config()->mutable_metadata()->set_name("sized");
  create.mutable_config()->mutable_image()->set_image("busybox");
  auto* res = create.mutable_config()->mutable_linux()->mutable_resources();
  res->set_cpu_shares(256);
  res->set_memory_limit_in_bytes(100 << 20);
  res->set_oom_score_adj(500);
  v1::CreateContainerResponse created;
  ASSERT_TRUE(client_->runtime->CreateContainer(Ctx().get(), create, &created).ok());
  v1::LinuxContainerResources got = Status(created.container_id()).resources().linux();
  EXPECT_EQ(got.cpu_shares(), 256);
  EXPECT_EQ(got.memory_limit_in_bytes(), 100 << 20);
  EXPECT_EQ(got.memory_swap_limit_in_bytes(), 100 << 20);
  EXPECT_EQ(got.oom_score_adj(), 500);

  v1::UpdateContainerResourcesRequest update;
  update.set_container_id(created.container_id());
  update.mutable_linux()->set_cpu_quota(20000);
  update.mutable_linux()->set_memory_limit_in_bytes(200 << 20);
  v1::UpdateContainerResourcesResponse updated;
  ASSERT_TRUE(client_->runtime->UpdateContainerResources(Ctx().get(), update, &updated).ok());
  got = Status(created.container_id()).resources().linux();
  EXPECT_EQ(got.cpu_shares(), 256);
  EXPECT_EQ(got.cpu_quota(), 20000);
  EXPECT_EQ(got.memory_limit_in_bytes(), 200 << 20);
  EXPECT_EQ(got.memory_swap_limit_in_bytes(), 200 << 20);

  update.set_container_id("feed");
  grpc::Status s = client_->runtime->UpdateContainerResources(Ctx().get(), update, &updated);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(s.error_message(), "failed to find container: not found");
}

TEST_F(ProcessIntegrationTest, SandboxStatusEchoesTheNamespaceOptions) {
  v1::RunPodSandboxRequest run;
  auto* md = run.mutable_config()->mutable_metadata();
  md->set_name("host");
  md->set_namespace_("default");
  md->set_uid("uid-host");
  auto* ns = run.mutable_config()
                 ->mutable_linux()
                 ->mutable_security_context()
                 ->mutable_namespace_options();
  ns->set_network(v1::NODE);
  ns->set_pid(v1::CONTAINER);
  run.set_runtime_handler("kata");  // configured with --runtime-handlers
  v1::RunPodSandboxResponse ran;
  ASSERT_TRUE(client_->runtime->RunPodSandbox(Ctx().get(), run, &ran).ok());
  v1::PodSandboxStatusRequest req;
  req.set_pod_sandbox_id(ran.pod_sandbox_id());
  v1::PodSandboxStatusResponse resp;
  ASSERT_TRUE(client_->runtime->PodSandboxStatus(Ctx().get(), req, &resp).ok());
  EXPECT_EQ(resp.status().linux().namespaces().options().network(), v1::NODE);
  EXPECT_EQ(resp.status().linux().namespaces().options().pid(), v1::CONTAINER);
  EXPECT_EQ(resp.status().network().ip(), "");  // the node's network: no pod IP
  EXPECT_EQ(resp.status().runtime_handler(), "kata");

  req.set_pod_sandbox_id(sandbox_);  // a pod network has an IP
  ASSERT_TRUE(client_->runtime->PodSandboxStatus(Ctx().get(), req, &resp).ok());
  EXPECT_THAT(resp.status().network().ip(), MatchesRegex("10\\.88\\.[0-9]+\\.[0-9]+"));
  EXPECT_TRUE(resp.status().has_linux());
}

TEST_F(ProcessIntegrationTest, UnknownRuntimeHandlersAreRefusedInContainerdsWords) {
  v1::RunPodSandboxRequest run;
  auto* md = run.mutable_config()->mutable_metadata();
  md->set_name("gvisor");
  md->set_namespace_("default");
  md->set_uid("uid-gvisor");
  run.set_runtime_handler("runsc");
  v1::RunPodSandboxResponse ran;
  grpc::Status s = client_->runtime->RunPodSandbox(Ctx().get(), run, &ran);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNKNOWN);
  EXPECT_EQ(s.error_message(),
            "failed to get sandbox runtime: no runtime for \"runsc\" is configured");
}

TEST_F(ProcessIntegrationTest, StatsOfAContainerWithoutATaskAreAnError) {
  const std::string id = Start("created", "{}", /*start=*/false);
  v1::ContainerStatsRequest req;
  req.set_container_id(id);
  v1::ContainerStatsResponse resp;
  grpc::Status s = client_->runtime->ContainerStats(Ctx().get(), req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNKNOWN);
  EXPECT_EQ(s.error_message(), "unexpected metrics response: []");
  v1::ListContainerStatsResponse list;
  ASSERT_TRUE(client_->runtime->ListContainerStats(Ctx().get(), {}, &list).ok());
  ASSERT_EQ(list.stats_size(), 1);
  EXPECT_FALSE(list.stats(0).has_memory());  // only the writable layer, as containerd
  EXPECT_TRUE(list.stats(0).has_writable_layer());
}

}  // namespace
}  // namespace fakecri
