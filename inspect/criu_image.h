#ifndef INSPECT_CRIU_IMAGE_H_
#define INSPECT_CRIU_IMAGE_H_

// The framing of a CRIU image file (image format v1.1), read independently of
// any writer: little-endian u32 magics -- a class magic (IMG_COMMON for most
// images, IMG_SERVICE for stats-dump, none for inventory.img) then the image's
// own magic -- followed by entries, each a u32 length and that many bytes of
// one protobuf message. Magic values are CRIU's criu/include/magic.h, as
// pycriu/images/magic.py lists them (Debian criu 3.17.1). pages-*.img files
// are raw memory with no framing and are never read through this.
// Pure functions; thread-safe.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace inspect {

constexpr uint32_t kImgCommonMagic = 0x54564319;   // IMG_COMMON
constexpr uint32_t kImgServiceMagic = 0x55105940;  // IMG_SERVICE

enum class CriuImageKind { kInventory, kPstree, kCore, kPagemap, kStats };

struct CriuImage {
  CriuImageKind kind = CriuImageKind::kInventory;
  std::string name;                       // as crit prints it: "INVENTORY", "PSTREE", ...
  std::vector<std::string_view> entries;  // views into the caller's bytes
};

// Splits `bytes` into entries after checking that the magics are those of
// `expected`. Errors say what was found at which byte offset.
absl::StatusOr<CriuImage> SplitCriuImage(std::string_view bytes, CriuImageKind expected);

// "INVENTORY", "PSTREE", "CORE", "PAGEMAP", "STATS".
const char* CriuImageName(CriuImageKind kind);

}  // namespace inspect

#endif  // INSPECT_CRIU_IMAGE_H_
