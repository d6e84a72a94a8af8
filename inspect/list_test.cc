#include "inspect/list.h"

#include <fstream>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "inspect/testing/test_archives.h"
#include "testing/temp_dir.h"

namespace inspect {
namespace {

namespace t = ::inspect::testing;

TEST(InspectList, EveryCheckpointArchiveInADirectoryWithErrorsInline) {
  kit::testing::TempDir dir;
  ASSERT_EQ(t::WriteFakeArchive(dir.Join("checkpoint-web_shop-counter-2026.tar"), "cri-o"), "");
  ASSERT_EQ(t::WriteFakeArchive(dir.Join("copy-of-a-checkpoint.tar"), "containerd"), "");
  const std::string good = t::ReadFile(dir.Join("checkpoint-web_shop-counter-2026.tar"));
  // Cut 1000 bytes into the pages image (its header names it at a block start).
  const size_t cut = good.find("checkpoint/pages-1.img") + 512 + 1000;
  std::ofstream(dir.Join("checkpoint-cut.tar"), std::ios::binary) << good.substr(0, cut);
  ASSERT_EQ(t::WriteTar(dir.Join("checkpoint-foreign.tar"), {{"a.txt", "a"}}), "");
  ASSERT_EQ(t::WriteTar(dir.Join("backup.tar"), {{"a.txt", "a"}}), "");  // not listed
  std::ofstream(dir.Join("notes.txt")) << "not a candidate";
  std::ofstream(dir.Join("random.tar")) << "not a tar at all";  // not listed
  ASSERT_EQ(t::CompressCopy(dir.Join("checkpoint-web_shop-counter-2026.tar"),
                            dir.Join("checkpoint-gz.tar.gz"), "gzip"),
            "");
  const bool zstd = t::CompressCopy(dir.Join("checkpoint-web_shop-counter-2026.tar"),
                                    dir.Join("checkpoint-zst.tar.zst"), "zstd")
                        .empty();

  ScanOptions options;
  options.full = false;
  absl::StatusOr<std::vector<ListRow>> rows = ListCheckpoints(dir.path(), options);
  ASSERT_TRUE(rows.ok()) << rows.status();
  std::map<std::string, ListRow> by_file;
  std::vector<std::string> files;
  for (const ListRow& r : *rows) {
    by_file[r.file] = r;
    files.push_back(r.file);
  }
  std::vector<std::string> want = {"checkpoint-cut.tar", "checkpoint-foreign.tar",
                                   "checkpoint-gz.tar.gz", "checkpoint-web_shop-counter-2026.tar"};
  if (zstd) want.push_back("checkpoint-zst.tar.zst");
  want.insert(want.begin(), "copy-of-a-checkpoint.tar");
  std::sort(want.begin(), want.end());
  EXPECT_EQ(files, want);

  const ListRow& ok = by_file["checkpoint-web_shop-counter-2026.tar"];
  EXPECT_EQ(ok.error, "");
  EXPECT_EQ(ok.ns, "shop");
  EXPECT_EQ(ok.pod, "web");
  EXPECT_EQ(ok.container, "counter");
  EXPECT_EQ(ok.engine, "CRI-O");
  EXPECT_EQ(ok.checkpointed, "2026-11-26T10:48:20.987654321Z");
  EXPECT_EQ(ok.size, good.size());
  EXPECT_EQ(by_file["copy-of-a-checkpoint.tar"].engine, "containerd");
  EXPECT_EQ(by_file["checkpoint-gz.tar.gz"].container, "counter");
  if (zstd) {
    EXPECT_EQ(by_file["checkpoint-zst.tar.zst"].container, "counter");
  }
  EXPECT_TRUE(absl::StartsWith(
      by_file["checkpoint-cut.tar"].error,
      "truncated: the archive ends at byte " + std::to_string(cut) + ", inside member \""))
      << by_file["checkpoint-cut.tar"].error;
  EXPECT_EQ(by_file["checkpoint-foreign.tar"].error,
            "not a checkpoint archive: no checkpoint/ directory, no config.dump, no spec.dump");

  const std::string text = ListText(*rows);
  EXPECT_TRUE(absl::StrContains(text, "shop/web/counter")) << text;
  EXPECT_TRUE(absl::StrContains(text, "error: not a checkpoint archive")) << text;
  const nlohmann::json j = ListJson(*rows);
  ASSERT_EQ(j.size(), rows->size());
  EXPECT_EQ(j[0]["file"], rows->front().file);
}

TEST(InspectList, MissingDirectoryIsAnError) {
  absl::StatusOr<std::vector<ListRow>> rows = ListCheckpoints("/nonexistent/dir");
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().message(), "/nonexistent/dir: no such directory");
}

TEST(InspectList, EmptyDirectorySaysSo) {
  kit::testing::TempDir dir;
  absl::StatusOr<std::vector<ListRow>> rows = ListCheckpoints(dir.path());
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(ListText(*rows),
            "FILE  SIZE  NAMESPACE/POD/CONTAINER  ENGINE  CHECKPOINTED\n"
            "(no checkpoint archives)\n");
}

}  // namespace
}  // namespace inspect
