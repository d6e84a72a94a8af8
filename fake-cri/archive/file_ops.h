#ifndef FAKE_CRI_ARCHIVE_FILE_OPS_H_
#define FAKE_CRI_ARCHIVE_FILE_OPS_H_

#include <sys/stat.h>
#include <sys/types.h>

#include <cstddef>
#include <string>

#include "absl/status/status.h"

namespace fakecri {

// Every OS call the archive writer makes, so that tests (and the disk-full
// fault) can fail any step. Errors carry the call, the path and strerror.
// The real implementation is thread-safe; so must be any other.
class FileOps {
 public:
  virtual ~FileOps() = default;
  // An unnamed file in `dir` (O_TMPFILE): it vanishes if we die before Link.
  // UNIMPLEMENTED when the filesystem has no O_TMPFILE.
  virtual absl::Status OpenUnnamed(const std::string& dir, mode_t mode, int* fd) = 0;
  // A new named file (O_CREAT|O_EXCL|O_NOFOLLOW): never an existing one or a link.
  virtual absl::Status OpenExclusive(const std::string& path, mode_t mode, int* fd) = 0;
  // The file at `path` opened as CRI-O and containerd open a checkpoint
  // location: O_RDWR|O_CREAT with `mode`, no O_TRUNC, no O_NOFOLLOW. A symlink
  // is followed, an existing file keeps its inode, mode and owner (and its
  // tail, past what is written), and a relative path is resolved against the
  // working directory.
  virtual absl::Status OpenInPlace(const std::string& path, mode_t mode, int* fd) = 0;
  // stat(2) and lstat(2).
  virtual absl::Status Stat(const std::string& path, struct stat* st) = 0;
  virtual absl::Status Lstat(const std::string& path, struct stat* st) = 0;
  // Writes all `n` bytes or fails.
  virtual absl::Status Write(int fd, const char* data, size_t n) = 0;
  virtual absl::Status Fchmod(int fd, mode_t mode) = 0;
  virtual absl::Status Fsync(int fd) = 0;
  // Gives the unnamed file `fd` the name `path`; ALREADY_EXISTS if anything
  // (file, directory, symlink) is there: never replaces, never follows.
  virtual absl::Status LinkUnnamed(int fd, const std::string& path) = 0;
  // rename(2) that fails with ALREADY_EXISTS instead of replacing.
  virtual absl::Status RenameNoReplace(const std::string& from, const std::string& to) = 0;
  virtual absl::Status Unlink(const std::string& path) = 0;
  virtual absl::Status Close(int fd) = 0;
  virtual absl::Status FsyncDir(const std::string& dir) = 0;
};

// Status for a failed call: ALREADY_EXISTS for EEXIST, NOT_FOUND for ENOENT,
// RESOURCE_EXHAUSTED for ENOSPC/EDQUOT, PERMISSION_DENIED for EACCES/EPERM,
// INTERNAL otherwise; message "<call> <path>: <strerror>".
absl::Status ErrnoStatus(int err, const std::string& call, const std::string& path);

// The errno a failed FileOps call carried (ErrnoStatus records it in the
// status payload), or 0 when there is none.
int ErrnoOf(const absl::Status& status);

// Go's text for an errno, as syscall.Errno.Error() spells it (lower case:
// "no such file or directory", "is a directory", "no space left on device").
std::string GoErrnoText(int err);

// The real calls.
FileOps* RealFileOps();

}  // namespace fakecri

#endif  // FAKE_CRI_ARCHIVE_FILE_OPS_H_
