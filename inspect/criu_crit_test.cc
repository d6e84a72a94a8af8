// Our CRIU decoders against CRIU's own crit (`crit decode -i FILE`), image by
// image, on fake-cri's archives of every flavor and on the real containerd and
// podman archives when ../shared/real-archives is there.
#include <filesystem>
#include <map>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "inspect/criu_entries.h"
#include "inspect/testing/test_archives.h"
#include "testing/temp_dir.h"

namespace inspect {
namespace {

using nlohmann::json;
using testing::CritDecode;
using testing::ReadFile;

// Optional fields: equal when crit prints them, absent from ours when it does not.
template <typename T>
void ExpectOptional(const json& crit, const char* key, const std::optional<T>& ours) {
  if (crit.contains(key)) {
    ASSERT_TRUE(ours.has_value()) << key;
    EXPECT_EQ(crit[key].get<T>(), *ours) << key;
  } else {
    EXPECT_FALSE(ours.has_value()) << key;
  }
}

void CompareInventory(const std::string& file, const json& crit) {
  absl::StatusOr<CriuInventory> ours = DecodeInventory(ReadFile(file));
  ASSERT_TRUE(ours.ok()) << ours.status();
  const json& e = crit["entries"][0];
  EXPECT_EQ(e["img_version"].get<uint32_t>(), ours->img_version);
  ExpectOptional(e, "fdinfo_per_id", ours->fdinfo_per_id);
  ExpectOptional(e, "ns_per_id", ours->ns_per_id);
  ExpectOptional(e, "root_cg_set", ours->root_cg_set);
  ExpectOptional(e, "dump_uptime", ours->dump_uptime);
  ExpectOptional(e, "network_lock_method", ours->network_lock_method);
  if (e.contains("lsmtype")) {
    const char* names[] = {"NO_LSM", "SELINUX", "APPARMOR"};
    ASSERT_TRUE(ours->lsmtype.has_value());
    EXPECT_EQ(e["lsmtype"].get<std::string>(), names[*ours->lsmtype]);
  }
}

void ComparePstree(const std::string& file, const json& crit) {
  absl::StatusOr<std::vector<CriuProcessEntry>> ours = DecodePstree(ReadFile(file));
  ASSERT_TRUE(ours.ok()) << ours.status();
  ASSERT_EQ(crit["entries"].size(), ours->size());
  for (size_t i = 0; i < ours->size(); ++i) {
    const json& e = crit["entries"][i];
    const CriuProcessEntry& p = (*ours)[i];
    EXPECT_EQ(e["pid"].get<uint32_t>(), p.pid);
    EXPECT_EQ(e["ppid"].get<uint32_t>(), p.ppid);
    EXPECT_EQ(e["pgid"].get<uint32_t>(), p.pgid);
    EXPECT_EQ(e["sid"].get<uint32_t>(), p.sid);
    EXPECT_EQ(e.value("threads", json::array()).get<std::vector<uint32_t>>(), p.threads);
  }
}

void CompareCore(const std::string& file, const json& crit) {
  absl::StatusOr<CriuCore> ours = DecodeCore(ReadFile(file));
  ASSERT_TRUE(ours.ok()) << ours.status();
  const json& e = crit["entries"][0];
  EXPECT_EQ(e["mtype"].get<std::string>(), CriuMachineName(ours->mtype));
  ASSERT_TRUE(e.contains("tc"));
  ExpectOptional(e["tc"], "comm", ours->comm);
  ExpectOptional(e["tc"], "task_state", ours->task_state);
  ExpectOptional(e["tc"], "exit_code", ours->exit_code);
}

// crit 3.17 knows field 2 as nr_pages; CRIU 4's nr_pages (5) it cannot show,
// so the page count is checked against the pages file it describes instead.
void ComparePagemap(const std::string& file, const json& crit, const std::string& dir) {
  absl::StatusOr<CriuPagemap> ours = DecodePagemap(ReadFile(file));
  ASSERT_TRUE(ours.ok()) << ours.status();
  const json& entries = crit["entries"];
  ASSERT_EQ(entries.size(), ours->entries.size() + 1);
  EXPECT_EQ(entries[0]["pages_id"].get<uint32_t>(), ours->pages_id);
  for (size_t i = 0; i < ours->entries.size(); ++i) {
    const json& e = entries[i + 1];
    const CriuPagemapEntry& pe = ours->entries[i];
    EXPECT_EQ(e["vaddr"].get<uint64_t>(), pe.vaddr);
    EXPECT_EQ(e["nr_pages"].get<uint32_t>(), pe.nr_pages_field2);
    ExpectOptional(e, "in_parent", pe.in_parent);
    ExpectOptional(e, "flags", pe.flags);
  }
  const std::string pages = dir + "/pages-" + std::to_string(ours->pages_id) + ".img";
  EXPECT_EQ(ours->present_pages() * 4096, testing::FileSize(pages)) << pages;
}

void CompareStats(const std::string& file, const json& crit) {
  absl::StatusOr<CriuStats> ours = DecodeStats(ReadFile(file));
  ASSERT_TRUE(ours.ok()) << ours.status();
  const json& e = crit["entries"][0];
  ASSERT_EQ(e.contains("dump"), ours->dump.has_value());
  ASSERT_EQ(e.contains("restore"), ours->restore.has_value());
  if (ours->dump) {
    const json& d = e["dump"];
    const CriuDumpStats& s = *ours->dump;
    EXPECT_EQ(d["freezing_time"].get<uint32_t>(), s.freezing_time);
    EXPECT_EQ(d["frozen_time"].get<uint32_t>(), s.frozen_time);
    EXPECT_EQ(d["memdump_time"].get<uint32_t>(), s.memdump_time);
    EXPECT_EQ(d["memwrite_time"].get<uint32_t>(), s.memwrite_time);
    EXPECT_EQ(d["pages_scanned"].get<uint64_t>(), s.pages_scanned);
    EXPECT_EQ(d["pages_skipped_parent"].get<uint64_t>(), s.pages_skipped_parent);
    EXPECT_EQ(d["pages_written"].get<uint64_t>(), s.pages_written);
    EXPECT_EQ(d["pages_lazy"].get<uint64_t>(), s.pages_lazy);
    ExpectOptional(d, "irmap_resolve", s.irmap_resolve);
    ExpectOptional(d, "page_pipes", s.page_pipes);
    ExpectOptional(d, "page_pipe_bufs", s.page_pipe_bufs);
    ExpectOptional(d, "shpages_scanned", s.shpages_scanned);
    ExpectOptional(d, "shpages_skipped_parent", s.shpages_skipped_parent);
    ExpectOptional(d, "shpages_written", s.shpages_written);
  }
}

// Extracts `archive` and compares every image of the kinds we decode.
// Returns how many of each kind were compared.
std::map<std::string, int> CompareArchive(const std::string& archive, const std::string& scratch) {
  std::map<std::string, int> seen;
  const std::string root = scratch + "/x";
  std::filesystem::remove_all(root);
  if (!testing::Extract(archive, root)) {
    ADD_FAILURE() << "tar cannot extract " << archive;
    return seen;
  }
  const std::string dir = root + "/checkpoint";
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    const std::string file = entry.path().string();
    std::string kind;
    if (name == "inventory.img") kind = "INVENTORY";
    if (name == "pstree.img") kind = "PSTREE";
    if (absl::StartsWith(name, "core-")) kind = "CORE";
    if (absl::StartsWith(name, "pagemap-")) kind = "PAGEMAP";
    if (kind.empty()) continue;
    SCOPED_TRACE(file);
    std::optional<json> crit = CritDecode(file);
    if (!crit) {
      ADD_FAILURE() << "crit cannot decode " << file;
      continue;
    }
    EXPECT_EQ((*crit)["magic"], kind);
    if (kind == "INVENTORY") CompareInventory(file, *crit);
    if (kind == "PSTREE") ComparePstree(file, *crit);
    if (kind == "CORE") CompareCore(file, *crit);
    if (kind == "PAGEMAP") ComparePagemap(file, *crit, dir);
    ++seen[kind];
  }
  if (std::filesystem::exists(root + "/stats-dump")) {
    SCOPED_TRACE(root + "/stats-dump");
    std::optional<json> crit = CritDecode(root + "/stats-dump");
    EXPECT_TRUE(crit.has_value());
    if (crit) CompareStats(root + "/stats-dump", *crit);
    ++seen["STATS"];
  }
  return seen;
}

class CritAgreement : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::Run("crit --help >/dev/null 2>&1")) GTEST_SKIP() << "crit is not installed";
  }
  kit::testing::TempDir tmp_;
};

TEST_F(CritAgreement, FakeCriArchivesOfEveryFlavorAndPagesMode) {
  for (const testing::FlavorRow& row : testing::FakeFlavors()) {
    for (const char* pages : {"full", "sparse"}) {
      SCOPED_TRACE(std::string(row.flavor) + " " + pages);
      const std::string path = tmp_.Join(std::string(row.flavor) + "-" + pages + ".tar");
      ASSERT_EQ(testing::WriteFakeArchive(path, row.flavor, pages), "");
      std::map<std::string, int> seen = CompareArchive(path, tmp_.path());
      for (const char* kind : {"INVENTORY", "PSTREE", "CORE", "PAGEMAP"}) {
        EXPECT_GE(seen[kind], 1) << kind;
      }
    }
  }
}

TEST_F(CritAgreement, RealContainerdAndPodmanArchives) {
  std::string why;
  std::map<std::string, std::string> real = testing::RealArchives(tmp_.path(), &why);
  if (real.empty()) GTEST_SKIP() << why;
  for (const auto& [name, path] : real) {
    SCOPED_TRACE(name);
    std::map<std::string, int> seen = CompareArchive(path, tmp_.path());
    for (const char* kind : {"INVENTORY", "PSTREE", "CORE", "PAGEMAP", "STATS"}) {
      EXPECT_GE(seen[kind], 1) << kind;
    }
  }
}

}  // namespace
}  // namespace inspect
