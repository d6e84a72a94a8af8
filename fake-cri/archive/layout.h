#ifndef FAKE_CRI_ARCHIVE_LAYOUT_H_
#define FAKE_CRI_ARCHIVE_LAYOUT_H_

#include <cstdint>
#include <functional>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "fake-cri/archive/byte_sink.h"
#include "fake-cri/archive/tar_writer.h"
#include "fake-cri/store.h"

namespace fakecri {

// Whose archive layout to imitate (docs/archive.md): CRI-O's, containerd
// 2.1's and later, or containerd 2.0's (no status, status.dump, container.log,
// stats-dump, dump.log).
enum class ArchiveFlavor { kCrio, kContainerd, kContainerd20 };
// cri-o, containerd, containerd-2.0
absl::StatusOr<ArchiveFlavor> ParseArchiveFlavor(const std::string& text);
const char* ArchiveFlavorName(ArchiveFlavor flavor);

// How much memory goes into checkpoint/pages-1.img.
//   kSparse: the first kSparseSamplePages pages of the working set; the full size
//            is still recorded (heap VMA in mm-1.img, pages_scanned in stats-dump).
//   kFull:   every page of the working set, streamed.
enum class PagesMode { kSparse, kFull };
absl::StatusOr<PagesMode> ParsePagesMode(const std::string& text);  // sparse, full
constexpr uint64_t kSparseSamplePages = 16;

// Everything one archive says about its container.
struct ArchiveSpec {
  Container container;
  Sandbox sandbox;
  std::string runtime_version;
  int64_t checkpointed_at_ns = 0;
  int64_t fixed_cost_ns = 0;  // modelled time split, for stats-dump
  int64_t modelled_ns = 0;
  ArchiveFlavor flavor = ArchiveFlavor::kContainerd;
  PagesMode pages = PagesMode::kSparse;
  std::set<std::string> omit;  // entries to leave out (the missing-entry fault)
};

// Writes the whole archive (a plain tar) to `sink`. `check` is called between
// chunks of page data (at most every 1 MiB) and before each entry; a non-OK
// answer stops the write and is returned. Memory use is bounded by one chunk
// whatever the working set.
absl::Status WriteCheckpointArchive(const ArchiveSpec& spec, ByteSink* sink,
                                    const std::function<absl::Status()>& check);

// The tar header style of a layout's runtime.
TarStyle LayoutTarStyle(ArchiveFlavor flavor);

// "2024-10-15T03:18:00.123456789Z", as Go's time.Time marshals to JSON.
std::string Rfc3339Nano(int64_t ns);

}  // namespace fakecri

#endif  // FAKE_CRI_ARCHIVE_LAYOUT_H_
