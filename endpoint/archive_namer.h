#ifndef ENDPOINT_ARCHIVE_NAMER_H_
#define ENDPOINT_ARCHIVE_NAMER_H_

#include <map>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "endpoint/clock.h"

namespace endpoint {

// RFC 3339 at one-second resolution in the process's local time zone, as Go's
// time.Now().Format(time.RFC3339): "2024-10-15T12:18:00+09:00", or
// "2024-10-15T03:18:00Z" when the offset is zero.
std::string Rfc3339Local(WallTime t);

// The archive name a kubelet gives:
// <dir>/checkpoint-<pod>_<namespace>-<container>-<RFC 3339 local time>.tar
std::string KubeletArchiveName(const std::string& checkpoints_dir, const std::string& ns,
                               const std::string& pod, const std::string& container, WallTime t);

// Hands out archive locations in the kubelet's exact format.
//
// By default as the kubelet (Kubelet.CheckpointContainer in
// pkg/kubelet/kubelet.go): the name for the current second, as is, so two
// checkpoints of one container in the same second get the same name (and real
// runtimes write the second over the first).
//
// With `unique` (--unique-archive-names, beyond upstream): never a name handed
// out before nor one that exists on disk; when the name for "now" is taken,
// Reserve waits for the next second, at most kMaxUniqueWaits times, then fails
// (it never loops: a clock that stands still, or a directory that already
// holds the names of the coming seconds, ends in an error, not a hang). Only
// "no such file" makes a name free; any other answer of the file system
// (a name too long, a directory that cannot be searched) is an error.
//
// Names holding a NUL byte are refused (InvalidArgument): a C path would end
// there, and the runtime would write a file of another name. (The handler
// refuses names no Kubernetes object can have before it gets here.)
//
// Either way a location stays "in use" from Reserve to Release (counted, since
// two checkpoints may share one), so retention never deletes one in progress.
// Thread-safe.
class ArchiveNamer {
 public:
  ArchiveNamer(std::string checkpoints_dir, Clock* clock, bool unique)
      : dir_(std::move(checkpoints_dir)), clock_(clock), unique_(unique) {}

  static constexpr int kMaxUniqueWaits = 5;

  absl::StatusOr<std::string> Reserve(const std::string& ns, const std::string& pod,
                                      const std::string& container);
  // The checkpoint using `location` has ended (successfully or not).
  void Release(const std::string& location);
  bool InUse(const std::string& location) const;
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  Clock* clock_;
  const bool unique_;
  mutable std::mutex mu_;
  std::map<std::string, int> in_use_;           // location -> checkpoints using it
  std::map<std::string, WallTime> handed_out_;  // unique: name -> when; pruned after a minute
};

}  // namespace endpoint

#endif  // ENDPOINT_ARCHIVE_NAMER_H_
