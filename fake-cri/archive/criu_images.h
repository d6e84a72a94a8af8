#ifndef FAKE_CRI_ARCHIVE_CRIU_IMAGES_H_
#define FAKE_CRI_ARCHIVE_CRIU_IMAGES_H_

#include <cstdint>
#include <string>

namespace fakecri {

// Encoders for the CRIU (v1.1 image format, x86_64) files of a one-process
// container, byte for byte as CRIU 3.17 frames them: 32-bit little-endian class
// magic (none for inventory.img, IMG_SERVICE for stats-dump, IMG_COMMON
// otherwise), image magic, then entries of <u32le length><proto2 message>.
// Magics come from pycriu/images/magic.py and field numbers from pycriu's
// *_pb2 descriptors (Debian criu 3.17.1); every required field is written, even
// when zero, so `crit decode | crit encode` round-trips. See docs/archive.md.
// Pure functions; thread-safe.

constexpr uint64_t kPageSize = 4096;
// Where the simulated heap (the working set) starts in the process's memory map.
constexpr uint64_t kHeapStart = 0x555555580000ULL;

// The process that the images describe: pid 1, `comm`, with a heap of
// `heap_pages` pages, of which the first `present_pages` are dumped into
// pages-1.img (all of them in `full` mode; a sample in `sparse` mode).
struct CriuProcess {
  std::string comm = "sh";
  std::string exe = "/bin/sh";
  uint64_t heap_pages = 1;
  uint64_t present_pages = 1;
};

// Times are microseconds, as CRIU's stats.c stores them (uint32).
struct CriuDumpStats {
  uint32_t freezing_us = 0;
  uint32_t frozen_us = 0;
  uint32_t memdump_us = 0;
  uint32_t memwrite_us = 0;
  uint64_t pages_scanned = 0;
  uint64_t pages_written = 0;
};

std::string CriuInventoryImage();
std::string CriuPstreeImage();
std::string CriuCoreImage(const CriuProcess& p);
std::string CriuMmImage(const CriuProcess& p);
std::string CriuPagemapImage(const CriuProcess& p);
std::string CriuStatsDumpImage(const CriuDumpStats& s);
std::string CriuFilesImage(const CriuProcess& p);
std::string CriuFsImage();
std::string CriuIdsImage();
std::string CriuFdinfoImage();

// The content of page `index` of pages-1.img (kPageSize bytes into `out`):
// recognisable, cheap to produce, different per page.
void FillPage(uint64_t index, char* out);

}  // namespace fakecri

#endif  // FAKE_CRI_ARCHIVE_CRIU_IMAGES_H_
