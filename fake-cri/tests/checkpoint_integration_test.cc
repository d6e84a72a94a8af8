// CheckpointContainer over a real unix socket: archives checked by independent
// readers (GNU tar, libarchive, crit), every fault, deadlines, cancellation and
// parallelism.
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "fake-cri/annotations.h"
#include "fake-cri/tests/fake_cri_env.h"
#include "nlohmann/json.hpp"
#include "testing/archive_reader.h"
#include "testing/wait_for.h"

namespace fakecri {
namespace {

using ::kit::testing::ReadArchive;
using ::kit::testing::ReadTar;
using ::kit::testing::WaitFor;

using std::chrono::milliseconds;
using Steady = std::chrono::steady_clock;

std::string Shell(const std::string& cmd, int* rc) {
  std::string out;
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  char buf[4096];
  size_t n;
  while (p && (n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  *rc = p ? ::pclose(p) : -1;
  return out;
}

class CheckpointIntegrationTest : public FakeCriTest {
 protected:
  void SetUp() override {
    ServerOptions o = DefaultOptions();
    StartServer(o);
    out_ = dir_.Join("checkpoints");
    ASSERT_EQ(::mkdir(out_.c_str(), 0700), 0);
    sandbox_ = RunSandbox("web");
    container_ =
        CreateContainer(sandbox_, "nginx",
                        {{kRootfsChangesAnnotation, R"(["/var/cache/nginx/a"])"},
                         {kRootfsDeletionsAnnotation, R"(["/etc/nginx/conf.d/default.conf"])"}});
  }

  std::string Loc(const std::string& name = "a.tar") { return out_ + "/" + name; }
  std::set<std::string> Files() {
    std::set<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(out_)) {
      out.insert(e.path().filename().string());
    }
    return out;
  }

  std::string out_, sandbox_, container_;
};

TEST_F(CheckpointIntegrationTest, ArchiveIsAPlainTarThatGnuTarLists) {
  ASSERT_TRUE(Checkpoint(container_, Loc()).ok());
  int rc = 0;
  std::string listing = Shell("tar -tf " + Loc(), &rc);
  ASSERT_EQ(rc, 0) << listing;
  for (const char* entry :
       {"config.dump", "spec.dump", "stats-dump", "dump.log", "checkpoint/",
        "checkpoint/inventory.img", "checkpoint/pstree.img", "checkpoint/core-1.img",
        "checkpoint/mm-1.img", "checkpoint/pagemap-1.img", "checkpoint/pages-1.img",
        "rootfs-diff.tar", "deleted.files", "io.kubernetes.cri-o.LogPath"}) {
    EXPECT_NE(listing.find(std::string(entry) + "\n"), std::string::npos) << entry;
  }
  EXPECT_EQ(Files(), std::set<std::string>{"a.tar"}) << "temporary files left";
}

TEST_F(CheckpointIntegrationTest, ArchiveIsMode0600OwnedByTheRuntimeUser) {
  ASSERT_TRUE(Checkpoint(container_, Loc()).ok());
  struct stat st;
  ASSERT_EQ(::lstat(Loc().c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(st.st_uid, ::geteuid());
}

TEST_F(CheckpointIntegrationTest, EveryCriuImageDecodesWithCrit) {
  ASSERT_TRUE(Checkpoint(container_, Loc()).ok());
  std::string x = dir_.Join("x");
  ASSERT_EQ(::mkdir(x.c_str(), 0700), 0);
  int rc = 0;
  std::string out = Shell("tar -xf " + Loc() + " -C " + x, &rc);
  ASSERT_EQ(rc, 0) << out;
  int decoded = 0;
  for (const auto& e : std::filesystem::directory_iterator(x + "/checkpoint")) {
    std::string name = e.path().filename().string();
    if (name.rfind("pages-", 0) == 0) continue;  // raw memory, no header
    if (name == "descriptors.json") continue;    // runc's, JSON
    out = Shell("crit decode -i " + e.path().string() + " >/dev/null", &rc);
    EXPECT_EQ(rc, 0) << name << ": " << out;
    ++decoded;
  }
  EXPECT_GE(decoded, 9);
  out = Shell("crit decode -i " + x + "/stats-dump", &rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("\"STATS\""), std::string::npos);
  // rootfs-diff.tar is itself a valid tar.
  out = Shell("tar -tf " + x + "/rootfs-diff.tar", &rc);
  EXPECT_EQ(rc, 0) << out;
}

TEST_F(CheckpointIntegrationTest, JsonFilesNameTheContainerAndPod) {
  ASSERT_TRUE(Checkpoint(container_, Loc()).ok());
  ReadArchive r = ReadTar(Loc());
  ASSERT_TRUE(r.ok) << r.error;
  auto config = nlohmann::json::parse(r.entries["config.dump"].content);
  EXPECT_EQ(config["id"], container_);
  EXPECT_EQ(config["rootfsImageName"], "busybox");
  auto spec = nlohmann::json::parse(r.entries["spec.dump"].content);
  EXPECT_EQ(spec["annotations"]["io.container.manager"], "cri-o");
  EXPECT_EQ(spec["annotations"]["io.kubernetes.pod.name"], "web");
  EXPECT_EQ(spec["annotations"]["io.kubernetes.pod.namespace"], "default");
  EXPECT_EQ(spec["annotations"]["io.kubernetes.container.name"], "nginx");
  auto md =
      nlohmann::json::parse(spec["annotations"]["io.kubernetes.cri-o.Metadata"].get<std::string>());
  EXPECT_EQ(md["name"], "nginx");
}

TEST_F(CheckpointIntegrationTest, ExistingArchiveIsNeverOverwritten) {
  ASSERT_TRUE(Checkpoint(container_, Loc()).ok());
  std::string before;
  {
    std::ifstream in(Loc(), std::ios::binary);
    before.assign(std::istreambuf_iterator<char>(in), {});
  }
  grpc::Status s = Checkpoint(container_, Loc());
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  std::ifstream in(Loc(), std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), before);
}

TEST_F(CheckpointIntegrationTest, SymlinkAtLocationIsNotFollowed) {
  std::string target = dir_.Join("precious");
  { std::ofstream(target) << "keep"; }
  ASSERT_EQ(::symlink(target.c_str(), Loc().c_str()), 0);
  EXPECT_EQ(Checkpoint(container_, Loc()).error_code(), grpc::StatusCode::ALREADY_EXISTS);
  std::ifstream in(target);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "keep");
}

TEST_F(CheckpointIntegrationTest, MissingDirectoryIsAClearError) {
  grpc::Status s = Checkpoint(container_, dir_.Join("nope/a.tar"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("does not exist"), std::string::npos);
}

TEST_F(CheckpointIntegrationTest, StoppedContainerIsRefusedWithContainerdsText) {
  runtime::v1::StopContainerRequest stop;
  stop.set_container_id(container_);
  runtime::v1::StopContainerResponse resp;
  ASSERT_TRUE(client_->runtime->StopContainer(Ctx().get(), stop, &resp).ok());
  grpc::Status s = Checkpoint(container_, Loc());
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNKNOWN);
  EXPECT_EQ(s.error_message(), "container \"" + container_ +
                                   "\" is in CONTAINER_EXITED state. only CONTAINER_RUNNING "
                                   "containers can be checkpointed");
}

// Each "not implemented" flavour, exactly as the endpoint must render it.
TEST_F(CheckpointIntegrationTest, UnimplementedFlavoursGiveTheRealRuntimesTexts) {
  struct Case {
    const char* effect;
    grpc::StatusCode code;
    std::string message;
  } cases[] = {
      {"unimplemented-unknown-method", grpc::StatusCode::UNIMPLEMENTED,
       "unknown method CheckpointContainer for service runtime.v1.RuntimeService"},
      {"unimplemented", grpc::StatusCode::UNIMPLEMENTED,
       "method CheckpointContainer not implemented"},
      {"crio-no-criu", grpc::StatusCode::UNKNOWN, "checkpoint/restore support not available"},
      {"containerd-no-criu", grpc::StatusCode::UNKNOWN,
       "CRIU binary not found or too old (<31600). Failed to checkpoint container \"" + container_ +
           "\": failed to check for criu version: exec: \"criu\": executable file not found in "
           "$PATH"},
      {"not-found", grpc::StatusCode::NOT_FOUND,
       "could not find container \"" + container_ + "\": container with ID starting with " +
           container_ + " not found: ID does not exist"},
      {"not-running", grpc::StatusCode::UNKNOWN,
       "container \"" + container_ +
           "\" is in CONTAINER_EXITED state. only CONTAINER_RUNNING containers can be "
           "checkpointed"},
      {"checkpoint-conflict", grpc::StatusCode::UNKNOWN,
       "checkpointing container \"" + container_ + "\" failed: cannot pause a paused container"},
  };
  for (const Case& c : cases) {
    std::string id = AddFault(std::string("{\"method\":\"CheckpointContainer\",\"effect\":\"") +
                              c.effect + "\"}");
    grpc::Status s = Checkpoint(container_, Loc());
    EXPECT_EQ(s.error_code(), c.code) << c.effect;
    EXPECT_EQ(s.error_message(), c.message) << c.effect;
    fakecri::control::v1::ClearFaultsRequest clear;
    clear.set_id(id);
    fakecri::control::v1::ClearFaultsResponse cleared;
    ASSERT_TRUE(client_->control->ClearFaults(Ctx().get(), clear, &cleared).ok());
  }
  EXPECT_TRUE(Files().empty());
  EXPECT_EQ(Counters().faults_injected(), 7u);
}

TEST_F(CheckpointIntegrationTest, AnyCodeAndMessageCanBeInjected) {
  AddFault(R"({"effect":"error","code":"ResourceExhausted","message":"too many checkpoints"})");
  grpc::Status s = Checkpoint(container_, Loc());
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(s.error_message(), "too many checkpoints");
}

TEST_F(CheckpointIntegrationTest, FaultOnTheNthCallOnly) {
  AddFault(R"({"method":"CheckpointContainer","effect":"unimplemented","nth":2})");
  EXPECT_TRUE(Checkpoint(container_, Loc("1.tar")).ok());
  EXPECT_EQ(Checkpoint(container_, Loc("2.tar")).error_code(), grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_TRUE(Checkpoint(container_, Loc("3.tar")).ok());
}

TEST_F(CheckpointIntegrationTest, FaultTargetsOneContainerByName) {
  std::string other = CreateContainer(sandbox_, "sidecar");
  AddFault(R"({"container":"sidecar","effect":"crio-no-criu"})");
  EXPECT_TRUE(Checkpoint(container_, Loc("a.tar")).ok());
  EXPECT_EQ(Checkpoint(other, Loc("b.tar")).error_code(), grpc::StatusCode::UNKNOWN);
}

TEST_F(CheckpointIntegrationTest, FaultFromAnnotationAppliesToThatContainer) {
  std::string c = CreateContainer(
      sandbox_, "flaky",
      {{kFaultsAnnotation, R"([{"method":"CheckpointContainer","effect":"unimplemented"}])"}});
  EXPECT_EQ(Checkpoint(c, Loc("a.tar")).error_code(), grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_TRUE(Checkpoint(container_, Loc("b.tar")).ok());
}

TEST_F(CheckpointIntegrationTest, DiskFullLeavesNothingAndSaysWhy) {
  AddFault(R"({"effect":"disk-full","after_bytes":"8Ki"})");
  grpc::Status s = Checkpoint(container_, Loc());
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(s.error_message().find("No space left on device"), std::string::npos);
  EXPECT_TRUE(Files().empty());
  EXPECT_EQ(Counters().checkpoints_failed(), 1u);
}

TEST_F(CheckpointIntegrationTest, NonConformantFaultsProduceTheBrokenArchives) {
  AddFault(R"({"effect":"archive-mode-0644","nth":1})");
  AddFault(R"({"effect":"no-archive","nth":2})");
  AddFault(R"({"effect":"archive-elsewhere","nth":3})");
  AddFault(R"({"effect":"not-a-tar","nth":4})");
  AddFault(R"({"effect":"missing-entry","entry":"checkpoint/inventory.img","nth":5})");
  for (int i = 1; i <= 5; ++i) {
    ASSERT_TRUE(Checkpoint(container_, Loc(std::to_string(i) + ".tar")).ok()) << i;
  }
  struct stat st;
  ASSERT_EQ(::lstat(Loc("1.tar").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644u);
  EXPECT_EQ(Files().count("2.tar"), 0u);
  EXPECT_EQ(Files().count("3.tar"), 0u);
  EXPECT_EQ(Files().count("misplaced-3.tar"), 1u);
  EXPECT_FALSE(ReadTar(Loc("4.tar")).ok);
  ReadArchive r = ReadTar(Loc("5.tar"));
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.entries.count("checkpoint/inventory.img"), 0u);
  EXPECT_EQ(r.entries.count("spec.dump"), 1u);
}

class ContainerdFlavorTest : public CheckpointIntegrationTest {
 protected:
  void SetUp() override {
    StartServer(DefaultOptions("containerd-2.1"));
    out_ = dir_.Join("checkpoints");
    ASSERT_EQ(::mkdir(out_.c_str(), 0700), 0);
    sandbox_ = RunSandbox("web");
    container_ = CreateContainer(sandbox_, "nginx");
  }
};

TEST_F(ContainerdFlavorTest, ArchiveHasContainerd21Layout) {
  ASSERT_TRUE(Checkpoint(container_, Loc()).ok());
  ReadArchive r = ReadTar(Loc());
  ASSERT_TRUE(r.ok) << r.error;
  for (const char* entry :
       {"status", "config.dump", "spec.dump", "status.dump", "stats-dump", "dump.log",
        "checkpoint/", "checkpoint/inventory.img", "rootfs-diff.tar", "container.log"}) {
    EXPECT_EQ(r.entries.count(entry), 1u) << entry;
  }
  EXPECT_EQ(r.entries.count("deleted.files"), 0u);
  auto status = nlohmann::json::parse(r.entries["status"].content);
  EXPECT_EQ(status["Version"], "v1");
  auto spec = nlohmann::json::parse(r.entries["spec.dump"].content);
  EXPECT_EQ(spec["annotations"].count("io.container.manager"), 0u);
  EXPECT_EQ(spec["annotations"]["io.kubernetes.cri.container-name"], "nginx");
  EXPECT_EQ(spec["annotations"]["io.kubernetes.cri.sandbox-name"], "web");
  EXPECT_EQ(spec["annotations"]["io.kubernetes.cri.sandbox-namespace"], "default");
  auto st = nlohmann::json::parse(r.entries["status.dump"].content);
  EXPECT_EQ(st["id"], container_);
  EXPECT_EQ(st["metadata"]["name"], "nginx");
}

class PacedCheckpointTest : public CheckpointIntegrationTest {
 protected:
  void SetUp() override {
    ServerOptions o = DefaultOptions();
    o.checkpoint.latency.fixed_cost_ns = 0;
    o.checkpoint.latency.throughput_bytes_per_second = 100.0 * (1 << 20);  // 100 MiB/s
    StartServer(o);
    out_ = dir_.Join("checkpoints");
    ASSERT_EQ(::mkdir(out_.c_str(), 0700), 0);
    sandbox_ = RunSandbox("web");
  }
  // A container whose checkpoint is modelled to take `ms` milliseconds.
  std::string ContainerTaking(const std::string& name, int ms) {
    return CreateContainer(sandbox_, name,
                           {{kWorkingSetAnnotation, std::to_string(ms * 100 / 1000 * 1) + "Mi"}});
  }
};

TEST_F(PacedCheckpointTest, CheckpointTakesAtLeastTheModelledTime) {
  std::string c = CreateContainer(sandbox_, "a", {{kWorkingSetAnnotation, "30Mi"}});  // 300 ms
  auto start = Steady::now();
  ASSERT_TRUE(Checkpoint(c, Loc()).ok());
  EXPECT_GE(Steady::now() - start, milliseconds(300));
}

TEST_F(PacedCheckpointTest, GrpcDeadlineEndsTheCallPromptlyAndLeavesNothing) {
  std::string c = CreateContainer(sandbox_, "a", {{kWorkingSetAnnotation, "500Mi"}});  // 5 s
  auto start = Steady::now();
  grpc::Status s = Checkpoint(c, Loc(), 0, milliseconds(300));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_LT(Steady::now() - start, milliseconds(2000));
  // The server side notices within its poll interval and removes its file.
  EXPECT_TRUE(WaitFor([&] { return Counters().checkpoints_failed() == 1; }));
  EXPECT_TRUE(Files().empty());
}

TEST_F(PacedCheckpointTest, RequestTimeoutFieldBoundsTheCheckpoint) {
  std::string c = CreateContainer(sandbox_, "a", {{kWorkingSetAnnotation, "500Mi"}});  // 5 s
  auto start = Steady::now();
  grpc::Status s = Checkpoint(c, Loc(), /*timeout=*/1);
  auto took = Steady::now() - start;
  EXPECT_EQ(s.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << s.error_message();
  EXPECT_GE(took, milliseconds(1000));
  EXPECT_LT(took, milliseconds(4000));
  EXPECT_TRUE(Files().empty());
}

TEST_F(PacedCheckpointTest, CancelledCallEndsAndLeavesNothing) {
  std::string c = CreateContainer(sandbox_, "a", {{kWorkingSetAnnotation, "500Mi"}});
  grpc::ClientContext ctx;
  runtime::v1::CheckpointContainerRequest req;
  req.set_container_id(c);
  req.set_location(Loc());
  runtime::v1::CheckpointContainerResponse resp;
  std::thread canceller([&] {
    std::this_thread::sleep_for(milliseconds(200));
    ctx.TryCancel();
  });
  grpc::Status s = client_->runtime->CheckpointContainer(&ctx, req, &resp);
  canceller.join();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_TRUE(WaitFor([&] { return Counters().checkpoints_failed() == 1; }));
  EXPECT_TRUE(Files().empty());
}

TEST_F(PacedCheckpointTest, HangFaultEndsAtTheDeadline) {
  std::string c = CreateContainer(sandbox_, "a", {{kWorkingSetAnnotation, "1Mi"}});
  AddFault(R"({"effect":"hang","method":"CheckpointContainer"})");
  auto start = Steady::now();
  grpc::Status s = Checkpoint(c, Loc(), 0, milliseconds(400));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_GE(Steady::now() - start, milliseconds(400));
  EXPECT_TRUE(Files().empty());
}

TEST_F(PacedCheckpointTest, LatencyFaultAddsToOtherMethodsToo) {
  AddFault(R"({"effect":"latency","method":"Version","latency":"300ms"})");
  auto start = Steady::now();
  runtime::v1::VersionResponse v;
  ASSERT_TRUE(client_->runtime->Version(Ctx().get(), {}, &v).ok());
  EXPECT_GE(Steady::now() - start, milliseconds(300));
}

TEST_F(PacedCheckpointTest, CheckpointsOfDifferentContainersRunInParallel) {
  // Eight containers, 500 ms each: in parallel they take about 500 ms, serially 4 s.
  std::vector<std::string> ids;
  for (int i = 0; i < 8; ++i) {
    ids.push_back(
        CreateContainer(sandbox_, "c" + std::to_string(i), {{kWorkingSetAnnotation, "50Mi"}}));
  }
  auto start = Steady::now();
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      if (Checkpoint(ids[i], Loc(std::to_string(i) + ".tar")).ok()) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  auto took = Steady::now() - start;
  EXPECT_EQ(ok.load(), 8);
  EXPECT_GE(took, milliseconds(500));
  // Far below the 4 s that serial execution needs, with room for a loaded machine.
  EXPECT_LT(took, milliseconds(2500));
  EXPECT_EQ(Files().size(), 8u);
}

TEST_F(PacedCheckpointTest, CheckpointsOfOneContainerAreSerialized) {
  std::string c = CreateContainer(sandbox_, "a", {{kWorkingSetAnnotation, "30Mi"}});  // 300 ms
  auto start = Steady::now();
  std::thread t1([&] { EXPECT_TRUE(Checkpoint(c, Loc("1.tar")).ok()); });
  std::thread t2([&] { EXPECT_TRUE(Checkpoint(c, Loc("2.tar")).ok()); });
  t1.join();
  t2.join();
  EXPECT_GE(Steady::now() - start, milliseconds(600));
  EXPECT_EQ(Files().size(), 2u);
}

}  // namespace
}  // namespace fakecri
