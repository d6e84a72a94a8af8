#ifndef ENDPOINT_ARCHIVE_NAMER_H_
#define ENDPOINT_ARCHIVE_NAMER_H_

#include <map>
#include <mutex>
#include <set>
#include <string>

#include "endpoint/clock.h"

namespace endpoint {

// RFC 3339 at one-second resolution in the process's local time zone, as Go's
// time.Now().Format(time.RFC3339): "2024-10-15T12:18:00+09:00", or
// "2024-10-15T03:18:00Z" when the offset is zero.
std::string Rfc3339Local(WallTime t);

// The archive name a kubelet gives:
// <dir>/checkpoint-<pod>_<namespace>-<container>-<RFC 3339 local time>.tar
std::string KubeletArchiveName(const std::string& checkpoints_dir, const std::string& ns,
                               const std::string& pod, const std::string& container,
                               WallTime t);

// Hands out archive locations in the kubelet's exact format that are never
// handed out twice and never name an existing file: two checkpoints of one
// container in the same second would otherwise share a name (and real runtimes
// write the second over the first). When the name for "now" is taken, Reserve
// waits for the next second. Locations stay reserved while in use (Release
// ends that) and for a while after, so retention never deletes one in progress.
// Thread-safe.
class ArchiveNamer {
 public:
  ArchiveNamer(std::string checkpoints_dir, Clock* clock)
      : dir_(std::move(checkpoints_dir)), clock_(clock) {}

  std::string Reserve(const std::string& ns, const std::string& pod, const std::string& container);
  // The checkpoint using `location` has ended (successfully or not).
  void Release(const std::string& location);
  bool InUse(const std::string& location) const;
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  Clock* clock_;
  mutable std::mutex mu_;
  std::set<std::string> in_use_;
  std::map<std::string, WallTime> handed_out_;  // name -> when; pruned after a minute
};

}  // namespace endpoint

#endif  // ENDPOINT_ARCHIVE_NAMER_H_
