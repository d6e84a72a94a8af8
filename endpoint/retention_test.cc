#include "endpoint/retention.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"
#include "testing/fake_clock.h"
#include "testing/temp_dir.h"

namespace endpoint {
namespace {

using ::kit::testing::FakeClock;
namespace fs = std::filesystem;

const WallTime kT0 = WallTime(std::chrono::seconds(1728962280));  // 2024-10-15T03:18:00Z

class RetentionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("TZ", "UTC", 1);
    tzset();
    ASSERT_EQ(::mkdir(dir_.c_str(), 0700), 0);
  }

  // A checkpoint of ns/pod/container at `t`: the file the runtime writes, then
  // the record the handler makes after the 200.
  std::string Checkpoint(RetentionIndex& index, const std::string& ns, const std::string& pod,
                         const std::string& container, WallTime t, const std::string& content) {
    clock_.Advance(t - clock_.Now());
    const std::string path = KubeletArchiveName(dir_, ns, pod, container, t);
    std::ofstream(path, std::ios::trunc) << content;
    index.Record(path, ns, pod, container);
    return path;
  }

  kit::testing::TempDir tmp_;
  const std::string dir_ = tmp_.Join("checkpoints");
  const std::string index_file_ = tmp_.Join("retention.json");
  FakeClock clock_{kT0};
  ArchiveNamer namer_{dir_, &clock_, /*unique=*/false};
};

TEST_F(RetentionTest, KeepsTheNewestNOfThisContainerOnly) {
  RetentionIndex index(index_file_, &clock_);
  std::vector<std::string> mine;
  for (int i = 0; i < 4; ++i) {
    mine.push_back(Checkpoint(index, "ns", "p", "web", kT0 + std::chrono::seconds(i), "a"));
  }
  const std::string other = Checkpoint(index, "ns", "p", "web-2", kT0, "b");
  std::vector<std::string> deleted = index.Enforce("ns", "p", "web", 2, namer_);
  EXPECT_EQ(deleted, (std::vector<std::string>{mine[0], mine[1]}));
  EXPECT_FALSE(fs::exists(mine[0]));
  EXPECT_FALSE(fs::exists(mine[1]));
  EXPECT_TRUE(fs::exists(mine[2]));
  EXPECT_TRUE(fs::exists(mine[3]));
  EXPECT_TRUE(fs::exists(other));
  EXPECT_EQ(index.entries().size(), 3u);
}

// Pod a in namespace b with container c-d, and pod a in namespace b-c with
// container d: the kubelet gives both the names checkpoint-a_b-c-d-<time>.tar.
TEST_F(RetentionTest, TwoContainersWithTheSameArchiveNamesAreNeverConfused) {
  RetentionIndex index(index_file_, &clock_);
  const std::string x1 = Checkpoint(index, "b", "a", "c-d", kT0, "x1");
  const std::string x2 = Checkpoint(index, "b", "a", "c-d", kT0 + std::chrono::seconds(1), "x2");
  const std::string y1 = Checkpoint(index, "b-c", "a", "d", kT0 + std::chrono::seconds(2), "y1");
  const std::string y2 = Checkpoint(index, "b-c", "a", "d", kT0 + std::chrono::seconds(3), "y2");
  ASSERT_EQ(fs::path(x1).filename().string().substr(0, 21), "checkpoint-a_b-c-d-20");
  ASSERT_EQ(fs::path(y1).filename().string().substr(0, 21), "checkpoint-a_b-c-d-20");
  EXPECT_EQ(index.Enforce("b-c", "a", "d", 1, namer_), (std::vector<std::string>{y1}));
  EXPECT_EQ(index.Enforce("b", "a", "c-d", 1, namer_), (std::vector<std::string>{x1}));
  EXPECT_TRUE(fs::exists(x2));
  EXPECT_TRUE(fs::exists(y2));
}

TEST_F(RetentionTest, ASameSecondCollisionHandsThePathToItsLastWriter) {
  // The runtime writes the second archive over the first (the kubelet's
  // same-second name): the file is the second container's now.
  RetentionIndex index(index_file_, &clock_);
  const std::string shared = Checkpoint(index, "b", "a", "c-d", kT0, "x");
  ASSERT_EQ(Checkpoint(index, "b-c", "a", "d", kT0, "y, written over x"), shared);
  Checkpoint(index, "b", "a", "c-d", kT0 + std::chrono::seconds(5), "x newer");
  // The first container keeps one: the shared path is not its own any more.
  EXPECT_TRUE(index.Enforce("b", "a", "c-d", 1, namer_).empty());
  EXPECT_TRUE(fs::exists(shared));
}

TEST_F(RetentionTest, NeverDeletesAFileItDidNotWriteOrThatChangedSince) {
  RetentionIndex index(index_file_, &clock_);
  // Named as this container's archive, but never recorded.
  const std::string stranger =
      KubeletArchiveName(dir_, "ns", "p", "web", kT0 - std::chrono::hours(1));
  std::ofstream(stranger) << "someone else's";
  const std::string replaced = Checkpoint(index, "ns", "p", "web", kT0, "ours");
  // Replaced by another file since (a new inode).
  ASSERT_EQ(::unlink(replaced.c_str()), 0);
  std::ofstream(replaced) << "someone else's, under our old name";
  Checkpoint(index, "ns", "p", "web", kT0 + std::chrono::seconds(1), "ours, newer");
  Checkpoint(index, "ns", "p", "web", kT0 + std::chrono::seconds(2), "ours, newest");
  EXPECT_TRUE(index.Enforce("ns", "p", "web", 2, namer_).empty());
  EXPECT_TRUE(fs::exists(stranger));
  EXPECT_TRUE(fs::exists(replaced));
  EXPECT_EQ(index.entries().size(), 2u);  // the replaced one is forgotten
}

TEST_F(RetentionTest, NeverDeletesOneInProgress) {
  RetentionIndex index(index_file_, &clock_);
  const std::string old = Checkpoint(index, "ns", "p", "web", kT0, "old");
  Checkpoint(index, "ns", "p", "web", kT0 + std::chrono::seconds(1), "new");
  // A checkpoint at the old name's second is running again (the same name).
  FakeClock at_t0(kT0);
  ArchiveNamer namer(dir_, &at_t0, /*unique=*/false);
  auto running = namer.Reserve("ns", "p", "web");
  ASSERT_EQ(*running, old);
  EXPECT_TRUE(index.Enforce("ns", "p", "web", 1, namer).empty());
  EXPECT_TRUE(fs::exists(old));
}

TEST_F(RetentionTest, TheIndexOutlivesARestart) {
  std::string first;
  {
    RetentionIndex index(index_file_, &clock_);
    first = Checkpoint(index, "ns", "p", "web", kT0, "1");
    Checkpoint(index, "ns", "p", "web", kT0 + std::chrono::seconds(1), "2");
  }
  RetentionIndex again(index_file_, &clock_);
  ASSERT_EQ(again.entries().size(), 2u);
  EXPECT_EQ(again.entries()[0].pod, "p");
  EXPECT_EQ(again.Enforce("ns", "p", "web", 1, namer_), (std::vector<std::string>{first}));
}

TEST_F(RetentionTest, AMalformedIndexIsSetAsideAndNothingIsDeleted) {
  std::ofstream(index_file_) << "{\"version\":1,\"archives\":[{\"path\":7}]}";
  const std::string archive = KubeletArchiveName(dir_, "ns", "p", "web", kT0);
  std::ofstream(archive) << "x";
  RetentionIndex index(index_file_, &clock_);
  EXPECT_TRUE(index.entries().empty());
  EXPECT_TRUE(fs::exists(index_file_ + ".unreadable"));
  Checkpoint(index, "ns", "p", "web", kT0 + std::chrono::seconds(1), "y");
  EXPECT_TRUE(index.Enforce("ns", "p", "web", 1, namer_).empty());
  EXPECT_TRUE(fs::exists(archive));
}

}  // namespace
}  // namespace endpoint
