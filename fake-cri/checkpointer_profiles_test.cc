// The Checkpointer as real runtimes behave (profiles other than reference):
// texts, order of checks, in-place writes, ignored timeouts and deadlines.
#include <sys/stat.h>
#include <unistd.h>

#include <condition_variable>
#include <fstream>
#include <mutex>
#include <thread>

#include "fake-cri/archive/faulty_file_ops.h"
#include "fake-cri/checkpointer.h"
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

// Records when and with which path the location was opened; can hold the
// open until released, to keep a checkpoint in progress.
class RecordingOps final : public FileOps {
 public:
  RecordingOps(FileOps* inner, Clock* clock) : inner_(inner), clock_(clock) {}
  absl::Status OpenUnnamed(const std::string& d, mode_t m, int* fd) override {
    return inner_->OpenUnnamed(d, m, fd);
  }
  absl::Status OpenExclusive(const std::string& p, mode_t m, int* fd) override {
    return inner_->OpenExclusive(p, m, fd);
  }
  absl::Status OpenInPlace(const std::string& p, mode_t m, int* fd) override {
    {
      std::unique_lock<std::mutex> lock(mu_);
      opened_path = p;
      opened_at = clock_->Now();
      ++opens_waiting;
      cv_.notify_all();
      cv_.wait(lock, [&] { return !hold; });
      --opens_waiting;
    }
    return inner_->OpenInPlace(p, m, fd);
  }
  absl::Status Stat(const std::string& p, struct stat* st) override { return inner_->Stat(p, st); }
  absl::Status Lstat(const std::string& p, struct stat* st) override {
    return inner_->Lstat(p, st);
  }
  absl::Status Write(int fd, const char* d, size_t n) override { return inner_->Write(fd, d, n); }
  absl::Status Fchmod(int fd, mode_t m) override { return inner_->Fchmod(fd, m); }
  absl::Status Fsync(int fd) override {
    ++fsyncs;
    return inner_->Fsync(fd);
  }
  absl::Status LinkUnnamed(int fd, const std::string& p) override {
    return inner_->LinkUnnamed(fd, p);
  }
  absl::Status RenameNoReplace(const std::string& f, const std::string& t) override {
    return inner_->RenameNoReplace(f, t);
  }
  absl::Status Unlink(const std::string& p) override { return inner_->Unlink(p); }
  absl::Status Close(int fd) override { return inner_->Close(fd); }
  absl::Status FsyncDir(const std::string& d) override { return inner_->FsyncDir(d); }

  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    hold = false;
    cv_.notify_all();
  }
  void WaitForOpens(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return opens_waiting >= n; });
  }

  std::string opened_path;
  SteadyTime opened_at{};
  int fsyncs = 0;
  bool hold = false;
  int opens_waiting = 0;

 private:
  FileOps* inner_;
  Clock* clock_;
  std::mutex mu_;
  std::condition_variable cv_;
};

class ProfileCheckpointerTest : public CheckpointerTestBase {
 protected:
  ProfileCheckpointerTest() : CheckpointerTestBase("containerd-2.1") {}
  FileOps* DefaultOps() override { return &ops_; }

  static std::string Slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), {});
  }

  RecordingOps ops_{RealFileOps(), &clock_};
};

TEST_F(ProfileCheckpointerTest, OpensTheLocationOnlyAfterTheModelledDumpAndNeverSyncs) {
  ASSERT_TRUE(Make()->Checkpoint(Call()).ok());
  EXPECT_EQ(ops_.opened_path, dir_.Join("a.tar"));
  EXPECT_EQ(ops_.opened_at - SteadyTime(), std::chrono::milliseconds(500));
  EXPECT_EQ(ops_.fsyncs, 0);
  struct stat st;
  ASSERT_EQ(::lstat(dir_.Join("a.tar").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  ReadArchive r = ReadTar(dir_.Join("a.tar"));
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.entries.count("status.dump"), 1u);  // containerd 2.1's layout
  EXPECT_EQ(counters_.checkpoints_written, 1u);
}

TEST_F(ProfileCheckpointerTest, OverwritesAnExistingFileInPlaceKeepingInodeModeAndTail) {
  const std::string path = dir_.Join("a.tar");
  std::string old(400'000, 'x');
  { std::ofstream(path, std::ios::binary) << old; }
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  struct stat before, after;
  ASSERT_EQ(::stat(path.c_str(), &before), 0);
  ASSERT_TRUE(Make()->Checkpoint(Call()).ok());
  ASSERT_EQ(::stat(path.c_str(), &after), 0);
  EXPECT_EQ(after.st_ino, before.st_ino);
  EXPECT_EQ(after.st_mode & 07777, 0644u);
  EXPECT_EQ(after.st_size, before.st_size);  // the new archive is shorter
  std::string content = Slurp(path);
  const uint64_t written = counters_.bytes_written;
  ASSERT_LT(written, old.size());
  EXPECT_EQ(content.substr(written), old.substr(written));  // the old tail is still there
  EXPECT_TRUE(ReadTar(path).ok);                            // a tar reader stops at the end blocks
}

TEST_F(ProfileCheckpointerTest, FollowsASymlinkAtTheLocation) {
  const std::string target = dir_.Join("elsewhere.tar");
  ASSERT_EQ(::symlink(target.c_str(), dir_.Join("a.tar").c_str()), 0);
  ASSERT_TRUE(Make()->Checkpoint(Call()).ok());
  struct stat st;
  ASSERT_EQ(::lstat(dir_.Join("a.tar").c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  EXPECT_TRUE(ReadTar(target).ok);
}

TEST_F(ProfileCheckpointerTest, HandsARelativeLocationToTheFilesystemAsIs) {
  CheckpointCall call = Call();
  call.location = "relative.tar";
  FaultyFileOps refuse(&ops_);  // never create it in the test's working directory
  refuse.FailAt(FaultyFileOps::Step::kOpen, ErrnoStatus(EACCES, "open", "relative.tar"));
  absl::Status s = Make(&refuse)->Checkpoint(call);
  EXPECT_EQ(ops_.opened_path, "");  // refused before reaching the recorder
  EXPECT_EQ(s.code(), absl::StatusCode::kUnknown);
  EXPECT_EQ(s.message(), "open relative.tar: permission denied");
}

TEST_F(ProfileCheckpointerTest, MissingDirectoryIsGosOpenErrorAfterTheDump) {
  CheckpointCall call = Call();
  call.location = dir_.Join("missing/a.tar");
  absl::Status s = Make()->Checkpoint(call);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnknown);
  EXPECT_EQ(s.message(), "open " + call.location + ": no such file or directory");
  EXPECT_EQ(clock_.Elapsed(), std::chrono::milliseconds(500));
  EXPECT_EQ(counters_.checkpoints_failed, 1u);
}

TEST_F(ProfileCheckpointerTest, LocationThatIsADirectory) {
  CheckpointCall call = Call();
  call.location = dir_.path();
  absl::Status s = Make()->Checkpoint(call);
  EXPECT_EQ(s, absl::UnknownError("open " + dir_.path() + ": is a directory"));
}

TEST_F(ProfileCheckpointerTest, NulInTheLocationIsGosInvalidArgumentAndOpensNothing) {
  CheckpointCall call = Call();
  call.location = dir_.Join(std::string("a.tar\0x", 7));
  absl::Status s = Make()->Checkpoint(call);
  EXPECT_EQ(s, absl::UnknownError("open " + call.location + ": invalid argument"));
  EXPECT_TRUE(dir_.Entries().empty());
}

TEST_F(ProfileCheckpointerTest, CrioWrapsTheOpenError) {
  UseProfile("cri-o");
  CheckpointCall call = Call();
  call.location = dir_.Join("missing/a.tar");
  absl::Status s = Make()->Checkpoint(call);
  EXPECT_EQ(s,
            absl::UnknownError("failed to write file system changes of container " + running_id_ +
                               ": error creating checkpoint export file \"" + call.location +
                               "\": open " + call.location + ": no such file or directory"));
}

TEST_F(ProfileCheckpointerTest, DiskFullLeavesThePartialArchive) {
  CheckpointCall call = Call();
  call.faults.disk_full_after = 10000;
  absl::Status s = Make()->Checkpoint(call);
  EXPECT_EQ(s, absl::UnknownError("write " + call.location + ": no space left on device"));
  struct stat st;
  ASSERT_EQ(::stat(call.location.c_str(), &st), 0);
  EXPECT_EQ(st.st_size, 10000);
}

TEST_F(ProfileCheckpointerTest, CrashLeavesThePartialArchive) {
  CheckpointCall call = Call();
  call.faults.crash_after = 10000;
  EXPECT_FALSE(Make()->Checkpoint(call).ok());
  EXPECT_EQ(crashes_, 1);
  EXPECT_EQ(dir_.Entries(), std::set<std::string>{"a.tar"});
}

TEST_F(ProfileCheckpointerTest, IgnoresTheRequestTimeoutEvenANegativeOne) {
  const std::string big = AddContainer("big", 4096 * kMiB, true);  // 13.1 s modelled
  for (int64_t timeout : {int64_t{1}, int64_t{-5}, INT64_MAX}) {
    CheckpointCall call = Call("t" + std::to_string(timeout) + ".tar");
    call.container_id = big;
    call.timeout_seconds = timeout;
    const SteadyTime start = clock_.Now();
    EXPECT_TRUE(Make()->Checkpoint(call).ok()) << timeout;
    EXPECT_EQ(clock_.Now() - start, std::chrono::milliseconds(13100)) << timeout;
  }
}

TEST_F(ProfileCheckpointerTest, FinishesTheArchiveAfterTheCallersDeadlineAndCancel) {
  const std::string big = AddContainer("big", 4096 * kMiB, true);
  CheckpointCall call = Call();
  call.container_id = big;
  call.rpc_deadline = clock_.Now() + std::chrono::seconds(1);
  call.cancelled = [] { return true; };
  EXPECT_TRUE(Make()->Checkpoint(call).ok());  // the caller has long had DEADLINE_EXCEEDED
  EXPECT_TRUE(ReadTar(call.location).ok);
}

TEST_F(ProfileCheckpointerTest, ShutdownStillStopsIt) {
  auto cp = Make();
  cp->Shutdown();
  EXPECT_EQ(cp->Checkpoint(Call()).code(), absl::StatusCode::kCancelled);
  EXPECT_TRUE(dir_.Entries().empty());
}

TEST_F(ProfileCheckpointerTest, RuntimesThatCannotCheckpointAnswerForAnyContainer) {
  for (const auto& [profile, text] :
       {std::pair<const char*, const char*>{
            "containerd-1.6.0",
            "unknown method CheckpointContainer for service runtime.v1.RuntimeService"},
        {"containerd-1.6.9", "method CheckpointContainer not implemented"}}) {
    UseProfile(profile);
    CheckpointCall call = Call();
    call.container_id = "no-such-container";
    EXPECT_EQ(Make()->Checkpoint(call), absl::UnimplementedError(text)) << profile;
  }
  EXPECT_EQ(clock_.Elapsed(), Nanos(0));
}

TEST_F(ProfileCheckpointerTest, WithoutCriuTheTextComesBeforeTheIdLookup) {
  options_.criu = false;
  CheckpointCall call = Call();
  call.container_id = "no-such-container";
  UseProfile("containerd-2.1");
  EXPECT_EQ(Make()->Checkpoint(call),
            absl::UnknownError("CRIU binary not found or too old (<31600). Failed to checkpoint "
                               "container \"no-such-container\": failed to check for criu "
                               "version: exec: \"criu\": executable file not found in $PATH"));
  UseProfile("containerd-2.4");
  EXPECT_EQ(Make()->Checkpoint(call),
            absl::UnknownError("failed to checkpoint container \"no-such-container\": criu binary "
                               "not found in shim path or system PATH"));
  UseProfile("cri-o");
  EXPECT_EQ(Make()->Checkpoint(call),
            absl::UnknownError("checkpoint/restore support not available"));
  EXPECT_TRUE(dir_.Entries().empty());
}

TEST_F(ProfileCheckpointerTest, UnknownIdAndNotRunningTextsPerProfile) {
  const std::string idle = AddContainer("idle", kMiB, /*start=*/false);
  struct Row {
    const char* profile;
    absl::Status unknown, not_running;
  } rows[] = {
      {"containerd-2.0",
       absl::NotFoundError("an error occurred when try to find container \"x1\": not found"),
       absl::UnknownError("container \"" + idle +
                          "\" is in CONTAINER_CREATED state. only CONTAINER_RUNNING containers "
                          "can be checkpointed")},
      {"containerd-2.1",
       absl::NotFoundError(
           "an error occurred when trying to find container the container status "
           "\"x1\": an error occurred when try to find container \"x1\": not found"),
       absl::UnknownError("container \"" + idle +
                          "\" is in CONTAINER_CREATED state. only CONTAINER_RUNNING containers "
                          "can be checkpointed")},
      {"cri-o",
       absl::NotFoundError("could not find container \"x1\": container with ID starting with x1 "
                           "not found: ID does not exist"),
       absl::UnknownError("container " + idle + " is not running")},
  };
  for (const Row& row : rows) {
    UseProfile(row.profile);
    CheckpointCall call = Call();
    call.container_id = "x1";
    EXPECT_EQ(Make()->Checkpoint(call), row.unknown) << row.profile;
    call.container_id = idle;
    EXPECT_EQ(Make()->Checkpoint(call), row.not_running) << row.profile;
  }
}

TEST_F(ProfileCheckpointerTest, ContainerdRunsTwoCheckpointsOfOneContainerTogether) {
  ops_.hold = true;
  auto cp = Make();
  absl::Status first, second;
  std::thread a([&] { first = cp->Checkpoint(Call("a.tar")); });
  std::thread b([&] { second = cp->Checkpoint(Call("b.tar")); });
  ops_.WaitForOpens(2);  // both are past their dump, at the same time
  ops_.Release();
  a.join();
  b.join();
  EXPECT_TRUE(first.ok()) << first;
  EXPECT_TRUE(second.ok()) << second;
}

TEST_F(ProfileCheckpointerTest, CrioRefusesASecondCheckpointOfOneContainerWithRuncsPauseError) {
  UseProfile("cri-o");
  ops_.hold = true;
  auto cp = Make();
  absl::Status first;
  std::thread a([&] { first = cp->Checkpoint(Call("a.tar")); });
  ops_.WaitForOpens(1);
  absl::Status second = cp->Checkpoint(Call("b.tar"));
  ops_.Release();
  a.join();
  EXPECT_TRUE(first.ok()) << first;
  EXPECT_EQ(second.code(), absl::StatusCode::kUnknown);
  const std::string prefix = "failed to pause container \"" + running_id_ +
                             "\" before checkpointing: `/usr/bin/runc --root /run/runc "
                             "--systemd-cgroup pause " +
                             running_id_ + "` failed: time=\"";
  EXPECT_EQ(std::string(second.message()).substr(0, prefix.size()), prefix) << second;
  EXPECT_NE(second.message().find("level=error msg=\"container not running\"\n : container "
                                  "process not found"),
            std::string::npos)
      << second;
}

}  // namespace
}  // namespace fakecri
