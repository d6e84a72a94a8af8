// The decoders on images built byte by byte, and every error they give.
// Agreement with crit on real and fake-cri images: criu_crit_test.cc.
#include "inspect/criu_entries.h"

#include <string>

#include "gtest/gtest.h"
#include "inspect/criu_image.h"

namespace inspect {
namespace {

using std::string_literals::operator""s;

std::string U32(uint32_t v) {
  std::string s;
  for (int i = 0; i < 4; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
  return s;
}
std::string Entry(const std::string& msg) { return U32(static_cast<uint32_t>(msg.size())) + msg; }

const std::string kPstreeHead = U32(kImgCommonMagic) + U32(0x50273030);
const std::string kPagemapHead = U32(kImgCommonMagic) + U32(0x56084025);

TEST(CriuImage, DecodesAPstreeWithTwoProcesses) {
  const std::string image = kPstreeHead + Entry("\x08\x01\x10\x00\x18\x01\x20\x01\x28\x01"s) +
                            Entry("\x08\x07\x10\x01\x18\x01\x20\x01\x28\x07\x28\x08"s);
  absl::StatusOr<std::vector<CriuProcessEntry>> tree = DecodePstree(image);
  ASSERT_TRUE(tree.ok()) << tree.status();
  ASSERT_EQ(tree->size(), 2u);
  EXPECT_EQ((*tree)[1].pid, 7u);
  EXPECT_EQ((*tree)[1].ppid, 1u);
  EXPECT_EQ((*tree)[1].threads, (std::vector<uint32_t>{7, 8}));
}

TEST(CriuImage, PagemapCountsPresentPagesAndPrefersCriu4sNrPages) {
  const std::string image =
      kPagemapHead + Entry("\x08\x01"s) +
      Entry("\x08\x80\x20\x10\x03\x20\x04"s) +          // 3 pages, PE_PRESENT
      Entry("\x08\x80\x40\x10\x00\x20\x06\x28\x05"s) +  // CRIU 4: 0 + nr_pages 5, PRESENT|LAZY
      Entry("\x08\x80\x60\x10\x09\x20\x01"s) +          // 9 pages in the parent
      Entry("\x08\x80\x80\x01\x10\x02"s);               // no flags (old image): present
  absl::StatusOr<CriuPagemap> pm = DecodePagemap(image);
  ASSERT_TRUE(pm.ok()) << pm.status();
  EXPECT_EQ(pm->pages_id, 1u);
  ASSERT_EQ(pm->entries.size(), 4u);
  EXPECT_EQ(pm->entries[1].pages(), 5u);
  EXPECT_EQ(pm->entries[1].nr_pages_field2, 0u);
  EXPECT_FALSE(pm->entries[2].present());
  EXPECT_EQ(pm->present_pages(), 3u + 5u + 2u);
}

TEST(CriuImage, ErrorsSayWhatIsWrongAndWhere) {
  struct Case {
    std::string what;
    absl::Status status;
    std::string error;
  } cases[] = {
      {"short", DecodePstree("\x19\x43"s).status(),
       "only 2 bytes, too short for a CRIU image header"},
      {"class magic", DecodePstree(U32(kImgServiceMagic) + U32(0x50273030)).status(),
       "byte 0: class magic 0x55105940, expected 0x54564319 (IMG_COMMON)"},
      {"stats class", DecodeStats(U32(kImgCommonMagic) + U32(0x57093306)).status(),
       "byte 0: class magic 0x54564319, expected 0x55105940 (IMG_SERVICE)"},
      {"image magic", DecodePstree(kPagemapHead).status(),
       "byte 4: image magic 0x56084025, expected 0x50273030 (PSTREE)"},
      {"inventory has no class magic", DecodeInventory(U32(kImgCommonMagic)).status(),
       "byte 0: image magic 0x54564319, expected 0x58313116 (INVENTORY)"},
      {"entry length", DecodePstree(kPstreeHead + U32(40) + "\x08\x01"s).status(),
       "entry 1 at byte 8 claims 40 bytes but only 2 remain"},
      {"length cut", DecodePstree(kPstreeHead + "\x02\x00"s).status(),
       "entry 1 at byte 8: truncated length (2 of 4 bytes)"},
      {"required field", DecodePstree(kPstreeHead + Entry("\x08\x01\x10\x00\x18\x01"s)).status(),
       "entry 1: required field sid (4) is missing"},
      {"bad message", DecodePstree(kPstreeHead + Entry("\x08"s)).status(),
       "entry 1: varint at byte 1 is truncated"},
      {"one entry", DecodeCore(U32(kImgCommonMagic) + U32(0x55053847)).status(),
       "CORE image has 0 entries, expected 1"},
      {"no head", DecodePagemap(kPagemapHead).status(), "PAGEMAP image has no pagemap_head entry"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.status.message(), c.error) << c.what;
  }
}

TEST(CriuImage, CoreGivesCommAndMachine) {
  // CoreEntry{mtype: X86_64, tc: {task_state 1, exit_code 0, comm "redis"}}
  const std::string tc = "\x08\x01\x10\x00\x32\x05redis"s;
  const std::string core = "\x08\x01\x1a"s + static_cast<char>(tc.size()) + tc;
  absl::StatusOr<CriuCore> c = DecodeCore(U32(kImgCommonMagic) + U32(0x55053847) + Entry(core));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->comm, "redis");
  EXPECT_STREQ(CriuMachineName(c->mtype), "X86_64");
  EXPECT_STREQ(CriuMachineName(99), "UNKNOWN");
}

}  // namespace
}  // namespace inspect
