#ifndef ENDPOINT_RETENTION_H_
#define ENDPOINT_RETENTION_H_

// --max-checkpoints-per-container N (beyond upstream, opt-in; the kubelet
// never deletes an archive): after a successful checkpoint, the oldest archives
// of that container beyond the newest N are deleted.
//
// Which archives are a container's is never read from file names: the
// kubelet's name "checkpoint-<pod>_<namespace>-<container>-<time>.tar" is
// ambiguous (pod a, namespace b, container c-d and pod a, namespace b-c,
// container d get the same names). Instead the index records every archive
// this endpoint wrote: its path, the namespace, pod and container it was
// made for, when, and the file's identity (device, inode, size, mtime) as it
// stood after the checkpoint. Retention considers only a container's own
// entries, and deletes a file only while it is still the very file recorded
// (so never a file someone else wrote or replaced since, nor one it did not
// write). A second checkpoint written over the same path (two containers'
// names colliding in one second) takes the path over: the earlier owner's
// entry goes, since its archive is gone. A location still in use (ArchiveNamer)
// is never deleted.
//
// The index is a JSON file (default <root-dir>/checkpoint-endpoint-retention.json),
// rewritten atomically (a temporary file, then rename) after every change.
// An unreadable or malformed index is set aside (logged) and an empty one
// started: retention then deletes nothing older than the index.
//
// Thread-safe.

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "endpoint/archive_namer.h"

namespace endpoint {

class RetentionIndex {
 public:
  struct Entry {
    std::string path;
    std::string ns, pod, container;
    int64_t written_ns = 0;  // wall time of the record, ns since the epoch
    uint64_t dev = 0, ino = 0, size = 0;
    int64_t mtime_ns = 0;
  };

  // Loads `index_file` if it exists.
  RetentionIndex(std::string index_file, Clock* clock);

  // After a successful checkpoint of ns/pod/container at `path`: records the
  // file as it stands now (nothing when it is not a regular file).
  void Record(const std::string& path, const std::string& ns, const std::string& pod,
              const std::string& container);

  // Deletes this container's oldest recorded archives beyond the newest
  // `keep`, skipping those `namer` has in use. Returns the paths deleted.
  std::vector<std::string> Enforce(const std::string& ns, const std::string& pod,
                                   const std::string& container, size_t keep,
                                   const ArchiveNamer& namer);

  std::vector<Entry> entries() const;
  const std::string& file() const { return file_; }

 private:
  void LoadLocked();
  void SaveLocked();

  const std::string file_;
  Clock* const clock_;
  mutable std::mutex mu_;
  std::vector<Entry> entries_;  // guarded by mu_, oldest first
};

}  // namespace endpoint

#endif  // ENDPOINT_RETENTION_H_
