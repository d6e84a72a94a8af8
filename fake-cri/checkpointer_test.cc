#include "fake-cri/checkpointer.h"

#include <sys/stat.h>

#include <fstream>

#include "fake-cri/archive/faulty_file_ops.h"
#include "fake-cri/checkpointer_test_base.h"
#include "gtest/gtest.h"
#include "testing/archive_reader.h"
#include "testing/fake_cri_clock.h"
#include "testing/temp_dir.h"

namespace fakecri {

using ::kit::testing::ReadArchive;
using ::kit::testing::ReadTar;
using FakeClock = ::kit::testing::FakeCriClock;
using ::kit::testing::TempDir;
namespace {

class CheckpointerTest : public CheckpointerTestBase {
 protected:
  CheckpointerTest() : CheckpointerTestBase("reference") {}
};

TEST_F(CheckpointerTest, WritesArchiveAtLocationPacedToTheModel) {
  auto cp = Make();
  ASSERT_TRUE(cp->Checkpoint(Call()).ok());
  struct stat st;
  ASSERT_EQ(::lstat(dir_.Join("a.tar").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  // 300 ms + 64 MiB / (320 MiB/s) = 500 ms, exactly, on the fake clock.
  EXPECT_EQ(clock_.Elapsed(), std::chrono::milliseconds(500));
  EXPECT_EQ(counters_.checkpoints_written, 1u);
  EXPECT_EQ(counters_.bytes_written, static_cast<uint64_t>(st.st_size));
  ReadArchive r = ReadTar(dir_.Join("a.tar"));
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.entries.count("spec.dump"), 1u);
  EXPECT_EQ(r.entries.count("config.dump"), 1u);
  EXPECT_EQ(r.entries.count("checkpoint/inventory.img"), 1u);
  EXPECT_EQ(dir_.Entries(), std::set<std::string>{"a.tar"});
}

TEST_F(CheckpointerTest, TimeScaleShortensTheWait) {
  options_.time_scale = 10;
  ASSERT_TRUE(Make()->Checkpoint(Call()).ok());
  EXPECT_EQ(clock_.Elapsed(), std::chrono::milliseconds(50));
}

TEST_F(CheckpointerTest, ContainerOverrideChangesTheModel) {
  Container c;
  c.sandbox_id = sandbox_id_;
  c.name = "big";
  c.image = "docker.io/library/nginx:1.25";
  c.working_set_bytes = 1024 * kMiB;
  c.latency.fixed_cost_ns = 1'000'000'000;
  std::string id = *store_.AddContainer(c);
  ASSERT_TRUE(store_.StartContainer(id).ok());
  CheckpointCall call = Call();
  call.container_id = id;
  ASSERT_TRUE(Make()->Checkpoint(call).ok());
  // 1 s of its own fixed cost + 1024/320 s.
  EXPECT_EQ(clock_.Elapsed(), std::chrono::milliseconds(1000 + 3200));
}

TEST_F(CheckpointerTest, HugeTimeoutNeverOverflowsIntoAnInstantDeadline) {
  CheckpointCall call = Call();
  call.timeout_seconds = INT64_MAX;
  EXPECT_TRUE(Make()->Checkpoint(call).ok());
  call = Call("b.tar");
  call.timeout_seconds = INT64_MAX / 1'000'000'000 + 1;
  EXPECT_TRUE(Make()->Checkpoint(call).ok());
}

TEST_F(CheckpointerTest, ReferenceRefusesALocationWithANulByte) {
  CheckpointCall call = Call();
  call.location = dir_.Join(std::string("a\0b.tar", 7));
  absl::Status s = Make()->Checkpoint(call);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(dir_.Entries().empty());
}

TEST_F(CheckpointerTest, FullPagesModeStoresTheWholeWorkingSet) {
  options_.pages = PagesMode::kFull;
  ASSERT_TRUE(Make()->Checkpoint(Call()).ok());
  ReadArchive r = ReadTar(dir_.Join("a.tar"));
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.entries["checkpoint/pages-1.img"].size, 64 * kMiB);
}

TEST_F(CheckpointerTest, SparsePagesModeStoresASample) {
  ASSERT_TRUE(Make()->Checkpoint(Call()).ok());
  ReadArchive r = ReadTar(dir_.Join("a.tar"));
  EXPECT_EQ(r.entries["checkpoint/pages-1.img"].size, kSparseSamplePages * 4096);
}

TEST_F(CheckpointerTest, NegativeTimeoutIsInvalid) {
  CheckpointCall call = Call();
  call.timeout_seconds = -1;
  EXPECT_EQ(Make()->Checkpoint(call).code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(CheckpointerTest, UnknownContainerIsNotFoundNamingTheId) {
  CheckpointCall call = Call();
  call.container_id = "0123abcd";
  absl::Status s = Make()->Checkpoint(call);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_NE(s.message().find("0123abcd"), std::string::npos);
}

TEST_F(CheckpointerTest, ContainerNotRunningGivesContainerdsText) {
  CheckpointCall call = Call();
  call.container_id = AddContainer("idle", kMiB, /*start=*/false);
  absl::Status s = Make()->Checkpoint(call);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnknown);
  EXPECT_EQ(s.message(), "container \"" + call.container_id +
                             "\" is in CONTAINER_CREATED state. only CONTAINER_RUNNING containers "
                             "can be checkpointed");
}

TEST_F(CheckpointerTest, RelativeLocationIsInvalid) {
  CheckpointCall call = Call();
  call.location = "checkpoints/a.tar";
  EXPECT_EQ(Make()->Checkpoint(call).code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(CheckpointerTest, MissingDirectoryIsAClearError) {
  CheckpointCall call = Call();
  call.location = dir_.Join("checkpoints/a.tar");
  absl::Status s = Make()->Checkpoint(call);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("does not exist"), std::string::npos);
}

TEST_F(CheckpointerTest, ExistingArchiveIsRefusedAndUntouched) {
  { std::ofstream(dir_.Join("a.tar")) << "earlier archive"; }
  absl::Status s = Make()->Checkpoint(Call());
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists);
  std::ifstream in(dir_.Join("a.tar"));
  std::string content((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(content, "earlier archive");
}

TEST_F(CheckpointerTest, RequestTimeoutEndsTheCallAtTheDeadline) {
  std::string id = AddContainer("huge", 4096 * kMiB, true);  // 13.1 s modelled
  CheckpointCall call = Call();
  call.container_id = id;
  call.timeout_seconds = 2;
  absl::Status s = Make()->Checkpoint(call);
  EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(clock_.Elapsed(), std::chrono::seconds(2));
  EXPECT_TRUE(dir_.Entries().empty());
  EXPECT_EQ(counters_.checkpoints_failed, 1u);
}

TEST_F(CheckpointerTest, EarlierRpcDeadlineWins) {
  std::string id = AddContainer("huge", 4096 * kMiB, true);
  CheckpointCall call = Call();
  call.container_id = id;
  call.timeout_seconds = 10;
  call.rpc_deadline = clock_.Now() + std::chrono::milliseconds(1500);
  EXPECT_EQ(Make()->Checkpoint(call).code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(clock_.Elapsed(), std::chrono::milliseconds(1500));
  EXPECT_TRUE(dir_.Entries().empty());
}

TEST_F(CheckpointerTest, ZeroTimeoutUsesTheRuntimeDefault) {
  options_.default_timeout_ns = 3'000'000'000;
  std::string id = AddContainer("huge", 4096 * kMiB, true);
  CheckpointCall call = Call();
  call.container_id = id;
  EXPECT_EQ(Make()->Checkpoint(call).code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(clock_.Elapsed(), std::chrono::seconds(3));
}

TEST_F(CheckpointerTest, CancelledCallLeavesNothing) {
  CheckpointCall call = Call();
  call.cancelled = [] { return true; };
  EXPECT_EQ(Make()->Checkpoint(call).code(), absl::StatusCode::kCancelled);
  EXPECT_TRUE(dir_.Entries().empty());
}

TEST_F(CheckpointerTest, ShutdownCancelsCheckpoints) {
  auto cp = Make();
  cp->Shutdown();
  EXPECT_EQ(cp->Checkpoint(Call()).code(), absl::StatusCode::kCancelled);
  EXPECT_TRUE(dir_.Entries().empty());
}

TEST_F(CheckpointerTest, DiskFullLeavesNoPartialArchive) {
  CheckpointCall call = Call();
  call.faults.disk_full_after = 10000;
  absl::Status s = Make()->Checkpoint(call);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(s.message().find("No space left on device"), std::string::npos);
  EXPECT_TRUE(dir_.Entries().empty());
}

TEST_F(CheckpointerTest, CrashFaultKillsMidArchive) {
  CheckpointCall call = Call();
  call.faults.crash_after = 10000;
  EXPECT_FALSE(Make()->Checkpoint(call).ok());
  EXPECT_EQ(crashes_, 1);
  EXPECT_TRUE(dir_.Entries().empty());
}

TEST_F(CheckpointerTest, WriteFailureAtLinkLeavesNothing) {
  FaultyFileOps ops(RealFileOps());
  ops.FailAt(FaultyFileOps::Step::kLink, absl::InternalError("link: injected"));
  absl::Status s = Make(&ops)->Checkpoint(Call());
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
  EXPECT_NE(s.message().find(dir_.Join("a.tar")), std::string::npos) << s;
  EXPECT_TRUE(dir_.Entries().empty());
  EXPECT_EQ(counters_.checkpoints_written, 0u);
}

TEST_F(CheckpointerTest, NonConformantFaultsMisbehaveAsConfigured) {
  auto cp = Make();
  {
    CheckpointCall call = Call("mode.tar");
    call.faults.mode_0644 = true;
    ASSERT_TRUE(cp->Checkpoint(call).ok());
    struct stat st;
    ASSERT_EQ(::lstat(call.location.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0644u);
  }
  {
    CheckpointCall call = Call("none.tar");
    call.faults.no_archive = true;
    ASSERT_TRUE(cp->Checkpoint(call).ok());
    EXPECT_EQ(dir_.Entries().count("none.tar"), 0u);
  }
  {
    CheckpointCall call = Call("moved.tar");
    call.faults.elsewhere = true;
    ASSERT_TRUE(cp->Checkpoint(call).ok());
    EXPECT_EQ(dir_.Entries().count("moved.tar"), 0u);
    EXPECT_EQ(dir_.Entries().count("misplaced-moved.tar"), 1u);
  }
  {
    CheckpointCall call = Call("text.tar");
    call.faults.not_a_tar = true;
    ASSERT_TRUE(cp->Checkpoint(call).ok());
    EXPECT_FALSE(ReadTar(call.location).ok);
  }
  {
    CheckpointCall call = Call("partial.tar");
    call.faults.missing_entries = {"spec.dump"};
    ASSERT_TRUE(cp->Checkpoint(call).ok());
    ReadArchive r = ReadTar(call.location);
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.entries.count("spec.dump"), 0u);
    EXPECT_EQ(r.entries.count("config.dump"), 1u);
  }
}

}  // namespace
}  // namespace fakecri
