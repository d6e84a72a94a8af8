#include "fake-cri/archive/in_place_file.h"

#include <sys/stat.h>

#include <fstream>

#include "fake-cri/archive/faulty_file_ops.h"
#include "gtest/gtest.h"
#include "testing/temp_dir.h"

namespace fakecri {
namespace {

using ::kit::testing::TempDir;

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

TEST(InPlaceFile, CreatesMode0600AndWritesFromTheStart) {
  TempDir dir;
  auto f = InPlaceFile::Open(RealFileOps(), dir.Join("a"), 0600);
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_TRUE((*f)->Append(std::string("hello")).ok());
  ASSERT_TRUE((*f)->Close().ok());
  struct stat st;
  ASSERT_EQ(::stat(dir.Join("a").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(Slurp(dir.Join("a")), "hello");
}

TEST(InPlaceFile, KeepsAnExistingFilesTailModeAndInode) {
  TempDir dir;
  { std::ofstream(dir.Join("a")) << "0123456789"; }
  ASSERT_EQ(::chmod(dir.Join("a").c_str(), 0640), 0);
  struct stat before, after;
  ASSERT_EQ(::stat(dir.Join("a").c_str(), &before), 0);
  auto f = InPlaceFile::Open(RealFileOps(), dir.Join("a"), 0600);
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE((*f)->Append(std::string("abc")).ok());
  ASSERT_TRUE((*f)->Close().ok());
  ASSERT_EQ(::stat(dir.Join("a").c_str(), &after), 0);
  EXPECT_EQ(Slurp(dir.Join("a")), "abc3456789");
  EXPECT_EQ(after.st_ino, before.st_ino);
  EXPECT_EQ(after.st_mode & 07777, 0640u);
}

TEST(InPlaceFile, ErrorsReadAsGosPathErrors) {
  TempDir dir;
  auto missing = InPlaceFile::Open(RealFileOps(), dir.Join("no/a"), 0600);
  EXPECT_EQ(missing.status(),
            absl::UnknownError("open " + dir.Join("no/a") + ": no such file or directory"));
  auto is_dir = InPlaceFile::Open(RealFileOps(), dir.path(), 0600);
  EXPECT_EQ(is_dir.status(), absl::UnknownError("open " + dir.path() + ": is a directory"));
  FaultyFileOps full(RealFileOps());
  full.LimitWrites(2);
  auto f = InPlaceFile::Open(&full, dir.Join("b"), 0600);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ((*f)->Append(std::string("abcd")),
            absl::UnknownError("write " + dir.Join("b") + ": no space left on device"));
  ASSERT_TRUE((*f)->Close().ok());
  EXPECT_EQ(Slurp(dir.Join("b")), "ab");  // the partial file stays
}

TEST(GoErrnoText, LowerCasesTheFirstLetterAsGoDoes) {
  EXPECT_EQ(GoErrnoText(ENOENT), "no such file or directory");
  EXPECT_EQ(GoErrnoText(ENOSPC), "no space left on device");
  EXPECT_EQ(GoErrnoText(EISDIR), "is a directory");
  EXPECT_EQ(GoErrnoText(EINVAL), "invalid argument");
}

}  // namespace
}  // namespace fakecri
