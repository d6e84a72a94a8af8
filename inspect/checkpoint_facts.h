#ifndef INSPECT_CHECKPOINT_FACTS_H_
#define INSPECT_CHECKPOINT_FACTS_H_

// What checkpoint-inspect learns about one checkpoint archive: plain data,
// filled by InspectCheckpoint (archive_scan.h), printed by report.h.
// docs/inspect.md says which member each fact is read from.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "inspect/criu_entries.h"

namespace inspect {

// Who wrote the archive and what it says about the container.
struct ContainerFacts {
  std::string engine;     // "CRI-O", "containerd", "Podman"
  std::string name;       // the container's own name
  std::string full_name;  // config.dump "name"
  std::string id;         // config.dump "id"
  std::string pod;        // "" when the archive names none
  std::string ns;         // the pod's namespace
  std::string image_name;
  std::string image_ref;
  std::string runtime;       // config.dump "runtime"
  std::string oci_version;   // spec.dump "ociVersion"
  std::string created_time;  // config.dump "createdTime", as written
  std::string checkpointed_time;
  // Where checkpointed_time comes from: "config.dump" or, when config.dump has
  // none (Podman), "tar mtime of checkpoint/"; "" when neither.
  std::string checkpointed_time_source;
};

struct PagesFile {
  std::string member;  // "checkpoint/pages-1.img"
  uint64_t size = 0;
};

struct MemoryFacts {
  uint64_t pages = 0;  // present pages over every pagemap-*.img
  uint64_t bytes = 0;  // pages * 4096
  std::vector<PagesFile> pages_files;
  uint64_t pages_files_bytes = 0;
};

struct RootfsDiffFacts {
  uint64_t size = 0;
  std::string compression;           // "none" (CRI-O, Podman), "gzip" (containerd)
  std::vector<std::string> members;  // the first kMaxListedPaths, in archive order
  uint64_t member_count = 0;         // all of them
};

struct ProcessFacts {
  CriuProcessEntry entry;
  std::optional<std::string> comm;  // from core-<pid>.img, when present
};

struct CheckpointFacts {
  std::string path;
  uint64_t archive_size = 0;  // bytes on disk
  std::string compression;    // "none", "gzip", "zstd", ...
  uint64_t member_count = 0;
  ContainerFacts container;
  std::string criu_version;  // dump.log "Version:" line; "" when absent
  std::optional<CriuInventory> inventory;
  MemoryFacts memory;
  std::optional<RootfsDiffFacts> rootfs_diff;
  std::optional<std::vector<std::string>> deleted_files;
  std::optional<CriuStats> stats;
  std::vector<ProcessFacts> processes;
  std::vector<std::string> logs;  // members holding the container's log
};

constexpr size_t kMaxListedPaths = 100000;

}  // namespace inspect

#endif  // INSPECT_CHECKPOINT_FACTS_H_
