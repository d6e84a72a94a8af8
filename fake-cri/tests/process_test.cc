// The fake-cri binary as a user runs it: start-up errors, signals, the ctl
// command, and the crash fault (which kills the process, so it needs its own).
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "fake-cri/tests/cri_client.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "testing/subprocess.h"
#include "testing/temp_dir.h"

namespace fakecri {
namespace {

using ::kit::testing::Subprocess;
using ::kit::testing::TempDir;

using std::chrono::milliseconds;

class ProcessTest : public ::testing::Test {
 protected:
  std::string Socket() { return "unix://" + dir_.Join("cri.sock"); }

  std::unique_ptr<Subprocess> Start(std::vector<std::string> extra,
                                    const std::string& name = "fc") {
    std::vector<std::string> argv = {FAKE_CRI_BINARY, "--listen", Socket()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return std::make_unique<Subprocess>(argv, dir_.Join(name));
  }

  std::unique_ptr<Subprocess> StartReady(std::vector<std::string> extra) {
    auto p = Start(std::move(extra));
    EXPECT_TRUE(p->started());
    CriClient client(Socket());
    EXPECT_TRUE(client.WaitReady()) << p->Stderr();
    return p;
  }

  // Runs `fake-cri ctl --socket S args...` to completion.
  std::unique_ptr<Subprocess> Ctl(std::vector<std::string> args) {
    std::vector<std::string> argv = {FAKE_CRI_BINARY, "ctl", "--socket", Socket()};
    argv.insert(argv.end(), args.begin(), args.end());
    auto p = std::make_unique<Subprocess>(argv, dir_.Join("ctl" + std::to_string(ctl_runs_++)));
    EXPECT_TRUE(p->Wait());
    return p;
  }

  void WriteFile(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

  TempDir dir_;
  int ctl_runs_ = 0;
};

TEST_F(ProcessTest, BadFixtureStopsStartUpNamingFilePathAndProblem) {
  std::string fixture = dir_.Join("bad.json");
  WriteFile(
      fixture,
      R"({"pods":[{"namespace":"default","name":"web","containers":[{"name":"a","image":"x","working_set_bytes":true}]}]})");
  auto p = Start({"--fixture", fixture});
  ASSERT_TRUE(p->Wait());
  EXPECT_TRUE(p->ExitedWith(2));
  EXPECT_NE(p->Stderr().find(fixture + ": $.pods[0].containers[0].working_set_bytes:"),
            std::string::npos)
      << p->Stderr();
}

TEST_F(ProcessTest, MissingFixtureFileIsReported) {
  auto p = Start({"--fixture", dir_.Join("nope.json")});
  ASSERT_TRUE(p->Wait());
  EXPECT_TRUE(p->ExitedWith(2));
  EXPECT_NE(p->Stderr().find("nope.json: cannot read fixture"), std::string::npos) << p->Stderr();
}

TEST_F(ProcessTest, UnknownFlagIsReported) {
  auto p = Start({"--no-such-flag", "1"});
  ASSERT_TRUE(p->Wait());
  EXPECT_TRUE(p->ExitedWith(2));
  EXPECT_NE(p->Stderr().find("unknown flag --no-such-flag"), std::string::npos) << p->Stderr();
}

TEST_F(ProcessTest, DefaultFixtureLoadsAndSigtermExitsCleanly) {
  auto p = StartReady({"--fixture", std::string(KIT_SOURCE_DIR) + "/fixtures/default.json"});
  CriClient client(Socket());
  runtime::v1::ListPodSandboxResponse pods;
  ASSERT_TRUE(client.runtime->ListPodSandbox(Ctx().get(), {}, &pods).ok());
  EXPECT_GE(pods.items_size(), 3);
  std::set<std::string> namespaces;
  for (const auto& s : pods.items()) namespaces.insert(s.metadata().namespace_());
  EXPECT_EQ(namespaces.size(), 2u);
  ::kill(p->pid(), SIGTERM);
  ASSERT_TRUE(p->Wait());
  EXPECT_TRUE(p->ExitedWith(0)) << p->Stderr();
  EXPECT_FALSE(std::filesystem::exists(dir_.Join("cri.sock")));
}

TEST_F(ProcessTest, SecondServerOnALiveSocketIsRefused) {
  auto first = StartReady({});
  auto second = Start({}, "second");
  ASSERT_TRUE(second->Wait());
  EXPECT_TRUE(second->ExitedWith(1));
  EXPECT_NE(second->Stderr().find("already listening"), std::string::npos) << second->Stderr();
}

TEST_F(ProcessTest, StaleSocketFileIsReplaced) {
  {
    auto p = StartReady({});
    ::kill(p->pid(), SIGKILL);  // leaves the socket file behind
    ASSERT_TRUE(p->Wait());
  }
  ASSERT_TRUE(std::filesystem::exists(dir_.Join("cri.sock")));
  auto again = StartReady({});
  EXPECT_FALSE(again->Wait(milliseconds(100)));  // still running
}

TEST_F(ProcessTest, CtlAddsListsAndClearsFaultsAndReadsCounters) {
  auto p = StartReady({"--fault", "effect=unimplemented,method=CheckpointContainer"});
  auto add = Ctl({"add-fault", "effect=latency,latency=250us,method=Version"});
  ASSERT_TRUE(add->ExitedWith(0)) << add->Stderr();
  EXPECT_EQ(nlohmann::json::parse(add->Stdout())["id"], "f2");

  auto list = Ctl({"list-faults"});
  ASSERT_TRUE(list->ExitedWith(0)) << list->Stderr();
  auto rules = nlohmann::json::parse(list->Stdout());
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0]["rule"]["effect"], "unimplemented");
  EXPECT_EQ(rules[1]["rule"]["latency"], "250000ns");

  CriClient client(Socket());
  runtime::v1::VersionResponse v;
  ASSERT_TRUE(client.runtime->Version(Ctx().get(), {}, &v).ok());
  auto counters = Ctl({"counters"});
  ASSERT_TRUE(counters->ExitedWith(0)) << counters->Stderr();
  auto c = nlohmann::json::parse(counters->Stdout());
  EXPECT_EQ(c["calls"]["Version"], 1);
  EXPECT_EQ(c["faults_injected"], 1);

  auto clear = Ctl({"clear-faults"});
  ASSERT_TRUE(clear->ExitedWith(0));
  EXPECT_EQ(nlohmann::json::parse(clear->Stdout())["removed"], 2);
}

TEST_F(ProcessTest, CtlRejectsABadRuleWithTheReason) {
  auto p = StartReady({});
  auto add = Ctl({"add-fault", R"({"effect":"teleport"})"});
  EXPECT_TRUE(add->ExitedWith(1));
  EXPECT_NE(add->Stderr().find("unknown effect \"teleport\""), std::string::npos) << add->Stderr();
}

TEST_F(ProcessTest, CtlCheckpointFindsTheContainerByName) {
  auto p = StartReady(
      {"--fixture", std::string(KIT_SOURCE_DIR) + "/fixtures/default.json", "--time-scale", "100"});
  std::string out = dir_.Join("checkpoints");
  ASSERT_EQ(::mkdir(out.c_str(), 0700), 0);
  auto cp = Ctl({"checkpoint", "default/counter/counter", out + "/c.tar"});
  ASSERT_TRUE(cp->ExitedWith(0)) << cp->Stderr();
  EXPECT_EQ(nlohmann::json::parse(cp->Stdout())["location"], out + "/c.tar");
  EXPECT_TRUE(std::filesystem::exists(out + "/c.tar"));

  auto missing = Ctl({"checkpoint", "default/counter/nope", out + "/d.tar"});
  EXPECT_TRUE(missing->ExitedWith(1));
  EXPECT_NE(missing->Stderr().find("no container nope in default/counter"), std::string::npos);
  // The exited container of the fixture: the runtime's own refusal comes through.
  auto exited = Ctl({"checkpoint", "default/db-migrate-x2k9p/migrate", out + "/e.tar"});
  EXPECT_TRUE(exited->ExitedWith(1));
  EXPECT_NE(exited->Stderr().find("rpc error: code = Unknown desc = container"), std::string::npos)
      << exited->Stderr();
}

// A checkpoint of the fixture's one container "app" to `location`.
grpc::Status CheckpointApp(const std::string& socket, const std::string& location) {
  CriClient client(socket);
  runtime::v1::ListContainersResponse list;
  grpc::Status s = client.runtime->ListContainers(Ctx().get(), {}, &list);
  if (!s.ok()) return s;
  if (list.containers_size() != 1)
    return grpc::Status(grpc::StatusCode::INTERNAL, "not one container");
  runtime::v1::CheckpointContainerRequest req;
  req.set_container_id(list.containers(0).id());
  req.set_location(location);
  runtime::v1::CheckpointContainerResponse resp;
  return client.runtime->CheckpointContainer(Ctx().get(), req, &resp);
}

constexpr char kOneContainer[] = R"({"pods":[{"namespace":"default","name":"web","containers":[
    {"name":"app","image":"busybox","working_set_bytes":"64Mi"}]}]})";

TEST_F(ProcessTest, ReferenceProfileCrashMidArchiveLeavesNothing) {
  std::string out = dir_.Join("checkpoints");
  ASSERT_EQ(::mkdir(out.c_str(), 0700), 0);
  std::string fixture = dir_.Join("node.json");
  WriteFile(fixture, kOneContainer);
  auto p = StartReady({"--runtime-profile", "reference", "--fixture", fixture, "--pages", "full",
                       "--fault", "effect=crash,after_bytes=1Mi"});
  grpc::Status s = CheckpointApp(Socket(), out + "/a.tar");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
  ASSERT_TRUE(p->Wait());
  EXPECT_TRUE(p->KilledBy(SIGKILL));
  EXPECT_TRUE(std::filesystem::is_empty(out)) << "a partial archive survived the crash";
}

TEST_F(ProcessTest, RealRuntimeCrashMidArchiveLeavesThePartialFileAsContainerdDoes) {
  std::string out = dir_.Join("checkpoints");
  ASSERT_EQ(::mkdir(out.c_str(), 0700), 0);
  std::string fixture = dir_.Join("node.json");
  WriteFile(fixture, kOneContainer);
  auto p = StartReady({"--fixture", fixture, "--pages", "full", "--time-scale", "100", "--fault",
                       "effect=crash,after_bytes=1Mi"});
  grpc::Status s = CheckpointApp(Socket(), out + "/a.tar");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
  ASSERT_TRUE(p->Wait());
  EXPECT_TRUE(p->KilledBy(SIGKILL));
  struct stat st;
  ASSERT_EQ(::stat((out + "/a.tar").c_str(), &st), 0);
  EXPECT_EQ(st.st_size, 1 << 20);
}

TEST_F(ProcessTest, RelativeLocationIsWrittenAgainstTheRuntimesWorkingDirectory) {
  std::string cwd = dir_.Join("cwd");
  ASSERT_EQ(::mkdir(cwd.c_str(), 0700), 0);
  std::string fixture = dir_.Join("node.json");
  WriteFile(fixture, kOneContainer);
  Subprocess p({"/bin/sh", "-c",
                "cd '" + cwd + "' && exec '" + FAKE_CRI_BINARY + "' --listen '" + Socket() +
                    "' --fixture '" + fixture + "' --time-scale 100"},
               dir_.Join("fc"));
  ASSERT_TRUE(p.started());
  ASSERT_TRUE(CriClient(Socket()).WaitReady()) << p.Stderr();
  grpc::Status s = CheckpointApp(Socket(), "relative.tar");
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(std::filesystem::is_regular_file(cwd + "/relative.tar"));
}

}  // namespace
}  // namespace fakecri
