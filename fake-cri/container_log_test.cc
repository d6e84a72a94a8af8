#include "fake-cri/container_log.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/fake_cri_clock.h"
#include "testing/temp_dir.h"

namespace fakecri {

using FakeClock = ::kit::testing::FakeCriClock;
using ::kit::testing::TempDir;
namespace {

using ::testing::HasSubstr;

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(GoRfc3339Nano, DropsTrailingZerosAsGoDoes) {
  const int64_t base = FakeClock::kWallBase;  // 2024-10-15T03:18:00Z
  EXPECT_EQ(GoRfc3339Nano(base), "2024-10-15T03:18:00Z");
  EXPECT_EQ(GoRfc3339Nano(base + 734835107), "2024-10-15T03:18:00.734835107Z");
  EXPECT_EQ(GoRfc3339Nano(base + 734835100), "2024-10-15T03:18:00.7348351Z");
  EXPECT_EQ(GoRfc3339Nano(base + 500000000), "2024-10-15T03:18:00.5Z");
}

TEST(FormatCriLog, OneFullEntryPerLine) {
  EXPECT_EQ(FormatCriLog(FakeClock::kWallBase, "stdout", "hello\nworld\n"),
            "2024-10-15T03:18:00Z stdout F hello\n2024-10-15T03:18:00Z stdout F world\n");
  EXPECT_EQ(FormatCriLog(FakeClock::kWallBase, "stderr", ""), "");
  EXPECT_EQ(FormatCriLog(FakeClock::kWallBase, "stderr", "\n"), "2024-10-15T03:18:00Z stderr F \n");
}

TEST(FormatCriLog, ALastLineWithoutNewlineIsPartial) {
  EXPECT_EQ(FormatCriLog(FakeClock::kWallBase, "stdout", "done"),
            "2024-10-15T03:18:00Z stdout P done\n");
}

TEST(FormatCriLog, LongLinesAreCutAtTheLimitIntoPartialEntries) {
  const std::string line = std::string(10, 'a') + std::string(10, 'b') + std::string(3, 'c');
  EXPECT_EQ(FormatCriLog(FakeClock::kWallBase, "stdout", line + "\n", 10),
            "2024-10-15T03:18:00Z stdout P aaaaaaaaaa\n"
            "2024-10-15T03:18:00Z stdout P bbbbbbbbbb\n"
            "2024-10-15T03:18:00Z stdout F ccc\n");
  // Exactly the limit is one full entry (containerd splits only above it).
  EXPECT_EQ(FormatCriLog(FakeClock::kWallBase, "stdout", std::string(10, 'x') + "\n", 10),
            "2024-10-15T03:18:00Z stdout F xxxxxxxxxx\n");
  EXPECT_EQ(kMaxLogLineSize, 16384u);
}

TEST(FormatCriLog, ACarriageReturnBeforeTheNewlineIsDropped) {
  EXPECT_EQ(FormatCriLog(FakeClock::kWallBase, "stdout", "dos\r\n"),
            "2024-10-15T03:18:00Z stdout F dos\n");
}

TEST(AppendContainerLog, MakesTheDirectoryAndTheFileWithContainerdsModes) {
  TempDir dir;
  const std::string path = dir.Join("pod/app/0.log");
  ASSERT_TRUE(AppendContainerLog(path, "a\n").ok());
  ASSERT_TRUE(AppendContainerLog(path, "b\n").ok());
  EXPECT_EQ(Read(path), "a\nb\n");
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  ASSERT_EQ(::stat(dir.Join("pod/app").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0755u & ~static_cast<unsigned>(umask(umask(0))));
}

TEST(AppendContainerLog, ErrorsReadAsGos) {
  TempDir dir;
  ASSERT_TRUE(AppendContainerLog(dir.Join("file"), "").ok());
  absl::Status s = AppendContainerLog(dir.Join("file/0.log"), "x");
  EXPECT_EQ(s.message(), "mkdir " + dir.Join("file") + ": not a directory");
  EXPECT_TRUE(AppendContainerLog("", "ignored").ok());  // no log path: discarded
}

}  // namespace
}  // namespace fakecri
