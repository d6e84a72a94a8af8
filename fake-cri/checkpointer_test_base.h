#ifndef FAKE_CRI_CHECKPOINTER_TEST_BASE_H_
#define FAKE_CRI_CHECKPOINTER_TEST_BASE_H_

// The fixture the Checkpointer's tests share: a store with one sandbox and a
// running 64 MiB container, a fake clock, a temp dir for archives, and a model
// of 300 ms + 320 MiB/s (so 64 MiB takes 500 ms).

#include <memory>
#include <string>

#include "fake-cri/checkpointer.h"
#include "gtest/gtest.h"
#include "testing/fake_cri_clock.h"
#include "testing/temp_dir.h"

namespace fakecri {

using FakeClock = ::kit::testing::FakeCriClock;
using ::kit::testing::TempDir;

class CheckpointerTestBase : public ::testing::Test {
 protected:
  static constexpr uint64_t kMiB = 1ULL << 20;

  explicit CheckpointerTestBase(const std::string& profile) : profile_(profile) {}

  void SetUp() override {
    Sandbox s;
    s.name = "web";
    s.ns = "default";
    s.uid = "uid-1";
    sandbox_id_ = *store_.AddSandbox(s);
    running_id_ = AddContainer("nginx", 64 * kMiB, /*start=*/true);
    UseProfile(profile_);
  }

  void UseProfile(const std::string& name) {
    options_.profile = FindRuntimeProfile(name);
    ASSERT_NE(options_.profile, nullptr) << name;
    options_.flavor = options_.profile->layout;
    options_.latency.fixed_cost_ns = 300'000'000;
    options_.latency.throughput_bytes_per_second = 320.0 * kMiB;
  }

  std::string AddContainer(const std::string& name, uint64_t ws, bool start) {
    Container c;
    c.sandbox_id = sandbox_id_;
    c.name = name;
    c.image = "docker.io/library/nginx:1.25";
    c.working_set_bytes = ws;
    std::string id = *store_.AddContainer(c);
    if (start) {
      EXPECT_TRUE(store_.StartContainer(id).ok());
    }
    return id;
  }

  // The file operations a test gives when it gives none.
  virtual FileOps* DefaultOps() { return RealFileOps(); }

  std::unique_ptr<Checkpointer> Make(FileOps* ops = nullptr) {
    return std::make_unique<Checkpointer>(&store_, &clock_, ops ? ops : DefaultOps(), &counters_,
                                          options_, [this] { ++crashes_; });
  }

  CheckpointCall Call(const std::string& name = "a.tar") {
    CheckpointCall call;
    call.container_id = running_id_;
    call.location = dir_.Join(name);
    call.received = clock_.Now();
    return call;
  }

  const std::string profile_;
  FakeClock clock_;
  Store store_{&clock_};
  Counters counters_;
  CheckpointerOptions options_;
  TempDir dir_;
  std::string sandbox_id_, running_id_;
  int crashes_ = 0;
};

}  // namespace fakecri

#endif  // FAKE_CRI_CHECKPOINTER_TEST_BASE_H_
