#ifndef INSPECT_ARCHIVE_SCAN_H_
#define INSPECT_ARCHIVE_SCAN_H_

// Reads one checkpoint archive in a single streaming pass and gathers its
// facts (checkpoint_facts.h). Only small members are loaded, each up to a
// limit (kMaxJsonBytes, kMaxImageBytes); pages-*.img are never read, only
// their sizes; rootfs-diff.tar is listed while it streams by. Every error
// names the file, and the member when one is at fault. Thread-safe (no
// shared state).

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "inspect/checkpoint_facts.h"
#include "inspect/tar_stream.h"

namespace inspect {

constexpr uint64_t kMaxJsonBytes = 4 << 20;     // config.dump, spec.dump, ...
constexpr uint64_t kMaxImageBytes = 4 << 20;    // each CRIU image decoded
constexpr uint64_t kMaxLogScanBytes = 1 << 20;  // of dump.log, for its Version line

struct ScanOptions {
  // false: only what `list` shows (metadata); CRIU images, dump.log and
  // rootfs-diff.tar are skipped, not decoded.
  bool full = true;
  TarStreamOptions tar;
};

absl::StatusOr<CheckpointFacts> InspectCheckpoint(const std::string& path,
                                                  const ScanOptions& options = {});

}  // namespace inspect

#endif  // INSPECT_ARCHIVE_SCAN_H_
