// RuntimeService and ImageService over a real unix socket, with a client built
// from our proto.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "fake-cri/annotations.h"
#include "fake-cri/tests/fake_cri_env.h"
#include "grpcpp/generic/generic_stub.h"

namespace fakecri {
namespace {

namespace v1 = runtime::v1;

class RuntimeIntegrationTest : public FakeCriTest {
 protected:
  void SetUp() override { StartServer(DefaultOptions()); }

  v1::ContainerStatusResponse Status(const std::string& id, grpc::Status* s) {
    v1::ContainerStatusRequest req;
    req.set_container_id(id);
    v1::ContainerStatusResponse resp;
    *s = client_->runtime->ContainerStatus(Ctx().get(), req, &resp);
    return resp;
  }
};

bool IsHex64(const std::string& id) {
  return id.size() == 64 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST_F(RuntimeIntegrationTest, VersionNamesTheRuntimeAndApi) {
  v1::VersionResponse resp;
  ASSERT_TRUE(client_->runtime->Version(Ctx().get(), v1::VersionRequest(), &resp).ok());
  EXPECT_EQ(resp.version(), "0.1.0");
  EXPECT_EQ(resp.runtime_name(), "fake-cri");
  EXPECT_EQ(resp.runtime_api_version(), "v1");
  EXPECT_EQ(resp.runtime_version(), "0.1.0");
}

TEST_F(RuntimeIntegrationTest, VersionIsTheProfilesRuntime) {
  struct Row {
    const char* profile;
    const char* name;
    const char* version;
  } rows[] = {{"containerd-1.6.9", "containerd", "v1.7.34"},
              {"containerd-2.1", "containerd", "v2.1.5"},
              {"cri-o", "cri-o", "1.34.0"}};
  for (const Row& row : rows) {
    server_.reset();
    StartServer(DefaultOptions(row.profile));
    v1::VersionResponse resp;
    ASSERT_TRUE(client_->runtime->Version(Ctx().get(), v1::VersionRequest(), &resp).ok());
    EXPECT_EQ(resp.version(), "0.1.0") << row.profile;
    EXPECT_EQ(resp.runtime_name(), row.name) << row.profile;
    EXPECT_EQ(resp.runtime_version(), row.version) << row.profile;
    EXPECT_EQ(resp.runtime_api_version(), "v1") << row.profile;
  }
}

TEST_F(RuntimeIntegrationTest, StatusReportsRuntimeAndNetworkReady) {
  v1::StatusResponse resp;
  ASSERT_TRUE(client_->runtime->Status(Ctx().get(), v1::StatusRequest(), &resp).ok());
  std::map<std::string, bool> conditions;
  for (const auto& c : resp.status().conditions()) conditions[c.type()] = c.status();
  EXPECT_EQ(conditions,
            (std::map<std::string, bool>{{"NetworkReady", true}, {"RuntimeReady", true}}));
}

TEST_F(RuntimeIntegrationTest, FullPodAndContainerLifecycle) {
  std::string sb = RunSandbox("web");
  ASSERT_TRUE(IsHex64(sb)) << sb;
  std::string c = CreateContainer(sb, "nginx", {}, /*start=*/false);
  ASSERT_TRUE(IsHex64(c)) << c;

  grpc::Status s;
  v1::ContainerStatusResponse st = Status(c, &s);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(st.status().state(), v1::CONTAINER_CREATED);
  EXPECT_GT(st.status().created_at(), 1'600'000'000'000'000'000);  // ns, not s
  EXPECT_EQ(st.status().started_at(), 0);

  v1::StartContainerRequest start;
  start.set_container_id(c);
  v1::StartContainerResponse start_resp;
  ASSERT_TRUE(client_->runtime->StartContainer(Ctx().get(), start, &start_resp).ok());
  st = Status(c, &s);
  EXPECT_EQ(st.status().state(), v1::CONTAINER_RUNNING);
  EXPECT_GE(st.status().started_at(), st.status().created_at());

  v1::StopContainerRequest stop;
  stop.set_container_id(c);
  v1::StopContainerResponse stop_resp;
  ASSERT_TRUE(client_->runtime->StopContainer(Ctx().get(), stop, &stop_resp).ok());
  st = Status(c, &s);
  EXPECT_EQ(st.status().state(), v1::CONTAINER_EXITED);
  EXPECT_GE(st.status().finished_at(), st.status().started_at());

  v1::RemoveContainerRequest rm;
  rm.set_container_id(c);
  v1::RemoveContainerResponse rm_resp;
  ASSERT_TRUE(client_->runtime->RemoveContainer(Ctx().get(), rm, &rm_resp).ok());
  Status(c, &s);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);

  v1::StopPodSandboxRequest stop_sb;
  stop_sb.set_pod_sandbox_id(sb);
  v1::StopPodSandboxResponse stop_sb_resp;
  ASSERT_TRUE(client_->runtime->StopPodSandbox(Ctx().get(), stop_sb, &stop_sb_resp).ok());
  v1::PodSandboxStatusRequest sbs;
  sbs.set_pod_sandbox_id(sb);
  v1::PodSandboxStatusResponse sbs_resp;
  ASSERT_TRUE(client_->runtime->PodSandboxStatus(Ctx().get(), sbs, &sbs_resp).ok());
  EXPECT_EQ(sbs_resp.status().state(), v1::SANDBOX_NOTREADY);
  EXPECT_EQ(sbs_resp.status().metadata().name(), "web");

  v1::RemovePodSandboxRequest rm_sb;
  rm_sb.set_pod_sandbox_id(sb);
  v1::RemovePodSandboxResponse rm_sb_resp;
  ASSERT_TRUE(client_->runtime->RemovePodSandbox(Ctx().get(), rm_sb, &rm_sb_resp).ok());
  s = client_->runtime->PodSandboxStatus(Ctx().get(), sbs, &sbs_resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(RuntimeIntegrationTest, UnknownIdsAreNotFoundInContainerdsWords) {
  const std::string id = std::string(64, 'a');
  grpc::Status s;
  Status(id, &s);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(s.error_message(),
            "an error occurred when try to find container \"" + id + "\": not found");

  v1::StartContainerRequest start;
  start.set_container_id(id);
  v1::StartContainerResponse start_resp;
  s = client_->runtime->StartContainer(Ctx().get(), start, &start_resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);

  // sandbox_status.go@v1.6.20 names no id.
  v1::PodSandboxStatusRequest sbs;
  sbs.set_pod_sandbox_id(id);
  v1::PodSandboxStatusResponse sbs_resp;
  s = client_->runtime->PodSandboxStatus(Ctx().get(), sbs, &sbs_resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(s.error_message(), "an error occurred when try to find sandbox: not found");

  // An empty id is no prefix at all: UNKNOWN, as containerd's truncindex says.
  Status("", &s);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNKNOWN);
  EXPECT_EQ(s.error_message(),
            "an error occurred when try to find container \"\": Prefix can't be empty");
}

TEST_F(RuntimeIntegrationTest, ShortIdsResolveAsCrictlSendsThem) {
  std::string sb = RunSandbox("web");
  std::string c = CreateContainer(sb, "app");
  grpc::Status s;
  EXPECT_EQ(Status(c.substr(0, 12), &s).status().id(), c);
  ASSERT_TRUE(s.ok()) << s.error_message();
  v1::PodSandboxStatusRequest sbs;
  sbs.set_pod_sandbox_id(sb.substr(0, 6));
  v1::PodSandboxStatusResponse sbs_resp;
  ASSERT_TRUE(client_->runtime->PodSandboxStatus(Ctx().get(), sbs, &sbs_resp).ok());
  EXPECT_EQ(sbs_resp.status().id(), sb);
  v1::ListContainersRequest list;
  list.mutable_filter()->set_pod_sandbox_id(sb.substr(0, 8));
  v1::ListContainersResponse listed;
  ASSERT_TRUE(client_->runtime->ListContainers(Ctx().get(), list, &listed).ok());
  ASSERT_EQ(listed.containers_size(), 1);
  EXPECT_EQ(listed.containers(0).id(), c);
}

TEST_F(RuntimeIntegrationTest, RemovingUnknownIdsSucceeds) {
  v1::RemoveContainerRequest rm;
  rm.set_container_id(std::string(64, 'b'));
  v1::RemoveContainerResponse rm_resp;
  EXPECT_TRUE(client_->runtime->RemoveContainer(Ctx().get(), rm, &rm_resp).ok());
  v1::RemovePodSandboxRequest rm_sb;
  rm_sb.set_pod_sandbox_id(std::string(64, 'c'));
  v1::RemovePodSandboxResponse rm_sb_resp;
  EXPECT_TRUE(client_->runtime->RemovePodSandbox(Ctx().get(), rm_sb, &rm_sb_resp).ok());
}

TEST_F(RuntimeIntegrationTest, StoppingASandboxStopsItsContainersAndRemovingRemovesThem) {
  std::string sb = RunSandbox("web");
  std::string a = CreateContainer(sb, "a");
  std::string b = CreateContainer(sb, "b");
  v1::StopPodSandboxRequest stop;
  stop.set_pod_sandbox_id(sb);
  v1::StopPodSandboxResponse stop_resp;
  ASSERT_TRUE(client_->runtime->StopPodSandbox(Ctx().get(), stop, &stop_resp).ok());
  grpc::Status s;
  EXPECT_EQ(Status(a, &s).status().state(), v1::CONTAINER_EXITED);
  EXPECT_EQ(Status(b, &s).status().state(), v1::CONTAINER_EXITED);

  v1::RemovePodSandboxRequest rm;
  rm.set_pod_sandbox_id(sb);
  v1::RemovePodSandboxResponse rm_resp;
  ASSERT_TRUE(client_->runtime->RemovePodSandbox(Ctx().get(), rm, &rm_resp).ok());
  v1::ListContainersResponse list;
  ASSERT_TRUE(client_->runtime->ListContainers(Ctx().get(), {}, &list).ok());
  EXPECT_EQ(list.containers_size(), 0);
}

TEST_F(RuntimeIntegrationTest, ListFiltersByIdStateSandboxAndLabels) {
  std::string sb1 = RunSandbox("one");
  std::string sb2 = RunSandbox("two", "other");
  std::string a = CreateContainer(sb1, "a");
  CreateContainer(sb1, "b", {}, /*start=*/false);
  CreateContainer(sb2, "c");

  auto list = [&](const v1::ContainerFilter& f) {
    v1::ListContainersRequest req;
    *req.mutable_filter() = f;
    v1::ListContainersResponse resp;
    EXPECT_TRUE(client_->runtime->ListContainers(Ctx().get(), req, &resp).ok());
    std::set<std::string> names;
    for (const auto& c : resp.containers()) names.insert(c.metadata().name());
    return names;
  };
  v1::ContainerFilter f;
  EXPECT_EQ(list(f), (std::set<std::string>{"a", "b", "c"}));
  f.set_pod_sandbox_id(sb1);
  EXPECT_EQ(list(f), (std::set<std::string>{"a", "b"}));
  f.mutable_state()->set_state(v1::CONTAINER_RUNNING);
  EXPECT_EQ(list(f), (std::set<std::string>{"a"}));
  v1::ContainerFilter by_id;
  by_id.set_id(a);
  EXPECT_EQ(list(by_id), (std::set<std::string>{"a"}));

  v1::ListPodSandboxRequest sreq;
  sreq.mutable_filter()->mutable_state()->set_state(v1::SANDBOX_READY);
  v1::ListPodSandboxResponse sresp;
  ASSERT_TRUE(client_->runtime->ListPodSandbox(Ctx().get(), sreq, &sresp).ok());
  EXPECT_EQ(sresp.items_size(), 2);
  sreq.mutable_filter()->set_id(sb2);
  ASSERT_TRUE(client_->runtime->ListPodSandbox(Ctx().get(), sreq, &sresp).ok());
  ASSERT_EQ(sresp.items_size(), 1);
  EXPECT_EQ(sresp.items(0).metadata().namespace_(), "other");
}

TEST_F(RuntimeIntegrationTest, LabelSelectorMatchesKubeletLabels) {
  v1::RunPodSandboxRequest req;
  auto* cfg = req.mutable_config();
  cfg->mutable_metadata()->set_name("web");
  cfg->mutable_metadata()->set_namespace_("default");
  cfg->mutable_metadata()->set_uid("u1");
  (*cfg->mutable_labels())["io.kubernetes.pod.name"] = "web";
  (*cfg->mutable_labels())["io.kubernetes.pod.namespace"] = "default";
  v1::RunPodSandboxResponse resp;
  ASSERT_TRUE(client_->runtime->RunPodSandbox(Ctx().get(), req, &resp).ok());
  RunSandbox("other");

  v1::ListPodSandboxRequest list;
  (*list.mutable_filter()->mutable_label_selector())["io.kubernetes.pod.name"] = "web";
  (*list.mutable_filter()->mutable_label_selector())["io.kubernetes.pod.namespace"] = "default";
  v1::ListPodSandboxResponse items;
  ASSERT_TRUE(client_->runtime->ListPodSandbox(Ctx().get(), list, &items).ok());
  ASSERT_EQ(items.items_size(), 1);
  EXPECT_EQ(items.items(0).id(), resp.pod_sandbox_id());
}

TEST_F(RuntimeIntegrationTest, ContainerStatsReportTheSimulatedWorkingSet) {
  std::string sb = RunSandbox("web");
  std::string c = CreateContainer(sb, "big", {{kWorkingSetAnnotation, "1536Mi"}});
  v1::ContainerStatsRequest req;
  req.set_container_id(c);
  v1::ContainerStatsResponse resp;
  ASSERT_TRUE(client_->runtime->ContainerStats(Ctx().get(), req, &resp).ok());
  const uint64_t ws = 1536ULL << 20;
  EXPECT_EQ(resp.stats().memory().working_set_bytes().value(), ws);
  EXPECT_EQ(resp.stats().memory().usage_bytes().value(), ws);
  EXPECT_EQ(resp.stats().memory().rss_bytes().value(), ws);
  EXPECT_EQ(resp.stats().attributes().id(), c);

  v1::ListContainerStatsResponse all;
  ASSERT_TRUE(client_->runtime->ListContainerStats(Ctx().get(), {}, &all).ok());
  ASSERT_EQ(all.stats_size(), 1);
  EXPECT_EQ(all.stats(0).memory().working_set_bytes().value(), ws);
}

TEST_F(RuntimeIntegrationTest, PodAnnotationSetsWorkingSetOfItsContainers) {
  std::string sb = RunSandbox("web", "default", {{kWorkingSetAnnotation, "2Gi"}});
  std::string c = CreateContainer(sb, "app");
  v1::ContainerStatsRequest req;
  req.set_container_id(c);
  v1::ContainerStatsResponse resp;
  ASSERT_TRUE(client_->runtime->ContainerStats(Ctx().get(), req, &resp).ok());
  EXPECT_EQ(resp.stats().memory().working_set_bytes().value(), 2ULL << 30);
}

TEST_F(RuntimeIntegrationTest, BadSimulationAnnotationIsInvalidArgument) {
  std::string sb = RunSandbox("web");
  v1::CreateContainerRequest req;
  req.set_pod_sandbox_id(sb);
  req.mutable_config()->mutable_metadata()->set_name("app");
  req.mutable_config()->mutable_image()->set_image("busybox");
  (*req.mutable_config()->mutable_annotations())[kWorkingSetAnnotation] = "lots";
  v1::CreateContainerResponse resp;
  grpc::Status s = client_->runtime->CreateContainer(Ctx().get(), req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find(kWorkingSetAnnotation), std::string::npos);
}

TEST_F(RuntimeIntegrationTest, DuplicateContainerNameIsRefused) {
  std::string sb = RunSandbox("web");
  CreateContainer(sb, "app");
  v1::CreateContainerRequest req;
  req.set_pod_sandbox_id(sb);
  req.mutable_config()->mutable_metadata()->set_name("app");
  req.mutable_config()->mutable_image()->set_image("busybox");
  v1::CreateContainerResponse resp;
  grpc::Status s = client_->runtime->CreateContainer(Ctx().get(), req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNKNOWN);
  EXPECT_NE(
      s.error_message().find("failed to reserve container name \"app_web_default_uid-web_0\""),
      std::string::npos)
      << s.error_message();
}

TEST_F(RuntimeIntegrationTest, MethodsWeDoNotServeAreUnimplemented) {
  grpc::GenericStub generic(client_->channel);
  for (const char* method : {"/runtime.v1.RuntimeService/ListPodSandboxStats",
                             "/runtime.v1.RuntimeService/ListMetricDescriptors",
                             "/runtime.v1.RuntimeService/PodSandboxStats"}) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    grpc::Slice no_bytes("", 0);
    grpc::ByteBuffer empty(&no_bytes, 1), out;
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    grpc::Status status;
    generic.UnaryCall(&ctx, method, grpc::StubOptions(), &empty, &out, [&](grpc::Status s) {
      std::lock_guard<std::mutex> lock(mu);
      status = s;
      done = true;
      cv.notify_all();
    });
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return done; }));
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED) << method;
  }
}

TEST_F(RuntimeIntegrationTest, ImagesArePulledListedAndRemovedWithoutNetwork) {
  v1::ListImagesResponse list;
  ASSERT_TRUE(client_->images->ListImages(Ctx().get(), {}, &list).ok());
  EXPECT_EQ(list.images_size(), 2);  // DefaultImages(): the pause image and busybox

  v1::PullImageRequest pull;
  pull.mutable_image()->set_image("busybox:1.36");
  v1::PullImageResponse pulled;
  ASSERT_TRUE(client_->images->PullImage(Ctx().get(), pull, &pulled).ok());
  EXPECT_EQ(pulled.image_ref().rfind("sha256:", 0), 0u);  // the image id, as containerd answers

  v1::ImageStatusRequest status;
  status.mutable_image()->set_image("docker.io/library/busybox:1.36");
  v1::ImageStatusResponse st;
  ASSERT_TRUE(client_->images->ImageStatus(Ctx().get(), status, &st).ok());
  ASSERT_TRUE(st.has_image());
  EXPECT_EQ(st.image().id(), pulled.image_ref());
  ASSERT_EQ(st.image().repo_digests_size(), 1);
  EXPECT_EQ(st.image().repo_digests(0).rfind("docker.io/library/busybox@sha256:", 0), 0u);

  ASSERT_TRUE(client_->images->ListImages(Ctx().get(), {}, &list).ok());
  EXPECT_EQ(list.images_size(), 3);

  v1::ImageFsInfoResponse fs;
  ASSERT_TRUE(client_->images->ImageFsInfo(Ctx().get(), {}, &fs).ok());
  ASSERT_EQ(fs.image_filesystems_size(), 1);
  EXPECT_GT(fs.image_filesystems(0).used_bytes().value(), 0u);

  v1::RemoveImageRequest rm;
  rm.mutable_image()->set_image(pulled.image_ref());
  v1::RemoveImageResponse rm_resp;
  ASSERT_TRUE(client_->images->RemoveImage(Ctx().get(), rm, &rm_resp).ok());
  ASSERT_TRUE(client_->images->ImageStatus(Ctx().get(), status, &st).ok());
  EXPECT_FALSE(st.has_image());
  // Removing it again is not an error.
  EXPECT_TRUE(client_->images->RemoveImage(Ctx().get(), rm, &rm_resp).ok());
}

TEST_F(RuntimeIntegrationTest, AnImageMustBeOnTheNodeBeforeUse) {
  std::string sb = RunSandbox("web");
  v1::CreateContainerRequest req;
  req.set_pod_sandbox_id(sb);
  req.mutable_config()->mutable_metadata()->set_name("app");
  req.mutable_config()->mutable_image()->set_image("example.com/never/pulled:1");
  v1::CreateContainerResponse resp;
  grpc::Status s = client_->runtime->CreateContainer(Ctx().get(), req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(s.error_message(), "failed to resolve image \"example.com/never/pulled:1\": not found");

  v1::PullImageRequest pull;
  pull.mutable_image()->set_image("example.com/never/pulled:1");
  v1::PullImageResponse pulled;
  ASSERT_TRUE(client_->images->PullImage(Ctx().get(), pull, &pulled).ok());
  ASSERT_TRUE(client_->runtime->CreateContainer(Ctx().get(), req, &resp).ok());
  grpc::Status st;
  v1::ContainerStatusResponse status = Status(resp.container_id(), &st);
  ASSERT_TRUE(st.ok());
  // container_status.go: the image's tag and its repo digest.
  EXPECT_EQ(status.status().image().image(), "example.com/never/pulled:1");
  EXPECT_EQ(status.status().image_ref().rfind("example.com/never/pulled@sha256:", 0), 0u);
}

TEST_F(RuntimeIntegrationTest, ManyClientsAtOnce) {
  std::string sb = RunSandbox("web");
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  std::mutex errors_mu;
  std::vector<std::string> errors;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      CriClient client("unix://" + dir_.Join("cri.sock"));
      // Connect first, as crictl and the kubelet do (they dial blocking): the
      // test is about concurrent calls on shared state, not connection set-up.
      if (!client.WaitReady()) return;
      for (int i = 0; i < 20; ++i) {
        v1::CreateContainerRequest req;
        req.set_pod_sandbox_id(sb);
        req.mutable_config()->mutable_metadata()->set_name("c" + std::to_string(t * 100 + i));
        req.mutable_config()->mutable_image()->set_image("busybox");
        v1::CreateContainerResponse resp;
        grpc::Status s = client.runtime->CreateContainer(Ctx().get(), req, &resp);
        if (s.ok()) {
          ++ok;
        } else {
          std::lock_guard<std::mutex> lock(errors_mu);
          errors.push_back(std::to_string(s.error_code()) + ": " + s.error_message());
        }
        v1::ListContainersResponse list;
        (void)client.runtime->ListContainers(Ctx().get(), {}, &list);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 160) << (errors.empty() ? "a client could not connect" : errors.front());
  v1::ListContainersResponse list;
  ASSERT_TRUE(client_->runtime->ListContainers(Ctx().get(), {}, &list).ok());
  EXPECT_EQ(list.containers_size(), 160);
}

TEST_F(RuntimeIntegrationTest, UpdateRuntimeConfigChecksThePodCidrsOnly) {
  v1::UpdateRuntimeConfigRequest req;
  v1::UpdateRuntimeConfigResponse resp;
  EXPECT_TRUE(client_->runtime->UpdateRuntimeConfig(Ctx().get(), req, &resp).ok());
  req.mutable_runtime_config()->mutable_network_config()->set_pod_cidr("10.244.1.0/24, fd00::/64");
  EXPECT_TRUE(client_->runtime->UpdateRuntimeConfig(Ctx().get(), req, &resp).ok());
  req.mutable_runtime_config()->mutable_network_config()->set_pod_cidr("10.244.1.0/24,bogus");
  grpc::Status s = client_->runtime->UpdateRuntimeConfig(Ctx().get(), req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNKNOWN);
  EXPECT_EQ(s.error_message(), "get routes: invalid CIDR address: bogus");
}

TEST_F(RuntimeIntegrationTest, CallsAreCountedPerMethod) {
  v1::VersionResponse v;
  ASSERT_TRUE(client_->runtime->Version(Ctx().get(), {}, &v).ok());
  ASSERT_TRUE(client_->runtime->Version(Ctx().get(), {}, &v).ok());
  auto counters = Counters();
  EXPECT_EQ(counters.calls().at("Version"), 2u);
}

}  // namespace
}  // namespace fakecri
