#include "fake-cri/archive/atomic_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "fake-cri/archive/faulty_file_ops.h"
#include "gtest/gtest.h"
#include "testing/temp_dir.h"

namespace fakecri {
namespace {

using ::kit::testing::TempDir;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class AtomicFileTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    old_umask_ = ::umask(0);  // the mode must not depend on the umask being kind
    if (GetParam()) ops_.DisableUnnamed();
  }
  void TearDown() override { ::umask(old_umask_); }

  TempDir dir_;
  FaultyFileOps ops_{RealFileOps()};
  mode_t old_umask_ = 0;
};

// Runs with O_TMPFILE (false) and with a named temporary file (true).
INSTANTIATE_TEST_SUITE_P(TempKinds, AtomicFileTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "NamedTemp" : "Unnamed"; });

TEST_P(AtomicFileTest, CommitPublishesCompleteFileWithMode0600) {
  std::string path = dir_.Join("a.tar");
  auto f = AtomicFile::Create(&ops_, path, 0600);
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_TRUE((*f)->Append(std::string("hello ")).ok());
  EXPECT_FALSE(::access(path.c_str(), F_OK) == 0) << "visible before commit";
  ASSERT_TRUE((*f)->Append(std::string("world")).ok());
  ASSERT_TRUE((*f)->Commit().ok());
  struct stat st;
  ASSERT_EQ(::lstat(path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(st.st_uid, ::geteuid());
  EXPECT_EQ(ReadFile(path), "hello world");
  EXPECT_EQ(dir_.Entries(), std::set<std::string>{"a.tar"});
  EXPECT_EQ((*f)->bytes_written(), 11u);
}

// An unnamed file has no path to look at; the named temporary file does.
TEST(AtomicFile, NamedTemporaryFileIsNeverWiderThan0600) {
  mode_t old = ::umask(0);
  TempDir dir;
  FaultyFileOps ops(RealFileOps());
  ops.DisableUnnamed();
  auto f = AtomicFile::Create(&ops, dir.Join("a.tar"), 0600);
  ::umask(old);
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(ops.open_named().size(), 1u);
  struct stat st;
  ASSERT_EQ(::lstat(ops.open_named().begin()->c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
}

TEST_P(AtomicFileTest, ExistingFileIsNeverOverwritten) {
  std::string path = dir_.Join("a.tar");
  { std::ofstream(path) << "original"; }
  auto f = AtomicFile::Create(&ops_, path, 0600);
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE((*f)->Append(std::string("new")).ok());
  absl::Status s = (*f)->Commit();
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists) << s;
  f->reset();
  EXPECT_EQ(ReadFile(path), "original");
  EXPECT_EQ(dir_.Entries(), std::set<std::string>{"a.tar"});
}

TEST_P(AtomicFileTest, SymlinkAtThePathIsNotFollowed) {
  std::string target = dir_.Join("target");
  { std::ofstream(target) << "keep"; }
  std::string path = dir_.Join("a.tar");
  ASSERT_EQ(::symlink(target.c_str(), path.c_str()), 0);
  auto f = AtomicFile::Create(&ops_, path, 0600);
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE((*f)->Append(std::string("evil")).ok());
  EXPECT_EQ((*f)->Commit().code(), absl::StatusCode::kAlreadyExists);
  f->reset();
  EXPECT_EQ(ReadFile(target), "keep");
  struct stat st;
  ASSERT_EQ(::lstat(path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  EXPECT_EQ(dir_.Entries(), (std::set<std::string>{"a.tar", "target"}));
}

TEST_P(AtomicFileTest, MissingDirectoryIsNotFound) {
  auto f = AtomicFile::Create(&ops_, dir_.Join("no/such/a.tar"), 0600);
  EXPECT_EQ(f.status().code(), absl::StatusCode::kNotFound) << f.status();
}

TEST_P(AtomicFileTest, RelativePathIsRejected) {
  EXPECT_EQ(AtomicFile::Create(&ops_, "a.tar", 0600).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_P(AtomicFileTest, DestroyingUncommittedFileLeavesNothing) {
  {
    auto f = AtomicFile::Create(&ops_, dir_.Join("a.tar"), 0600);
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE((*f)->Append(std::string(100000, 'x')).ok());
  }
  EXPECT_TRUE(dir_.Entries().empty());
}

// A failure injected at each step: an error, and nothing left in the directory.
struct StepCase {
  FaultyFileOps::Step step;
  const char* name;
};

class AtomicFileStepTest : public ::testing::TestWithParam<std::tuple<bool, StepCase>> {};

TEST_P(AtomicFileStepTest, FailureAtEachStepLeavesNothingBehind) {
  auto [named, c] = GetParam();
  TempDir dir;
  FaultyFileOps ops(RealFileOps());
  if (named) ops.DisableUnnamed();
  ops.FailAt(c.step, absl::InternalError(std::string("injected at ") + c.name));
  std::string path = dir.Join("a.tar");
  absl::Status s;
  {
    auto f = AtomicFile::Create(&ops, path, 0600);
    s = f.status();
    if (f.ok()) {
      s = (*f)->Append(std::string(4096, 'x'));
      if (s.ok()) s = (*f)->Commit();
    }
  }
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find(c.name), std::string::npos) << s;
  EXPECT_TRUE(dir.Entries().empty()) << "left: " << *dir.Entries().begin();
}

INSTANTIATE_TEST_SUITE_P(
    Steps, AtomicFileStepTest,
    ::testing::Combine(::testing::Bool(),
                       ::testing::Values(StepCase{FaultyFileOps::Step::kOpen, "open"},
                                         StepCase{FaultyFileOps::Step::kWrite, "write"},
                                         StepCase{FaultyFileOps::Step::kFchmod, "fchmod"},
                                         StepCase{FaultyFileOps::Step::kFsync, "fsync"},
                                         StepCase{FaultyFileOps::Step::kLink, "link"},
                                         StepCase{FaultyFileOps::Step::kFsyncDir, "fsyncdir"})),
    [](const auto& info) {
      return std::string(std::get<0>(info.param) ? "NamedTemp_" : "Unnamed_") +
             std::get<1>(info.param).name;
    });

TEST(AtomicFile, DiskFullAfterKBytesFailsWithResourceExhausted) {
  TempDir dir;
  FaultyFileOps ops(RealFileOps());
  ops.LimitWrites(1000);
  auto f = AtomicFile::Create(&ops, dir.Join("a.tar"), 0600);
  ASSERT_TRUE(f.ok());
  absl::Status s = (*f)->Append(std::string(4096, 'x'));
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(s.message().find("No space left on device"), std::string::npos);
  EXPECT_EQ(ops.written(), 1000u);
  f->reset();
  EXPECT_TRUE(dir.Entries().empty());
}

}  // namespace
}  // namespace fakecri
