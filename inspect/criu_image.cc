#include "inspect/criu_image.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace inspect {
namespace {

// One row per image kind we decode: its class magic (0 = none) and its own
// magic, from pycriu/images/magic.py (criu 3.17.1).
struct ImageMagics {
  CriuImageKind kind;
  const char* name;
  uint32_t class_magic;
  uint32_t magic;
};

constexpr ImageMagics kImages[] = {
    {CriuImageKind::kInventory, "INVENTORY", 0, 0x58313116},
    {CriuImageKind::kPstree, "PSTREE", kImgCommonMagic, 0x50273030},
    {CriuImageKind::kCore, "CORE", kImgCommonMagic, 0x55053847},
    {CriuImageKind::kPagemap, "PAGEMAP", kImgCommonMagic, 0x56084025},
    {CriuImageKind::kStats, "STATS", kImgServiceMagic, 0x57093306},
};

const ImageMagics& Row(CriuImageKind kind) {
  for (const ImageMagics& row : kImages) {
    if (row.kind == kind) return row;
  }
  return kImages[0];
}

uint32_t LoadU32(std::string_view bytes, size_t pos) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) {
    v |= static_cast<uint32_t>(static_cast<uint8_t>(bytes[pos + i])) << (8 * i);
  }
  return v;
}

std::string Hex(uint32_t v) { return absl::StrFormat("0x%08x", v); }

}  // namespace

const char* CriuImageName(CriuImageKind kind) { return Row(kind).name; }

absl::StatusOr<CriuImage> SplitCriuImage(std::string_view bytes, CriuImageKind expected) {
  const ImageMagics& row = Row(expected);
  size_t pos = 0;
  if (row.class_magic != 0) {
    if (bytes.size() < 4) {
      return absl::DataLossError(
          absl::StrCat("only ", bytes.size(), " bytes, too short for a CRIU image header"));
    }
    const uint32_t found = LoadU32(bytes, 0);
    if (found != row.class_magic) {
      return absl::DataLossError(absl::StrCat(
          "byte 0: class magic ", Hex(found), ", expected ", Hex(row.class_magic), " (",
          row.class_magic == kImgServiceMagic ? "IMG_SERVICE" : "IMG_COMMON", ")"));
    }
    pos = 4;
  }
  if (bytes.size() - pos < 4) {
    return absl::DataLossError(
        absl::StrCat("only ", bytes.size(), " bytes, too short for a CRIU image header"));
  }
  const uint32_t found = LoadU32(bytes, pos);
  if (found != row.magic) {
    return absl::DataLossError(absl::StrCat("byte ", pos, ": image magic ", Hex(found),
                                            ", expected ", Hex(row.magic), " (", row.name, ")"));
  }
  pos += 4;

  CriuImage image;
  image.kind = expected;
  image.name = row.name;
  while (pos < bytes.size()) {
    const size_t entry_number = image.entries.size() + 1;
    if (bytes.size() - pos < 4) {
      return absl::DataLossError(absl::StrCat("entry ", entry_number, " at byte ", pos,
                                              ": truncated length (", bytes.size() - pos,
                                              " of 4 bytes)"));
    }
    const uint32_t len = LoadU32(bytes, pos);
    if (len > bytes.size() - pos - 4) {
      return absl::DataLossError(absl::StrCat("entry ", entry_number, " at byte ", pos, " claims ",
                                              len, " bytes but only ", bytes.size() - pos - 4,
                                              " remain"));
    }
    image.entries.push_back(bytes.substr(pos + 4, len));
    pos += 4 + static_cast<size_t>(len);
  }
  return image;
}

}  // namespace inspect
