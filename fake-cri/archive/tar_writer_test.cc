#include "fake-cri/archive/tar_writer.h"

#include <string>

#include "gtest/gtest.h"
#include "testing/archive_reader.h"

namespace fakecri {
namespace {

using ::kit::testing::ReadArchive;
using ::kit::testing::ReadTar;

TEST(TarWriter, WritesEntriesThatLibarchiveReadsBack) {
  StringSink sink;
  TarWriter tar(&sink, 1728962280);
  ASSERT_TRUE(tar.AddDirectory("checkpoint", 0700).ok());
  ASSERT_TRUE(tar.AddFile("config.dump", "{\"id\":\"x\"}", 0600).ok());
  ASSERT_TRUE(tar.AddFile("empty", "", 0644).ok());
  ASSERT_TRUE(tar.AddStreamedFile("checkpoint/pages-1.img", 5000, 0600,
                                  [](ByteSink* body) {
                                    std::string chunk(2500, 'p');
                                    if (auto s = body->Append(chunk); !s.ok()) return s;
                                    return body->Append(chunk);
                                  })
                  .ok());
  ASSERT_TRUE(tar.Finish().ok());
  EXPECT_EQ(sink.str().size() % 512, 0u);

  ReadArchive r = ReadTar(sink.str(), /*from_memory=*/true);
  ASSERT_TRUE(r.ok) << r.error;
  ASSERT_EQ(r.entries.size(), 4u);
  EXPECT_EQ(r.entries["checkpoint/"].type, '5');
  EXPECT_EQ(r.entries["checkpoint/"].mode, 0700u);
  EXPECT_EQ(r.entries["config.dump"].content, "{\"id\":\"x\"}");
  EXPECT_EQ(r.entries["config.dump"].mode, 0600u);
  EXPECT_EQ(r.entries["empty"].size, 0u);
  EXPECT_EQ(r.entries["checkpoint/pages-1.img"].size, 5000u);
  EXPECT_EQ(r.entries["checkpoint/pages-1.img"].content, std::string(5000, 'p'));
}

TEST(TarWriter, HeaderIsUstarWithValidChecksum) {
  StringSink sink;
  TarWriter tar(&sink, 0);
  ASSERT_TRUE(tar.AddFile("a", "x").ok());
  const std::string& h = sink.str();
  ASSERT_GE(h.size(), 512u);
  EXPECT_EQ(h.substr(257, 6), std::string("ustar\0", 6));
  EXPECT_EQ(h.substr(263, 2), "00");
  unsigned sum = 0;
  for (int i = 0; i < 512; ++i)
    sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(h[i]);
  EXPECT_EQ(std::stoul(h.substr(148, 6), nullptr, 8), sum);
}

TEST(TarWriter, LongNamesUseThePrefixField) {
  std::string dir(120, 'd');
  std::string name = dir + "/file.img";
  StringSink sink;
  TarWriter tar(&sink, 0);
  ASSERT_TRUE(tar.AddFile(name, "data").ok());
  ASSERT_TRUE(tar.Finish().ok());
  ReadArchive r = ReadTar(sink.str(), true);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.entries.count(name), 1u);
}

TEST(TarWriter, RejectsANameThatCannotBeSplit) {
  StringSink sink;
  TarWriter tar(&sink, 0);
  EXPECT_FALSE(tar.AddFile(std::string(300, 'x'), "data").ok());
}

TEST(TarWriter, SizesOf8GiBAndMoreUseBase256) {
  StringSink sink;
  TarWriter tar(&sink, 0);
  const uint64_t size = 9ULL << 30;
  // The body writes nothing, so the call fails after the header: enough to see it.
  absl::Status s =
      tar.AddStreamedFile("big", size, 0600, [](ByteSink*) { return absl::OkStatus(); });
  EXPECT_FALSE(s.ok());
  const std::string& h = sink.str();
  ASSERT_EQ(h.size(), 512u);
  EXPECT_EQ(static_cast<unsigned char>(h[124]), 0x80u);
  uint64_t decoded = 0;
  for (int i = 4; i < 12; ++i) decoded = decoded << 8 | static_cast<unsigned char>(h[124 + i]);
  EXPECT_EQ(decoded, size);
}

TEST(TarWriter, BodyOfTheWrongSizeIsAnError) {
  StringSink sink;
  TarWriter tar(&sink, 0);
  absl::Status s = tar.AddStreamedFile("f", 10, 0600, [](ByteSink* b) { return b->Append("abc"); });
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
  EXPECT_NE(s.message().find("body wrote 3 bytes, header says 10"), std::string::npos);
}

TEST(TarWriter, SinkErrorsArePassedThrough) {
  class FullSink final : public ByteSink {
   public:
    absl::Status Append(const char*, size_t) override {
      return absl::ResourceExhaustedError("No space left on device");
    }
  } sink;
  TarWriter tar(&sink, 0);
  EXPECT_EQ(tar.AddFile("a", "b").code(), absl::StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace fakecri
