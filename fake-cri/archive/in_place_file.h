#ifndef FAKE_CRI_ARCHIVE_IN_PLACE_FILE_H_
#define FAKE_CRI_ARCHIVE_IN_PLACE_FILE_H_

#include <sys/types.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "fake-cri/archive/byte_sink.h"
#include "fake-cri/archive/file_ops.h"

namespace fakecri {

// A checkpoint archive written the way real runtimes write one: CRI-O's
// exportCheckpoint and containerd 2.x open the location O_RDWR|O_CREATE with
// mode 0600, without O_TRUNC and without O_NOFOLLOW, and copy the archive into
// it from offset 0 (see docs/runtime-profiles.md for the sources). So:
// a symlink at the location is followed; an existing file is written over in
// place (same inode, its mode and owner kept, and its tail kept when the new
// archive is shorter); a relative location is resolved against the working
// directory; nothing is synced; and on an error the partial file stays.
//
// Errors read as Go's *os.PathError renders them ("open <path>: no such file
// or directory", "write <path>: no space left on device"), with the location
// exactly as given, and carry code UNKNOWN (a plain Go error through gRPC).
// Not thread-safe.
class InPlaceFile final : public ByteSink {
 public:
  static absl::StatusOr<std::unique_ptr<InPlaceFile>> Open(FileOps* ops, const std::string& path,
                                                           mode_t mode);
  ~InPlaceFile() override;

  absl::Status Append(const char* data, size_t n) override;
  using ByteSink::Append;
  // Closes the file; what was written stays whatever happened before.
  absl::Status Close();
  uint64_t bytes_written() const { return bytes_; }

 private:
  InPlaceFile(FileOps* ops, std::string path, int fd)
      : ops_(ops), path_(std::move(path)), fd_(fd) {}

  FileOps* ops_;
  std::string path_;
  int fd_;
  uint64_t bytes_ = 0;
};

// Go's *os.PathError text for a failed FileOps call on `path`:
// "<op> <path>: <errno text as Go spells it>", as an UNKNOWN status.
absl::Status GoPathError(const std::string& op, const std::string& path, const absl::Status& cause);

}  // namespace fakecri

#endif  // FAKE_CRI_ARCHIVE_IN_PLACE_FILE_H_
