#include "fake-cri/store.h"

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/fake_cri_clock.h"

namespace fakecri {
namespace {

using FakeClock = ::kit::testing::FakeCriClock;

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::UnorderedElementsAre;

constexpr char kUnknownId[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

std::vector<std::string> IdsOf(const std::vector<Container>& cs) {
  std::vector<std::string> ids;
  for (const auto& c : cs) ids.push_back(c.id);
  return ids;
}

std::vector<std::string> IdsOf(const std::vector<Sandbox>& ss) {
  std::vector<std::string> ids;
  for (const auto& s : ss) ids.push_back(s.id);
  return ids;
}

class StoreTest : public ::testing::Test {
 protected:
  static Sandbox MakeSandbox(const std::string& name, uint32_t attempt = 0) {
    Sandbox s;
    s.name = name;
    s.ns = "default";
    s.uid = "uid-" + name;
    s.attempt = attempt;
    return s;
  }

  std::string AddSandbox(const std::string& name, const Labels& labels = {}) {
    Sandbox s = MakeSandbox(name);
    s.labels = labels;
    auto id = store_.AddSandbox(s);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.ok() ? *id : "";
  }

  static Container MakeContainer(const std::string& sandbox_id, const std::string& name,
                                 uint32_t attempt = 0) {
    Container c;
    c.sandbox_id = sandbox_id;
    c.name = name;
    c.attempt = attempt;
    c.image = "busybox";
    return c;
  }

  std::string AddContainer(const std::string& sandbox_id, const std::string& name,
                           const Labels& labels = {}) {
    Container c = MakeContainer(sandbox_id, name);
    c.labels = labels;
    auto id = store_.AddContainer(c);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.ok() ? *id : "";
  }

  std::string AddRunningContainer(const std::string& sandbox_id, const std::string& name,
                                  const Labels& labels = {}) {
    std::string id = AddContainer(sandbox_id, name, labels);
    EXPECT_TRUE(store_.StartContainer(id).ok());
    return id;
  }

  Container Get(const std::string& id) {
    auto c = store_.GetContainer(id);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? *c : Container{};
  }

  FakeClock clock_;
  Store store_{&clock_};
};

// ---------------------------------------------------------------------------
// Sandboxes

TEST_F(StoreTest, AddSandboxFillsIdAndCreationTime) {
  clock_.Advance(Nanos(5));
  auto id = store_.AddSandbox(MakeSandbox("web"));
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_THAT(*id, MatchesRegex("[0-9a-f]{64}"));
  auto s = store_.GetSandbox(*id);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->id, *id);
  EXPECT_EQ(s->name, "web");
  EXPECT_EQ(s->state, SandboxState::kReady);
  EXPECT_EQ(s->created_at, FakeClock::kWallBase + 5);
}

TEST_F(StoreTest, AddSandboxRequiresNameNamespaceAndUid) {
  for (int missing = 0; missing < 3; ++missing) {
    Sandbox s = MakeSandbox("web");
    if (missing == 0) s.name.clear();
    if (missing == 1) s.ns.clear();
    if (missing == 2) s.uid.clear();
    EXPECT_EQ(store_.AddSandbox(s).status().code(), absl::StatusCode::kInvalidArgument) << missing;
  }
}

TEST_F(StoreTest, AddSandboxRejectsAReservedNameAsContainerdDoes) {
  std::string first = AddSandbox("web");
  auto second = store_.AddSandbox(MakeSandbox("web"));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnknown);
  EXPECT_EQ(second.status().message(),
            "failed to reserve sandbox name \"web_default_uid-web_0\": name "
            "\"web_default_uid-web_0\" is reserved for \"" +
                first + "\"");
}

TEST_F(StoreTest, AddSandboxAcceptsTheSameNameWithAnotherAttemptOrUid) {
  AddSandbox("web");
  EXPECT_TRUE(store_.AddSandbox(MakeSandbox("web", 1)).ok());
  Sandbox other_uid = MakeSandbox("web");
  other_uid.uid = "uid-2";
  EXPECT_TRUE(store_.AddSandbox(other_uid).ok());
  Sandbox other_ns = MakeSandbox("web");
  other_ns.ns = "kube-system";
  EXPECT_TRUE(store_.AddSandbox(other_ns).ok());
}

TEST_F(StoreTest, GetSandboxOfAnUnknownIdIsNotFoundNamingTheId) {
  auto s = store_.GetSandbox(kUnknownId);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(s.status().message()), HasSubstr(kUnknownId));
}

TEST_F(StoreTest, StopSandboxOfAnUnknownIdIsNotFoundNamingTheId) {
  absl::Status s = store_.StopSandbox(kUnknownId);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(s.message()), HasSubstr(kUnknownId));
}

TEST_F(StoreTest, RemoveSandboxOfAnUnknownIdSucceeds) {
  EXPECT_TRUE(store_.RemoveSandbox(kUnknownId).ok());
}

TEST_F(StoreTest, StopSandboxStopsItsRunningContainersAndMarksItNotReady) {
  std::string sid = AddSandbox("web");
  std::string running = AddRunningContainer(sid, "nginx");
  std::string created = AddContainer(sid, "sidecar");
  std::string other_sid = AddSandbox("db");
  std::string other = AddRunningContainer(other_sid, "postgres");
  clock_.Advance(Nanos(1000));

  ASSERT_TRUE(store_.StopSandbox(sid).ok());

  EXPECT_EQ(store_.GetSandbox(sid)->state, SandboxState::kNotReady);
  Container stopped = Get(running);
  EXPECT_EQ(stopped.state, ContainerState::kExited);
  EXPECT_EQ(stopped.exit_code, 137);
  EXPECT_EQ(stopped.finished_at, FakeClock::kWallBase + 1000);
  EXPECT_EQ(Get(created).state, ContainerState::kCreated);
  // Another sandbox's container keeps running.
  EXPECT_EQ(store_.GetSandbox(other_sid)->state, SandboxState::kReady);
  EXPECT_EQ(Get(other).state, ContainerState::kRunning);
}

TEST_F(StoreTest, StopSandboxTwiceSucceeds) {
  std::string sid = AddSandbox("web");
  ASSERT_TRUE(store_.StopSandbox(sid).ok());
  EXPECT_TRUE(store_.StopSandbox(sid).ok());
  EXPECT_EQ(store_.GetSandbox(sid)->state, SandboxState::kNotReady);
}

TEST_F(StoreTest, RemoveSandboxRemovesItAndOnlyItsContainers) {
  std::string sid = AddSandbox("web");
  std::string a = AddRunningContainer(sid, "nginx");
  std::string b = AddContainer(sid, "sidecar");
  std::string other_sid = AddSandbox("db");
  std::string other = AddContainer(other_sid, "postgres");

  ASSERT_TRUE(store_.RemoveSandbox(sid).ok());

  EXPECT_EQ(store_.GetSandbox(sid).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_.GetContainer(a).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_.GetContainer(b).status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(store_.GetContainer(other).ok());
  EXPECT_TRUE(store_.GetSandbox(other_sid).ok());
}

TEST_F(StoreTest, RemoveSandboxFreesItsName) {
  std::string sid = AddSandbox("web");
  ASSERT_TRUE(store_.RemoveSandbox(sid).ok());
  EXPECT_TRUE(store_.AddSandbox(MakeSandbox("web")).ok());
}

// ---------------------------------------------------------------------------
// Containers

TEST_F(StoreTest, AddContainerFillsIdAndCreationTimeAndStartsCreated) {
  std::string sid = AddSandbox("web");
  clock_.Advance(Nanos(7));
  auto id = store_.AddContainer(MakeContainer(sid, "nginx"));
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_THAT(*id, MatchesRegex("[0-9a-f]{64}"));
  Container c = Get(*id);
  EXPECT_EQ(c.id, *id);
  EXPECT_EQ(c.sandbox_id, sid);
  EXPECT_EQ(c.state, ContainerState::kCreated);
  EXPECT_EQ(c.created_at, FakeClock::kWallBase + 7);
  EXPECT_EQ(c.started_at, 0);
  EXPECT_EQ(c.finished_at, 0);
}

TEST_F(StoreTest, ContainerGoesFromCreatedToRunningToExited) {
  std::string sid = AddSandbox("web");
  std::string id = AddContainer(sid, "nginx");
  EXPECT_EQ(Get(id).state, ContainerState::kCreated);

  clock_.Advance(Nanos(100));
  ASSERT_TRUE(store_.StartContainer(id).ok());
  Container running = Get(id);
  EXPECT_EQ(running.state, ContainerState::kRunning);
  EXPECT_EQ(running.started_at, FakeClock::kWallBase + 100);

  clock_.Advance(Nanos(200));
  ASSERT_TRUE(store_.StopContainer(id).ok());
  Container exited = Get(id);
  EXPECT_EQ(exited.state, ContainerState::kExited);
  EXPECT_EQ(exited.created_at, FakeClock::kWallBase);
  EXPECT_EQ(exited.started_at, FakeClock::kWallBase + 100);
  EXPECT_EQ(exited.finished_at, FakeClock::kWallBase + 300);
  EXPECT_EQ(exited.exit_code, 137);
  EXPECT_EQ(exited.reason, "");  // ContainerStatus derives Error from the code
}

TEST_F(StoreTest, StartingARunningContainerIsUnknownWithContainerdsText) {
  std::string id = AddRunningContainer(AddSandbox("web"), "nginx");
  absl::Status s = store_.StartContainer(id);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnknown);
  EXPECT_EQ(s.message(), "failed to set starting state for container \"" + id +
                             "\": container is in CONTAINER_RUNNING state");
}

TEST_F(StoreTest, StartingAnExitedContainerIsUnknownAndChangesNothing) {
  std::string id = AddRunningContainer(AddSandbox("web"), "nginx");
  ASSERT_TRUE(store_.StopContainer(id).ok());
  absl::Status s = store_.StartContainer(id);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnknown);
  EXPECT_THAT(std::string(s.message()), HasSubstr("container is in CONTAINER_EXITED state"));
  EXPECT_EQ(Get(id).state, ContainerState::kExited);
  EXPECT_EQ(Get(id).exit_code, 137);
}

TEST_F(StoreTest, StartingInAStoppedSandboxRecordsAStartError) {
  std::string sid = AddSandbox("web");
  std::string id = AddContainer(sid, "late");
  ASSERT_TRUE(store_.StopSandbox(sid).ok());
  clock_.Advance(Nanos(70));
  absl::Status s = store_.StartContainer(id);
  const std::string text = "sandbox container \"" + sid + "\" is not running";
  EXPECT_EQ(s.code(), absl::StatusCode::kUnknown);
  EXPECT_EQ(s.message(), text);
  // container_start.go@v1.6.20: the failed start is the container's exit.
  Container c = Get(id);
  EXPECT_EQ(c.state, ContainerState::kExited);
  EXPECT_EQ(c.exit_code, 128);
  EXPECT_EQ(c.reason, "StartError");
  EXPECT_EQ(c.message, text);
  EXPECT_EQ(c.started_at, 0);
  EXPECT_EQ(c.finished_at, FakeClock::kWallBase + 70);
}

TEST_F(StoreTest, AFailedIoEndsTheStartAsAStartError) {
  std::string id = AddContainer(AddSandbox("web"), "nginx");
  ASSERT_TRUE(store_.BeginStart(id).ok());
  EXPECT_THAT(std::string(store_.BeginStart(id).message()),
              HasSubstr("container is already in starting state"));
  store_.FinishStart(id, absl::UnknownError("open /x/0.log: permission denied"));
  Container c = Get(id);
  EXPECT_EQ(c.state, ContainerState::kExited);
  EXPECT_EQ(c.reason, "StartError");
  EXPECT_EQ(c.message, "open /x/0.log: permission denied");
}

TEST_F(StoreTest, StoppingAContainerThatIsNotRunningChangesNothing) {
  std::string sid = AddSandbox("web");
  std::string created = AddContainer(sid, "sidecar");
  ASSERT_TRUE(store_.StopContainer(created).ok());
  EXPECT_EQ(Get(created).state, ContainerState::kCreated);

  std::string exited = AddRunningContainer(sid, "nginx");
  ASSERT_TRUE(store_.StopContainer(exited).ok());
  clock_.Advance(Nanos(50));
  ASSERT_TRUE(store_.StopContainer(exited).ok());
  EXPECT_EQ(Get(exited).finished_at, FakeClock::kWallBase);
}

TEST_F(StoreTest, UnknownContainerIdsAreNotFoundNamingTheId) {
  auto got = store_.GetContainer(kUnknownId);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(got.status().message()), HasSubstr(kUnknownId));

  absl::Status start = store_.StartContainer(kUnknownId);
  EXPECT_EQ(start.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(start.message()), HasSubstr(kUnknownId));

  absl::Status stop = store_.StopContainer(kUnknownId);
  EXPECT_EQ(stop.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(stop.message()), HasSubstr(kUnknownId));
}

TEST_F(StoreTest, RemoveContainerOfAnUnknownIdSucceeds) {
  EXPECT_TRUE(store_.RemoveContainer(kUnknownId).ok());
}

TEST_F(StoreTest, RemoveContainerRemovesItAndFreesItsName) {
  std::string sid = AddSandbox("web");
  std::string id = AddContainer(sid, "nginx");
  ASSERT_TRUE(store_.RemoveContainer(id).ok());
  EXPECT_EQ(store_.GetContainer(id).status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(store_.AddContainer(MakeContainer(sid, "nginx")).ok());
}

TEST_F(StoreTest, AddContainerRejectsAReservedNameAsContainerdDoes) {
  std::string sid = AddSandbox("web");
  std::string first = AddContainer(sid, "nginx");
  auto second = store_.AddContainer(MakeContainer(sid, "nginx"));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnknown);
  EXPECT_EQ(second.status().message(),
            "failed to reserve container name \"nginx_web_default_uid-web_0\": name "
            "\"nginx_web_default_uid-web_0\" is reserved for \"" +
                first + "\"");
}

TEST_F(StoreTest, TheReservedNameTakesThePodPartTheRequestGives) {
  // containerd builds the name from the request's sandbox config, not the sandbox.
  std::string sid = AddSandbox("web");
  ASSERT_TRUE(store_.AddContainer(MakeContainer(sid, "nginx"), "other_ns_uid").ok());
  EXPECT_TRUE(store_.AddContainer(MakeContainer(sid, "nginx")).ok());
  auto again = store_.AddContainer(MakeContainer(AddSandbox("db"), "nginx"), "other_ns_uid");
  EXPECT_THAT(std::string(again.status().message()), HasSubstr("\"nginx_other_ns_uid_0\""));
}

TEST_F(StoreTest, AddContainerAcceptsTheSameNameWithAnotherAttemptOrInAnotherSandbox) {
  std::string sid = AddSandbox("web");
  AddContainer(sid, "nginx");
  EXPECT_TRUE(store_.AddContainer(MakeContainer(sid, "nginx", 1)).ok());
  EXPECT_TRUE(store_.AddContainer(MakeContainer(AddSandbox("db"), "nginx")).ok());
}

TEST_F(StoreTest, AddContainerToAnUnknownSandboxIsNotFoundNamingIt) {
  auto id = store_.AddContainer(MakeContainer(kUnknownId, "nginx"));
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(id.status().message()), HasSubstr(kUnknownId));
}

TEST_F(StoreTest, AddContainerToANotReadySandboxIsNotFoundAsItsTaskIsGone) {
  std::string sid = AddSandbox("web");
  ASSERT_TRUE(store_.StopSandbox(sid).ok());
  auto id = store_.AddContainer(MakeContainer(sid, "nginx"));
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(id.status().message(),
            "failed to get sandbox container task: no running task "
            "found: task " +
                sid + " not found: not found");
  EXPECT_THAT(store_.ListContainers({}), IsEmpty());
}

TEST_F(StoreTest, AddContainerRequiresAName) {
  auto id = store_.AddContainer(MakeContainer(AddSandbox("web"), ""));
  EXPECT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(StoreTest, SetExitCodeRecordsTheExitOfAKnownContainer) {
  std::string id = AddRunningContainer(AddSandbox("web"), "job");
  ASSERT_TRUE(store_.StopContainer(id).ok());
  store_.SetExitCode(id, 0, "Completed");
  EXPECT_EQ(Get(id).exit_code, 0);
  EXPECT_EQ(Get(id).reason, "Completed");
  store_.SetExitCode(kUnknownId, 1, "Error");  // ignored
  EXPECT_EQ(store_.GetContainer(kUnknownId).status().code(), absl::StatusCode::kNotFound);
}

// ---------------------------------------------------------------------------
// Lists

class StoreListTest : public StoreTest {
 protected:
  void SetUp() override {
    web_ = AddSandbox("web", {{"app", "web"}, {"tier", "front"}});
    db_ = AddSandbox("db", {{"app", "db"}, {"tier", "back"}});
    nginx_ = AddRunningContainer(web_, "nginx", {{"app", "web"}, {"role", "server"}});
    sidecar_ = AddContainer(web_, "sidecar", {{"app", "web"}, {"role", "logs"}});
    postgres_ = AddRunningContainer(db_, "postgres", {{"app", "db"}, {"role", "server"}});
    migrate_ = AddRunningContainer(db_, "migrate", {{"app", "db"}, {"role", "job"}});
    ASSERT_TRUE(store_.StopContainer(migrate_).ok());
  }

  std::vector<std::string> Containers(const ContainerFilter& f) {
    return IdsOf(store_.ListContainers(f));
  }

  std::string web_, db_, nginx_, sidecar_, postgres_, migrate_;
};

TEST_F(StoreListTest, AnEmptyContainerFilterListsEveryContainer) {
  EXPECT_THAT(Containers({}), UnorderedElementsAre(nginx_, sidecar_, postgres_, migrate_));
}

TEST_F(StoreListTest, FiltersContainersById) {
  ContainerFilter f;
  f.id = postgres_;
  EXPECT_THAT(Containers(f), UnorderedElementsAre(postgres_));
  f.id = kUnknownId;
  EXPECT_THAT(Containers(f), IsEmpty());
}

TEST_F(StoreListTest, FiltersContainersByState) {
  ContainerFilter f;
  f.state = ContainerState::kRunning;
  EXPECT_THAT(Containers(f), UnorderedElementsAre(nginx_, postgres_));
  f.state = ContainerState::kCreated;
  EXPECT_THAT(Containers(f), UnorderedElementsAre(sidecar_));
  f.state = ContainerState::kExited;
  EXPECT_THAT(Containers(f), UnorderedElementsAre(migrate_));
}

TEST_F(StoreListTest, FiltersContainersBySandboxId) {
  ContainerFilter f;
  f.sandbox_id = web_;
  EXPECT_THAT(Containers(f), UnorderedElementsAre(nginx_, sidecar_));
}

TEST_F(StoreListTest, ALabelSelectorMatchesOnlyContainersWithEveryLabel) {
  ContainerFilter f;
  f.label_selector = {{"role", "server"}};
  EXPECT_THAT(Containers(f), UnorderedElementsAre(nginx_, postgres_));
  f.label_selector = {{"role", "server"}, {"app", "db"}};
  EXPECT_THAT(Containers(f), UnorderedElementsAre(postgres_));
  f.label_selector = {{"role", "server"}, {"app", "nope"}};
  EXPECT_THAT(Containers(f), IsEmpty());
  f.label_selector = {{"missing", "label"}};
  EXPECT_THAT(Containers(f), IsEmpty());
}

TEST_F(StoreListTest, CombinesContainerFilters) {
  ContainerFilter f;
  f.sandbox_id = db_;
  f.state = ContainerState::kRunning;
  f.label_selector = {{"app", "db"}};
  EXPECT_THAT(Containers(f), UnorderedElementsAre(postgres_));
}

TEST_F(StoreListTest, FiltersSandboxesByIdStateAndLabels) {
  EXPECT_THAT(IdsOf(store_.ListSandboxes({})), UnorderedElementsAre(web_, db_));

  SandboxFilter by_id;
  by_id.id = db_;
  EXPECT_THAT(IdsOf(store_.ListSandboxes(by_id)), UnorderedElementsAre(db_));

  ASSERT_TRUE(store_.StopSandbox(db_).ok());
  SandboxFilter by_state;
  by_state.state = SandboxState::kNotReady;
  EXPECT_THAT(IdsOf(store_.ListSandboxes(by_state)), UnorderedElementsAre(db_));
  by_state.state = SandboxState::kReady;
  EXPECT_THAT(IdsOf(store_.ListSandboxes(by_state)), UnorderedElementsAre(web_));

  SandboxFilter by_labels;
  by_labels.label_selector = {{"app", "web"}, {"tier", "front"}};
  EXPECT_THAT(IdsOf(store_.ListSandboxes(by_labels)), UnorderedElementsAre(web_));
  by_labels.label_selector = {{"app", "web"}, {"tier", "back"}};
  EXPECT_THAT(IdsOf(store_.ListSandboxes(by_labels)), IsEmpty());
}

// ---------------------------------------------------------------------------
// Concurrency

TEST_F(StoreTest, ConcurrentAddContainerFromEightThreadsAllSucceedWithDistinctIds) {
  std::string sid = AddSandbox("web");
  constexpr int kThreads = 8;
  constexpr int kPerThread = 50;
  std::vector<std::vector<absl::StatusOr<std::string>>> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        results[t].push_back(store_.AddContainer(
            MakeContainer(sid, "c-" + std::to_string(t) + "-" + std::to_string(i))));
      }
    });
  }
  for (auto& th : threads) th.join();

  std::set<std::string> ids;
  for (const auto& per_thread : results) {
    for (const auto& id : per_thread) {
      ASSERT_TRUE(id.ok()) << id.status();
      ids.insert(*id);
    }
  }
  EXPECT_EQ(ids.size(), static_cast<size_t>(kThreads * kPerThread));
  EXPECT_EQ(store_.ListContainers({}).size(), static_cast<size_t>(kThreads * kPerThread));
}

TEST(ContainerStateName, NamesStatesAsCriDoes) {
  EXPECT_STREQ(ContainerStateName(ContainerState::kCreated), "CONTAINER_CREATED");
  EXPECT_STREQ(ContainerStateName(ContainerState::kRunning), "CONTAINER_RUNNING");
  EXPECT_STREQ(ContainerStateName(ContainerState::kExited), "CONTAINER_EXITED");
  EXPECT_STREQ(ContainerStateName(ContainerState::kUnknown), "CONTAINER_UNKNOWN");
}

}  // namespace
}  // namespace fakecri
