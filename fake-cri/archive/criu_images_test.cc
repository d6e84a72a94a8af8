// CRIU images checked by CRIU's own decoder, `crit` (Debian package criu): if crit
// cannot decode a file we write, or re-encode it to the same bytes, the file is wrong.
#include "fake-cri/archive/criu_images.h"

#include <cstdio>
#include <fstream>
#include <string>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "testing/temp_dir.h"

namespace fakecri {
namespace {

using ::kit::testing::TempDir;

using nlohmann::json;

std::string RunShell(const std::string& cmd, int* rc) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) {
    *rc = -1;
    return out;
  }
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  *rc = ::pclose(p);
  return out;
}

class CriuImagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    int rc = 0;
    RunShell("command -v crit >/dev/null 2>&1", &rc);
    ASSERT_EQ(rc, 0) << "crit not found: install Debian's criu package (ci/setup does)";
  }

  // Writes `bytes` to a file, decodes it with crit, and checks that crit's
  // re-encoding is byte-identical (crit encode insists on every required field).
  json Decode(const std::string& name, const std::string& bytes) {
    std::string path = dir_.Join(name);
    { std::ofstream(path, std::ios::binary) << bytes; }
    int rc = 0;
    std::string out = RunShell("crit decode -i " + path + " 2>&1", &rc);
    EXPECT_EQ(rc, 0) << name << ": " << out;
    std::string again = path + ".re";
    RunShell("crit decode -i " + path + " | crit encode -o " + again + " 2>&1 && cmp " + path +
                 " " + again + " 2>&1",
             &rc);
    EXPECT_EQ(rc, 0) << name << ": crit decode | crit encode does not reproduce our bytes";
    json j = json::parse(out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << out;
    return j;
  }

  TempDir dir_;
};

TEST_F(CriuImagesTest, InventoryDecodes) {
  json j = Decode("inventory.img", CriuInventoryImage());
  EXPECT_EQ(j["magic"], "INVENTORY");
  EXPECT_EQ(j["entries"][0]["img_version"], 2);
  EXPECT_EQ(j["entries"][0]["fdinfo_per_id"], true);
}

TEST_F(CriuImagesTest, PstreeDecodes) {
  json j = Decode("pstree.img", CriuPstreeImage());
  EXPECT_EQ(j["magic"], "PSTREE");
  EXPECT_EQ(j["entries"][0]["pid"], 1);
  EXPECT_EQ(j["entries"][0]["ppid"], 0);
  EXPECT_EQ(j["entries"][0]["threads"], json::array({1}));
}

TEST_F(CriuImagesTest, CoreDecodesWithTheProcessName) {
  CriuProcess p;
  p.comm = "redis-server";
  json j = Decode("core-1.img", CriuCoreImage(p));
  EXPECT_EQ(j["magic"], "CORE");
  EXPECT_EQ(j["entries"][0]["mtype"], "X86_64");
  EXPECT_EQ(j["entries"][0]["tc"]["comm"], "redis-server");
  EXPECT_EQ(j["entries"][0]["thread_info"]["fpregs"]["st_space"].size(), 32u);
  EXPECT_EQ(j["entries"][0]["thread_info"]["fpregs"]["xmm_space"].size(), 64u);
}

TEST_F(CriuImagesTest, MmRecordsTheWholeWorkingSetAsTheHeap) {
  CriuProcess p;
  p.heap_pages = 262144;  // 1 GiB
  p.present_pages = 16;
  json j = Decode("mm-1.img", CriuMmImage(p));
  EXPECT_EQ(j["magic"], "MM");
  const json& vmas = j["entries"][0]["vmas"];
  ASSERT_EQ(vmas.size(), 4u);
  EXPECT_EQ(vmas[1]["start"], kHeapStart);
  EXPECT_EQ(vmas[1]["end"].get<uint64_t>() - vmas[1]["start"].get<uint64_t>(), 1ULL << 30);
  EXPECT_EQ(vmas[1]["fd"], -1);
  EXPECT_EQ(j["entries"][0]["mm_brk"].get<uint64_t>(), kHeapStart + (1ULL << 30));
}

TEST_F(CriuImagesTest, PagemapCoversThePresentPages) {
  CriuProcess p;
  p.heap_pages = 1000;
  p.present_pages = 16;
  json j = Decode("pagemap-1.img", CriuPagemapImage(p));
  EXPECT_EQ(j["magic"], "PAGEMAP");
  ASSERT_EQ(j["entries"].size(), 2u);
  EXPECT_EQ(j["entries"][0]["pages_id"], 1);
  EXPECT_EQ(j["entries"][1]["vaddr"], kHeapStart);
  EXPECT_EQ(j["entries"][1]["nr_pages"], 16);
  EXPECT_EQ(j["entries"][1]["flags"], 4);  // PE_PRESENT
}

TEST_F(CriuImagesTest, StatsDumpCarriesTimesAndPageCounts) {
  CriuDumpStats s;
  s.freezing_us = 100000;
  s.frozen_us = 3200000;
  s.memdump_us = 1600000;
  s.memwrite_us = 1500000;
  s.pages_scanned = 786432;
  s.pages_written = 16;
  json j = Decode("stats-dump", CriuStatsDumpImage(s));
  EXPECT_EQ(j["magic"], "STATS");
  const json& d = j["entries"][0]["dump"];
  EXPECT_EQ(d["freezing_time"], 100000);
  EXPECT_EQ(d["frozen_time"], 3200000);
  EXPECT_EQ(d["memdump_time"], 1600000);
  EXPECT_EQ(d["memwrite_time"], 1500000);
  EXPECT_EQ(d["pages_scanned"], 786432);
  EXPECT_EQ(d["pages_written"], 16);
  EXPECT_EQ(d["pages_lazy"], 0);
}

TEST_F(CriuImagesTest, FilesFsIdsAndFdinfoDecode) {
  CriuProcess p;
  p.exe = "/usr/bin/redis-server";
  json files = Decode("files.img", CriuFilesImage(p));
  EXPECT_EQ(files["entries"][0]["reg"]["name"], "/usr/bin/redis-server");
  EXPECT_EQ(Decode("fs-1.img", CriuFsImage())["entries"][0]["root_id"], 2);
  EXPECT_EQ(Decode("ids-1.img", CriuIdsImage())["entries"][0]["files_id"], 1);
  EXPECT_EQ(Decode("fdinfo-1.img", CriuFdinfoImage())["entries"].size(), 3u);
}

TEST(FillPage, PagesDifferAndNameTheirIndex) {
  std::string a(kPageSize, '\0'), b(kPageSize, '\0');
  FillPage(0, a.data());
  FillPage(1, b.data());
  EXPECT_NE(a, b);
  EXPECT_EQ(a.rfind("fake-cri page 0000000000000000", 0), 0u);
  EXPECT_EQ(b.rfind("fake-cri page 0000000000000001", 0), 0u);
}

}  // namespace
}  // namespace fakecri
