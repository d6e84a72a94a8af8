#ifndef INSPECT_CRIU_ENTRIES_H_
#define INSPECT_CRIU_ENTRIES_H_

// Decoders for the CRIU images checkpoint-inspect reads: the fields it shows,
// by the field numbers of CRIU's images/*.proto (checked against pycriu's
// *_pb2 descriptors of Debian criu 3.17.1; CRIU 4.x additions are noted where
// used). Each takes a whole image file's bytes and fails with a message that
// says which entry and what is wrong. Pure functions; thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace inspect {

// inventory.img: InventoryEntry (inventory.proto).
struct CriuInventory {
  uint32_t img_version = 0;                     // 1; 2 = CRTOOLS_IMAGES_V1_1
  std::optional<bool> fdinfo_per_id;            // 2
  std::optional<bool> ns_per_id;                // 4
  std::optional<uint32_t> root_cg_set;          // 5
  std::optional<uint32_t> lsmtype;              // 6: 0 NO_LSM, 1 SELINUX, 2 APPARMOR
  std::optional<uint64_t> dump_uptime;          // 8
  std::optional<uint32_t> network_lock_method;  // 11
};

// pstree.img: one PstreeEntry (pstree.proto) per process.
struct CriuProcessEntry {
  uint32_t pid = 0;               // 1
  uint32_t ppid = 0;              // 2
  uint32_t pgid = 0;              // 3
  uint32_t sid = 0;               // 4
  std::vector<uint32_t> threads;  // 5
};

// core-<pid>.img: CoreEntry (core.proto), its TaskCoreEntry tc (3).
struct CriuCore {
  uint32_t mtype = 0;                  // 1: 1 X86_64, 2 ARM, 3 AARCH64, 4 PPC64, 5 S390, 6 MIPS
  std::optional<std::string> comm;     // tc.comm (task_core_entry 6)
  std::optional<uint32_t> task_state;  // tc.task_state (1)
  std::optional<uint32_t> exit_code;   // tc.exit_code (2)
};

// pagemap-<pid>.img: a PagemapHead, then PagemapEntry per run of pages
// (pagemap.proto). CRIU 3.x: nr_pages = 2 (uint32). CRIU 4.x renamed field 2
// compat_nr_pages (written as 0) and added uint64 nr_pages = 5, which wins
// when present (criu/pagemap.c init_compat_pagemap_entry).
struct CriuPagemapEntry {
  uint64_t vaddr = 0;                       // 1
  uint32_t nr_pages_field2 = 0;             // 2 (crit 3.17 prints it as nr_pages)
  std::optional<bool> in_parent;            // 3
  std::optional<uint32_t> flags;            // 4: PE_PARENT 1, PE_LAZY 2, PE_PRESENT 4
  std::optional<uint64_t> nr_pages_field5;  // 5 (CRIU 4.x)

  uint64_t pages() const { return nr_pages_field5 ? *nr_pages_field5 : nr_pages_field2; }
  // Whose data is in pages-<pages_id>.img: PE_PRESENT, or (images from before
  // flags existed) an entry neither flagged nor in the parent.
  bool present() const;
};

struct CriuPagemap {
  uint32_t pages_id = 0;  // head: pages_id (1) -> pages-<pages_id>.img
  std::vector<CriuPagemapEntry> entries;
  uint64_t present_pages() const;
};

// stats-dump: StatsEntry (stats.proto) with DumpStatsEntry dump (1) and/or
// RestoreStatsEntry restore (2). Times are microseconds.
struct CriuDumpStats {
  uint32_t freezing_time = 0;                      // 1
  uint32_t frozen_time = 0;                        // 2
  uint32_t memdump_time = 0;                       // 3
  uint32_t memwrite_time = 0;                      // 4
  uint64_t pages_scanned = 0;                      // 5
  uint64_t pages_skipped_parent = 0;               // 6
  uint64_t pages_written = 0;                      // 7
  std::optional<uint32_t> irmap_resolve;           // 8
  uint64_t pages_lazy = 0;                         // 9
  std::optional<uint64_t> page_pipes;              // 10
  std::optional<uint64_t> page_pipe_bufs;          // 11
  std::optional<uint64_t> shpages_scanned;         // 12
  std::optional<uint64_t> shpages_skipped_parent;  // 13
  std::optional<uint64_t> shpages_written;         // 14
};

struct CriuRestoreStats {
  uint64_t pages_compared = 0;             // 1
  uint64_t pages_skipped_cow = 0;          // 2
  uint32_t forking_time = 0;               // 3
  uint32_t restore_time = 0;               // 4
  std::optional<uint64_t> pages_restored;  // 5
};

struct CriuStats {
  std::optional<CriuDumpStats> dump;
  std::optional<CriuRestoreStats> restore;
};

absl::StatusOr<CriuInventory> DecodeInventory(std::string_view image);
absl::StatusOr<std::vector<CriuProcessEntry>> DecodePstree(std::string_view image);
absl::StatusOr<CriuCore> DecodeCore(std::string_view image);
absl::StatusOr<CriuPagemap> DecodePagemap(std::string_view image);
absl::StatusOr<CriuStats> DecodeStats(std::string_view image);

// "X86_64" for 1, as crit prints CoreEntry.mtype; "UNKNOWN" otherwise.
const char* CriuMachineName(uint32_t mtype);

}  // namespace inspect

#endif  // INSPECT_CRIU_ENTRIES_H_
