// The store's simulated processes (exits, SIGTERM, SIGKILL, time scale), its
// id prefixes and resource merging, each against containerd 1.6.20's
// behaviour as measured by ci/containerd/cri-diff. Time is a FakeClock:
// nothing sleeps.
#include <map>
#include <string>

#include "fake-cri/store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/fake_cri_clock.h"

namespace fakecri {

using FakeClock = ::kit::testing::FakeCriClock;
namespace {

using std::chrono::milliseconds;

class StoreProcessTest : public ::testing::Test {
 protected:
  std::string Sandbox(const std::string& name, Store* store = nullptr) {
    fakecri::Sandbox s;
    s.name = name;
    s.ns = "default";
    s.uid = "uid-" + name;
    auto id = (store ? store : &store_)->AddSandbox(s);
    EXPECT_TRUE(id.ok()) << id.status();
    return *id;
  }
  std::string Running(const ProcessSpec& p, Store* store = nullptr, const std::string& id = "") {
    Store* s = store ? store : &store_;
    Container c;
    c.id = id;
    std::string& sid = sandboxes_[s];
    if (sid.empty()) sid = Sandbox("web", s);
    c.sandbox_id = sid;
    c.name = "c" + std::to_string(++n_);
    c.process = p;
    auto added = s->AddContainer(c);
    EXPECT_TRUE(added.ok()) << added.status();
    EXPECT_TRUE(s->StartContainer(*added).ok());
    return *added;
  }
  Container Get(const std::string& id, Store* store = nullptr) {
    auto c = (store ? store : &store_)->GetContainer(id);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? *c : Container{};
  }
  static ProcessSpec ExitsAfter(int64_t ms, int32_t code) {
    ProcessSpec p;
    p.exit_after_ns = ms * 1'000'000;
    p.exit_code = code;
    return p;
  }
  static ProcessSpec OnTerm(OnSigterm what, int64_t delay_ms = 0, int32_t code = 0) {
    ProcessSpec p;
    p.on_sigterm = what;
    p.sigterm_delay_ns = delay_ms * 1'000'000;
    p.sigterm_exit_code = code;
    return p;
  }
  int64_t Ms(int64_t wall_ns) const { return (wall_ns - FakeClock::kWallBase) / 1'000'000; }

  FakeClock clock_;
  Store store_{&clock_};
  std::map<Store*, std::string> sandboxes_;
  int n_ = 0;
};

TEST_F(StoreProcessTest, ARunningContainerRunsUntilStopped) {
  std::string id = Running({});
  clock_.Advance(std::chrono::hours(24));
  EXPECT_EQ(Get(id).state, ContainerState::kRunning);
}

TEST_F(StoreProcessTest, ExitsByItselfAtItsTimeWithItsCode) {
  std::string id = Running(ExitsAfter(2000, 3));
  clock_.Advance(milliseconds(1999));
  EXPECT_EQ(Get(id).state, ContainerState::kRunning);
  clock_.Advance(milliseconds(5000));  // read late: finished_at is still the exit's moment
  Container c = Get(id);
  EXPECT_EQ(c.state, ContainerState::kExited);
  EXPECT_EQ(c.exit_code, 3);
  EXPECT_EQ(c.reason, "");  // ContainerStatus says Error from the code
  EXPECT_EQ(Ms(c.finished_at), 2000);
  EXPECT_EQ(Ms(c.started_at), 0);
}

TEST_F(StoreProcessTest, AnExitShowsInListsToo) {
  std::string id = Running(ExitsAfter(10, 0));
  clock_.Advance(milliseconds(10));
  ContainerFilter exited;
  exited.state = ContainerState::kExited;
  ASSERT_EQ(store_.ListContainers(exited).size(), 1u);
  EXPECT_EQ(store_.ListContainers(exited)[0].id, id);
}

TEST_F(StoreProcessTest, TheTimeScaleShortensEveryDuration) {
  Store fast(&clock_, 10);
  std::string id = Running(ExitsAfter(2000, 1), &fast);
  clock_.Advance(milliseconds(200));
  EXPECT_EQ(Get(id, &fast).state, ContainerState::kExited);
  EXPECT_EQ(Ms(Get(id, &fast).finished_at), 200);
}

TEST_F(StoreProcessTest, AnOomKillIs137OomKilled) {
  ProcessSpec p = ExitsAfter(100, 0);
  p.oom_killed = true;
  std::string id = Running(p);
  clock_.Advance(milliseconds(100));
  EXPECT_EQ(Get(id).exit_code, 137);
  EXPECT_EQ(Get(id).reason, "OOMKilled");
}

TEST_F(StoreProcessTest, TheDefaultProcessDiesOfSigtermAt143) {
  std::string id = Running({});
  ASSERT_TRUE(store_.StopContainer(id, 30'000'000'000).ok());
  EXPECT_EQ(clock_.Elapsed(), Nanos(0));  // no waiting
  EXPECT_EQ(Get(id).exit_code, 143);
}

TEST_F(StoreProcessTest, AHandlerExitsAfterItsDelayWithItsCode) {
  std::string id = Running(OnTerm(OnSigterm::kExit, 500, 0));
  ASSERT_TRUE(store_.StopContainer(id, 10'000'000'000).ok());
  EXPECT_EQ(clock_.Elapsed(), milliseconds(500));
  EXPECT_EQ(Get(id).exit_code, 0);
  EXPECT_EQ(Ms(Get(id).finished_at), 500);
}

TEST_F(StoreProcessTest, AHandlerSlowerThanTheTimeoutIsKilled) {
  std::string id = Running(OnTerm(OnSigterm::kExit, 5000, 0));
  ASSERT_TRUE(store_.StopContainer(id, 2'000'000'000).ok());
  EXPECT_EQ(clock_.Elapsed(), milliseconds(2000));
  EXPECT_EQ(Get(id).exit_code, 137);
}

TEST_F(StoreProcessTest, IgnoringSigtermCostsTheWholeTimeoutThen137) {
  std::string id = Running(OnTerm(OnSigterm::kIgnore));
  ASSERT_TRUE(store_.StopContainer(id, 3'000'000'000).ok());
  EXPECT_EQ(clock_.Elapsed(), milliseconds(3000));
  Container c = Get(id);
  EXPECT_EQ(c.exit_code, 137);
  EXPECT_EQ(Ms(c.finished_at), 3000);
}

TEST_F(StoreProcessTest, TheTimeoutIsScaledToo) {
  Store fast(&clock_, 10);
  std::string id = Running(OnTerm(OnSigterm::kIgnore), &fast);
  ASSERT_TRUE(fast.StopContainer(id, 3'000'000'000).ok());
  EXPECT_EQ(clock_.Elapsed(), milliseconds(300));
}

TEST_F(StoreProcessTest, HugeDurationsSaturateInsteadOfOverflowing) {
  Store slow(&clock_, 0.001);
  EXPECT_EQ(slow.After(clock_.Now(), INT64_MAX), SteadyTime::max());
  EXPECT_EQ(store_.After(clock_.Now(), 5), clock_.Now() + Nanos(5));
  std::string id = Running(OnTerm(OnSigterm::kIgnore));
  EXPECT_EQ(store_.StopContainer(id, INT64_MAX, [] { return true; }).code(),
            absl::StatusCode::kDeadlineExceeded);
}

TEST_F(StoreProcessTest, TimeoutZeroKillsAtOnce) {
  for (OnSigterm what : {OnSigterm::kDie, OnSigterm::kExit, OnSigterm::kIgnore}) {
    std::string id = Running(OnTerm(what, 500));
    ASSERT_TRUE(store_.StopContainer(id, 0).ok());
    EXPECT_EQ(Get(id).exit_code, 137);
  }
  EXPECT_EQ(clock_.Elapsed(), Nanos(0));
}

TEST_F(StoreProcessTest, AnExitBeforeTheHandlerFinishesKeepsItsOwnCode) {
  ProcessSpec p = OnTerm(OnSigterm::kExit, 1000, 0);
  p.exit_after_ns = 300'000'000;
  p.exit_code = 7;
  std::string id = Running(p);
  ASSERT_TRUE(store_.StopContainer(id, 10'000'000'000).ok());
  EXPECT_EQ(clock_.Elapsed(), milliseconds(300));
  EXPECT_EQ(Get(id).exit_code, 7);
}

TEST_F(StoreProcessTest, ACallerThatGoesAwayLeavesTheProcessToItsSigterm) {
  std::string ignoring = Running(OnTerm(OnSigterm::kIgnore));
  absl::Status s = store_.StopContainer(ignoring, 3'000'000'000, [] { return true; });
  EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(Get(ignoring).state, ContainerState::kRunning);  // no SIGKILL was sent

  std::string handling = Running(OnTerm(OnSigterm::kExit, 800, 0));
  EXPECT_FALSE(store_.StopContainer(handling, 3'000'000'000, [] { return true; }).ok());
  clock_.Advance(milliseconds(800));
  EXPECT_EQ(Get(handling).state, ContainerState::kExited);  // the handler ran anyway
  EXPECT_EQ(Get(handling).exit_code, 0);
}

TEST_F(StoreProcessTest, SigtermIsSentOnce) {
  std::string id = Running(OnTerm(OnSigterm::kExit, 1000, 0));
  EXPECT_FALSE(store_.StopContainer(id, 5'000'000'000, [] { return true; }).ok());
  clock_.Advance(milliseconds(400));
  // A second stop waits for the first signal's exit, not a new delay.
  ASSERT_TRUE(store_.StopContainer(id, 5'000'000'000).ok());
  EXPECT_EQ(clock_.Elapsed(), milliseconds(1000));
}

TEST_F(StoreProcessTest, RemovingARunningContainerKillsAndRemovesIt) {
  std::string id = Running(OnTerm(OnSigterm::kIgnore));
  ASSERT_TRUE(store_.StopContainer(id).ok());
  ASSERT_TRUE(store_.RemoveContainer(id).ok());
  EXPECT_EQ(store_.GetContainer(id).status().code(), absl::StatusCode::kNotFound);
}

// ---------------------------------------------------------------------------
// Ids by prefix (truncindex)

TEST_F(StoreProcessTest, PrefixesResolveAsContainerdsTruncIndex) {
  const std::string a = "ab12" + std::string(60, '0');
  const std::string b = "ab34" + std::string(60, '0');
  Running({}, nullptr, a);
  Running({}, nullptr, b);
  EXPECT_EQ(*store_.ResolveContainer("ab1"), a);
  EXPECT_EQ(*store_.ResolveContainer(b), b);
  auto ambiguous = store_.ResolveContainer("ab");
  EXPECT_EQ(ambiguous.status().code(), absl::StatusCode::kUnknown);
  EXPECT_EQ(ambiguous.status().message(), "Multiple IDs found with provided prefix: ab");
  auto empty = store_.ResolveContainer("");
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kUnknown);
  EXPECT_EQ(empty.status().message(), "Prefix can't be empty");
  auto none = store_.ResolveContainer("ff");
  EXPECT_EQ(none.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(none.status().message(), "not found");
  // Sandboxes have an index of their own.
  EXPECT_EQ(store_.ResolveSandbox("ab").status().code(), absl::StatusCode::kNotFound);
  const std::string& sid = sandboxes_[&store_];
  EXPECT_EQ(*store_.ResolveSandbox(sid.substr(0, 12)), sid);
}

// ---------------------------------------------------------------------------
// Resources

TEST(LinuxResources, MergeKeepsWhatAnUpdateLeavesZero) {
  LinuxResources r;
  r.cpu_shares = 256;
  r.cpuset_cpus = "0";
  r.oom_score_adj = 500;
  LinuxResources u;
  u.cpu_quota = 20000;
  u.memory_limit_in_bytes = 200 << 20;
  r.MergeFrom(u);
  EXPECT_EQ(r.cpu_shares, 256);
  EXPECT_EQ(r.cpu_quota, 20000);
  EXPECT_EQ(r.cpuset_cpus, "0");
  EXPECT_EQ(r.oom_score_adj, 500);
  EXPECT_EQ(r.memory_limit_in_bytes, 200 << 20);
  EXPECT_EQ(r.memory_swap_limit_in_bytes, 200 << 20);  // swap follows the limit

  LinuxResources swap;
  swap.memory_limit_in_bytes = 100 << 20;
  swap.memory_swap_limit_in_bytes = 300 << 20;
  swap.unified = {{"memory.high", "1000000"}};
  swap.hugepage_limits = {{"2MB", 1 << 21}};
  r.MergeFrom(swap);
  r.MergeFrom(swap);
  EXPECT_EQ(r.memory_swap_limit_in_bytes, 300 << 20);
  EXPECT_EQ(r.unified.at("memory.high"), "1000000");
  EXPECT_EQ(r.hugepage_limits.size(), 2u);  // appended, as containerd appends them
}

}  // namespace
}  // namespace fakecri
