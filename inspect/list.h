#ifndef INSPECT_LIST_H_
#define INSPECT_LIST_H_

// `list`: every checkpoint archive in a directory, one row each. A file is a
// candidate when its name ends in a tar suffix (.tar, .tar.gz, .tgz, .tar.zst,
// .tar.xz, .tar.bz2, .tar.lz4). Names starting with "checkpoint-" (the kubelet's
// naming, which checkpointctl list looks for) are always listed, an unreadable
// one with its error; other names only when they are checkpoint archives or
// might be (an error other than "not a tar" / "not a checkpoint archive").
// Thread-safe (no shared state).

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "inspect/archive_scan.h"
#include "nlohmann/json.hpp"

namespace inspect {

struct ListRow {
  std::string file;  // name within the directory
  uint64_t size = 0;
  std::string ns, pod, container, engine, checkpointed;
  std::string error;  // set when the archive could not be read
};

// Rows sorted by file name. Fails only when `dir` cannot be listed.
absl::StatusOr<std::vector<ListRow>> ListCheckpoints(const std::string& dir,
                                                     const ScanOptions& options = {});

std::string ListText(const std::vector<ListRow>& rows);
nlohmann::json ListJson(const std::vector<ListRow>& rows);

}  // namespace inspect

#endif  // INSPECT_LIST_H_
